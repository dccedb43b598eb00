import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from model.logistic import WoeLogistic
from tests.model.conftest import toy_frame


def model_and_frame():
    frame = toy_frame(400)
    model = WoeLogistic(numeric=("x1", "x2"), categorical=("city", "seg"), min_level_count=5)
    return model.fit(frame, frame["y"].to_numpy()), frame


def test_contract():
    model = WoeLogistic(numeric=("x1",), C=0.5)
    assert not [k for k in vars(model) if k.endswith("_")]
    assert clone(model).get_params()["C"] == 0.5
    with pytest.raises(NotFittedError):
        model.decision_function(pd.DataFrame({"x1": [1.0]}))


def test_woe_hand_computed():
    X = pd.DataFrame({"g": ["a", "a", "a", "b", "b", "b"]})
    y = np.array([1, 1, 0, 1, 0, 0])
    model = WoeLogistic(categorical=("g",), min_level_count=1, woe_smoothing=0.0).fit(X, y)
    # base ln(3/3) = 0; a: ln(2/1); b: ln(1/2)
    assert model.woe_["g"]["a"] == pytest.approx(np.log(2))
    assert model.woe_["g"]["b"] == pytest.approx(np.log(0.5))


def test_contributions_are_exact():
    model, frame = model_and_frame()
    values, base = model.contributions(frame)
    np.testing.assert_allclose(
        base + values.sum(axis=1), model.decision_function(frame), atol=1e-10
    )
    parts = model.linear_parts(frame)
    np.testing.assert_allclose(
        parts.intercept + parts.design @ parts.coef, model.decision_function(frame)
    )
    assert parts.groups == ("x1", "x2", "city", "seg")


def test_unseen_and_missing_levels_neutral():
    model, frame = model_and_frame()
    row = frame.head(1).assign(city="never-seen")
    assert np.isfinite(model.decision_function(row)).all()


def test_ranks_signal_and_round_trip():
    model, frame = model_and_frame()
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(frame["y"], model.decision_function(frame)) > 0.7
    again = WoeLogistic.from_dict(model.to_dict())
    np.testing.assert_array_equal(again.decision_function(frame), model.decision_function(frame))
