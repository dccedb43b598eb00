"""Tests for model/explain.py: exact, additive contributions on the log-odds scale."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
import xgboost as xgb

from model.explain import (
    ADDITIVITY_TOLERANCE,
    Explanation,
    explain_booster,
    explain_linear,
    explain_xgboost_reference,
)

REGIONS = ["Lima", "Arequipa", "Cusco", "Piura", "Loreto"]


def small_frame(n: int, random_state: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Numeric, missing and categorical columns with a known default story."""
    rng = np.random.default_rng(random_state)
    income = rng.lognormal(7.5, 0.6, n)
    on_time = rng.beta(6, 2, n)
    bureau = rng.normal(600, 80, n)
    bureau[rng.random(n) < 0.3] = np.nan
    region = pd.Categorical(rng.choice(REGIONS, n), categories=REGIONS)
    logit = -1.0 - 2.5 * (on_time - 0.75) - 0.6 * (np.log(income) - 7.5)
    logit += np.where(np.isnan(bureau), 0.4, -(np.nan_to_num(bureau) - 600) / 100)
    logit += np.where(region == "Loreto", 0.7, 0.0)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    X = pd.DataFrame({"income": income, "on_time": on_time, "bureau": bureau, "region": region})
    return X, y


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, np.ndarray]:
    return small_frame(3000)


@pytest.fixture(scope="module")
def xgb_model(data) -> xgb.Booster:
    X, y = data
    params = {"objective": "binary:logistic", "max_depth": 4, "eta": 0.1, "nthread": 2,
              "max_cat_to_onehot": 1, "seed": 0}
    return xgb.train(params, xgb.DMatrix(X, y, enable_categorical=True), num_boost_round=40)


@pytest.fixture(scope="module")
def lgb_model(data) -> lgb.Booster:
    X, y = data
    params = {"objective": "binary", "num_leaves": 15, "learning_rate": 0.1, "num_threads": 1,
              "verbose": -1, "seed": 0, "min_data_per_group": 20, "cat_smooth": 5}
    return lgb.train(params, lgb.Dataset(X, y), num_boost_round=40)


@pytest.mark.parametrize("model_name", ["xgb_model", "lgb_model"])
def test_tree_contributions_add_up_to_the_margin_on_every_row(model_name, data, request):
    booster = request.getfixturevalue(model_name)
    X, _ = small_frame(500, random_state=1)
    result = explain_booster(booster, X)
    assert isinstance(result, Explanation)
    assert result.values.shape == (500, 4)
    assert result.values.dtype == np.float64
    assert result.feature_names == ("income", "on_time", "bureau", "region")
    assert result.additive_ok.all()
    assert result.additivity_error.max() <= ADDITIVITY_TOLERANCE
    assert not result.values.flags.writeable
    # The margin is the booster's own raw output, not recomputed from the contributions.
    if model_name == "xgb_model":
        expected = booster.predict(xgb.DMatrix(X, enable_categorical=True), output_margin=True)
    else:
        expected = booster.predict(X, raw_score=True)
    np.testing.assert_allclose(result.margin, expected, atol=1e-6)


@pytest.mark.parametrize("model_name", ["xgb_model", "lgb_model"])
def test_contributions_follow_names_not_column_positions(model_name, request):
    booster = request.getfixturevalue(model_name)
    X, _ = small_frame(200, random_state=2)
    straight = explain_booster(booster, X)
    shuffled = X[["region", "bureau", "income", "on_time"]].assign(extra=1.0)
    shuffled = explain_booster(booster, shuffled)
    np.testing.assert_allclose(shuffled.values, straight.values, atol=1e-9)


def test_missing_feature_columns_are_named(xgb_model):
    X, _ = small_frame(10)
    with pytest.raises(ValueError, match=r"missing \['bureau'\]"):
        explain_booster(xgb_model, X.drop(columns=["bureau"]))


def test_non_booster_is_refused():
    with pytest.raises(TypeError, match="must be an xgboost.Booster or a lightgbm.Booster"):
        explain_booster(object(), pd.DataFrame({"a": [1.0]}))


def test_single_stump_contribution_is_leaf_minus_expected_value():
    X = pd.DataFrame({"a": np.r_[np.zeros(300), np.ones(100)], "b": np.zeros(400)})
    y = np.r_[np.zeros(270), np.ones(30), np.zeros(50), np.ones(50)]
    params = {"objective": "binary:logistic", "max_depth": 1, "eta": 1.0, "base_score": 0.5,
              "lambda": 0.0, "min_child_weight": 0, "nthread": 1}
    booster = xgb.train(params, xgb.DMatrix(X, y), num_boost_round=1)
    result = explain_booster(booster, X.iloc[[0, 399]])
    leaves = booster.predict(xgb.DMatrix(X.iloc[[0, 399]]), output_margin=True)
    expected_margin = 0.75 * leaves[0] + 0.25 * leaves[1]  # cover-weighted mean over leaves
    assert result.base_value == pytest.approx(expected_margin, abs=1e-5)
    np.testing.assert_allclose(result.values[:, 0], leaves - expected_margin, atol=1e-5)
    np.testing.assert_allclose(result.values[:, 1], 0.0)


