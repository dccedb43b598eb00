import numpy as np
import pandas as pd
import pytest

from data.dataset import Dataset
from data.errors import LendscopeError
from model.train import TrainConfig, train_model
from tests.model.conftest import toy_frame, toy_spec

HOLDOUT_COLUMNS = ["id", "pd", "margin", "points", "band", "outcome", "amount"]


@pytest.mark.parametrize("algorithm", ["xgboost", "lightgbm", "logistic"])
def test_each_algorithm_trains_and_ranks(trained, algorithm):
    bundle = trained[algorithm]
    ev = bundle.evaluation
    assert bundle.algorithm == algorithm
    assert ev.auc > 0.7
    assert 0 < ev.cv_auc_mean < 1 and ev.cv_auc_std >= 0
    assert ev.gini == pytest.approx(2 * ev.auc - 1)
    assert ev.n == 150 and len(bundle.holdout) == 150
    assert bundle.metadata["split"] == {
        "rows_train": 450,
        "rows_test": 150,
        "test_size": 0.25,
        "seed": 0,
    }


@pytest.mark.parametrize("algorithm", ["xgboost", "lightgbm", "logistic"])
def test_holdout_columns_and_consistency(trained, algorithm):
    bundle = trained[algorithm]
    h = bundle.holdout
    assert list(h.columns[:7]) == HOLDOUT_COLUMNS
    for column in ["seg", "sex", "bureau", "x1", "x2", "city"]:
        assert column in h.columns
    assert h["id"].dtype == "string" and h["id"].str.startswith("A").all()
    assert set(h["outcome"].unique()) <= {0, 1}
    np.testing.assert_allclose(bundle.predict_pd(h), h["pd"], atol=1e-12)
    np.testing.assert_allclose(bundle.predict_margin(h), h["margin"], atol=1e-12)
    np.testing.assert_allclose(bundle.scale.points(h["pd"]), h["points"])
    assert (bundle.scale.band(h["points"]) == h["band"].to_numpy()).all()


def test_prepare_matches_columns_by_name(trained):
    bundle = trained["xgboost"]
    frame = toy_frame(30)
    shuffled = frame[list(reversed(frame.columns))]
    np.testing.assert_array_equal(bundle.predict_pd(frame), bundle.predict_pd(shuffled))


def test_unseen_category_scores(trained):
    for bundle in trained.values():
        row = toy_frame(2).assign(city="Atlantis", seg="east")
        assert np.isfinite(bundle.predict_pd(row)).all()


def test_calibration_matches_base_rate(trained):
    for bundle in trained.values():
        h = bundle.holdout
        assert h["pd"].mean() == pytest.approx(h["outcome"].mean(), abs=0.06)


def test_monotone_constraint_honoured(trained):
    bundle = trained["xgboost"]
    row = toy_frame(1)
    grid = pd.concat([row] * 41, ignore_index=True).assign(x1=np.linspace(-4, 4, 41))
    assert np.all(np.diff(bundle.predict_pd(grid)) >= -1e-12)
    lgb_pd = trained["lightgbm"].predict_pd(grid)
    assert np.all(np.diff(lgb_pd) >= -1e-12)


def test_evaluation_tables(trained):
    ev = trained["xgboost"].evaluation
    assert len(ev.calibration) == 10 and len(ev.gains) == 10
    assert ev.score_bands["band"].tolist() == ["A", "B", "C", "D", "E"]
    assert ev.score_bands["applicants"].sum() == ev.n
    assert set(ev.segments["segment"]) == {"north", "south"}
    assert ev.segments["applicants"].sum() == ev.n
    assert type(ev).from_dict(ev.to_dict()).auc == ev.auc


def test_shap_sample_and_importance(trained):
    bundle = trained["xgboost"]
    sample = bundle.shap_sample
    assert sample is not None and len(sample) == 100
    shap_cols = [c for c in sample.columns if c.startswith("shap__")]
    assert len(shap_cols) == 4
    np.testing.assert_allclose(
        sample["base_value"] + sample[shap_cols].sum(axis=1), sample["margin"], atol=1e-3
    )
    importance = bundle.evaluation.importance
    assert importance["feature"].iloc[0] == "x1"


def test_auto_picks_by_cv_and_records_why(toy_dataset):
    bundle = train_model(toy_dataset, TrainConfig(algorithm="auto", cv_folds=3, shap_rows=0))
    selection = bundle.metadata["selection"]
    assert set(selection["cv_auc"]) == {"xgboost", "lightgbm", "logistic"}
    assert bundle.algorithm == max(selection["cv_auc"], key=selection["cv_auc"].get)
    assert bundle.algorithm in selection["reason"]


def test_tuning_runs_within_budget(toy_dataset):
    bundle = train_model(
        toy_dataset, TrainConfig(algorithm="logistic", tune_trials=3, cv_folds=3, shap_rows=0)
    )
    assert bundle.metadata["tuning"]["trials"] == 3
    # trial 0 is the default, so the tuned CV AUC is never below it
    assert bundle.metadata["tuning"]["best_cv_auc"] >= bundle.evaluation.cv_auc_mean - 1e-9


def test_leaky_feature_excluded_and_reported():
    frame = toy_frame(400)
    frame["paid_late_after"] = frame["y"].astype(float)
    spec = toy_spec(
        features=[{"name": "x1", "kind": "numeric"}, {"name": "paid_late_after", "kind": "numeric"}]
    )
    bundle = train_model(
        Dataset(frame, spec), TrainConfig(algorithm="logistic", cv_folds=3, shap_rows=0)
    )
    assert bundle.spec.feature_names == ("x1",)
    assert bundle.metadata["guards"]["leaky"][0]["name"] == "paid_late_after"
    kept = train_model(
        Dataset(frame, spec),
        TrainConfig(algorithm="logistic", cv_folds=3, shap_rows=0, allow_leaky_features=True),
    )
    assert kept.spec.feature_names == ("x1", "paid_late_after")


def test_one_class_target_refused():
    frame = toy_frame(200).assign(y=0)
    spec = toy_spec()
    with pytest.raises(LendscopeError, match="at least 10 goods and 10 bads"):
        train_model(Dataset(frame, spec), TrainConfig())


def test_progress_reports_fractions(toy_dataset):
    seen = []
    train_model(
        toy_dataset,
        TrainConfig(algorithm="logistic", cv_folds=2, shap_rows=0),
        progress=lambda f, m: seen.append((f, m)),
    )
    fractions = [f for f, _ in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"algorithm": "forest"}, "algorithm"),
        ({"test_size": 1.5}, "test_size"),
        ({"cv_folds": 1}, "cv_folds"),
        ({"calibration": "beta"}, "calibration"),
    ],
)
def test_config_validated(kwargs, match):
    with pytest.raises(LendscopeError, match=match):
        TrainConfig(**kwargs)
