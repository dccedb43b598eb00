import numpy as np
import pandas as pd

from model.features import cast_features
from model.guards import run_guards, single_feature_auc
from tests.model.conftest import toy_frame, toy_spec


def leaky_setup():
    frame = toy_frame(400)
    frame["leak"] = frame["y"] * 10 + np.random.default_rng(1).normal(size=len(frame)) * 0.1
    frame["const"] = 7.0
    frame["ident"] = frame["app_id"]
    spec = toy_spec(
        features=[
            {"name": "x1", "kind": "numeric"},
            {"name": "leak", "kind": "numeric"},
            {"name": "const", "kind": "numeric"},
            {"name": "ident", "kind": "categorical"},
        ]
    )
    return cast_features(frame, spec), frame["y"].to_numpy(), spec


def test_leaky_and_constant_features_excluded():
    X, y, spec = leaky_setup()
    report = run_guards(X, y, spec)
    assert report.constant == ("const",)
    assert [name for name, _ in report.leaky] == ["leak"]
    assert report.leaky[0][1] > 0.99
    assert report.kept == ("x1", "ident")


def test_allow_leaky_keeps_them_but_reports():
    X, y, spec = leaky_setup()
    report = run_guards(X, y, spec, allow_leaky=True)
    assert report.kept == ("x1", "leak", "ident")
    assert report.leaky and report.excluded == ("const",)


def test_identifier_does_not_look_predictive():
    X, y, _ = leaky_setup()
    assert single_feature_auc(X["ident"], y, kind="categorical") < 0.6


def test_missingness_counts_in_numeric_auc():
    y = np.array([0, 0, 1, 1] * 25)
    x = pd.Series(np.where(y == 1, np.nan, 1.0))
    assert single_feature_auc(x, y, kind="numeric") == 1.0