def test_empty_frame_gives_an_empty_explanation(xgb_model, lgb_model):
    X, _ = small_frame(10)
    for booster in (xgb_model, lgb_model):
        result = explain_booster(booster, X.head(0))
        assert result.values.shape == (0, 4)
        assert result.additive_ok.shape == (0,)


def test_reference_matches_fast_path(xgb_model):
    X, _ = small_frame(300, random_state=3)
    fast = explain_booster(xgb_model, X)
    slow = explain_xgboost_reference(xgb_model, X)
    assert np.abs(fast.values - slow.values).max() <= 1e-4
    assert fast.base_value == pytest.approx(slow.base_value, abs=1e-5)


def test_linear_contributions_are_hand_computed_and_grouped():
    # Two original features: "x" numeric (one column), "c" one-hot (two columns).
    design = np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    coef = np.array([0.5, -1.0, 2.0])
    mean = np.array([1.0, 0.5, 0.5])
    result = explain_linear(coef, -0.25, design, ["x", "c", "c"], design_mean=mean)
    assert result.feature_names == ("x", "c")
    expected = np.array(
        [[0.5 * 1.0, -1.0 * 0.5 + 2.0 * -0.5], [0.5 * -1.0, -1.0 * -0.5 + 2.0 * 0.5]]
    )
    np.testing.assert_allclose(result.values, expected)
    assert result.base_value == pytest.approx(-0.25 + 0.5 + -0.5 + 1.0)
    np.testing.assert_allclose(result.margin, [-0.25 + 1.0 - 1.0, -0.25 + 2.0])
    assert result.additive_ok.all()


def test_linear_rejects_mismatched_groups():
    with pytest.raises(ValueError, match="must have shape"):
        explain_linear(np.ones(3), 0.0, np.ones((2, 3)), ["a", "b"])


def test_rows_that_do_not_add_up_are_flagged():
    from model.explain import ExplanationMethod, _build

    result = _build(np.array([[0.1, 0.2], [0.1, 0.2]]), 0.0, ["a", "b"], np.array([0.3, 0.5]),
                    ExplanationMethod("x", "y", "z"))
    assert result.additive_ok.tolist() == [True, False]


@pytest.mark.parametrize("depth", [1, 3, 6])
def test_fast_treeshap_equals_xgboost_pred_contribs(depth):
    """Categorical splits, missing values both ways and unknown categories (as missing)."""
    X, y = small_frame(2000, random_state=depth)
    X.loc[X.index[::7], "region"] = np.nan
    X.loc[X.index[::5], "on_time"] = np.nan
    params = {"objective": "binary:logistic", "max_depth": depth, "eta": 0.3, "nthread": 1,
              "max_cat_to_onehot": 1, "seed": depth, "subsample": 0.8}
    booster = xgb.train(params, xgb.DMatrix(X, y, enable_categorical=True), num_boost_round=30)
    test, _ = small_frame(400, random_state=10 + depth)
    test.loc[test.index[::3], "bureau"] = np.nan
    test.loc[test.index[::4], "region"] = np.nan
    fast = explain_booster(booster, test, threads=2)
    slow = explain_xgboost_reference(booster, test)
    assert np.abs(fast.values - slow.values).max() <= 1e-4
    assert fast.base_value == pytest.approx(slow.base_value, abs=1e-5)
    assert fast.additive_ok.all()
    assert "treeshap" in fast.method.library and "xgboost" in slow.method.library


def test_global_explanation_data(xgb_model):
    from model.explain import dependence, importance, waterfall

    X, _ = small_frame(300, random_state=4)
    result = explain_booster(xgb_model, X)
    table = importance(result)
    assert table.mean_abs.is_monotonic_decreasing
    np.testing.assert_allclose(
        table.set_index("feature").mean_abs[list(result.feature_names)],
        np.abs(result.values).mean(axis=0))
    dep = dependence(result, X, "on_time")
    np.testing.assert_allclose(dep.value, X.on_time)
    np.testing.assert_allclose(dep.contribution, result.values[:, 1])
    steps = waterfall(result, 5, top=2)
    assert steps.feature.tolist()[-1] == "other features" and len(steps) == 3
    assert steps.start.iloc[0] == pytest.approx(result.base_value)
    assert steps.end.iloc[-1] == pytest.approx(result.margin[5], abs=1e-3)


def test_deep_trees_fall_back_to_xgboost_own_treeshap(monkeypatch, xgb_model):
    from model import treeshap

    monkeypatch.setattr(treeshap, "MAX_DEPTH", 2)
    treeshap._cache.clear()
    treeshap._by_object.clear()
    X, _ = small_frame(50, random_state=5)
    result = explain_booster(xgb_model, X)
    assert result.method.library == "xgboost"
    assert result.additive_ok.all()
    treeshap._cache.clear()
    treeshap._by_object.clear()
