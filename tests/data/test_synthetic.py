"""The synthetic Peruvian small-business generator: determinism, schema, spec fit, realism."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from data.spec import load_spec
from data.synthetic import (
    PURPOSES,
    REGIONS,
    SECTORS,
    SIZE_BANDS,
    WEB_PRESENCE,
    default_logit,
    generate_sme,
    logit_terms,
    true_pd,
)

ROWS = 50_000

EXPECTED_DTYPES: dict[str, str] = {
    "application_id": "str",
    "application_date": "datetime",
    "owner_name": "str",
    "business_name": "str",
    "address": "str",
    "owner_gender": "str",
    "owner_age": "int64",
    "sector": "str",
    "region": "str",
    "size_band": "str",
    "thin_file": "int64",
    "years_operating": "int64",
    "employees": "int64",
    "tax_registered": "int64",
    "household_size": "int64",
    "wallet_inflow_pen": "float64",
    "wallet_inflow_volatility": "float64",
    "wallet_txn_per_month": "int64",
    "days_since_last_txn": "float64",
    "utility_on_time_ratio": "float64",
    "phone_on_time_ratio": "float64",
    "supplier_delay_days": "float64",
    "marketplace_rating": "float64",
    "marketplace_reviews": "int64",
    "web_presence": "str",
    "bureau_score": "float64",
    "prior_loans": "int64",
    "worst_delinquency_days": "float64",
    "existing_debt_pen": "float64",
    "monthly_revenue_pen": "float64",
    "profit_margin": "float64",
    "debt_to_income": "float64",
    "loan_to_revenue": "float64",
    "loan_amount_pen": "float64",
    "loan_term_months": "int64",
    "loan_purpose": "str",
    "default_12m": "int64",
    "true_pd": "float64",
}


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return generate_sme(ROWS, random_state=0)


@pytest.fixture(scope="module")
def spec():
    return load_spec("synthetic_sme")


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


# ---- determinism ------------------------------------------------------------------------


def test_same_seed_gives_the_same_frame_and_the_same_parquet_bytes():
    first = generate_sme(2_000, random_state=7)
    second = generate_sme(2_000, random_state=7)
    pd.testing.assert_frame_equal(first, second)
    assert _parquet_bytes(first) == _parquet_bytes(second)


def test_different_seeds_give_different_frames():
    first = generate_sme(2_000, random_state=7)
    other = generate_sme(2_000, random_state=8)
    assert not first["true_pd"].equals(other["true_pd"])
    assert not first["owner_name"].equals(other["owner_name"])
    assert _parquet_bytes(first) != _parquet_bytes(other)


def test_parquet_round_trip_keeps_values_and_dtypes(frame):
    small = frame.head(500)
    back = pd.read_parquet(io.BytesIO(_parquet_bytes(small)))
    pd.testing.assert_frame_equal(back, small)


@pytest.mark.parametrize("bad", [0, -5])
def test_rejects_non_positive_row_counts(bad):
    with pytest.raises(ValueError, match=r"`n_rows` must be at least 1; got"):
        generate_sme(bad)


@pytest.mark.parametrize("bad", ["100", 10.0, True])
def test_rejects_non_integer_row_counts(bad):
    with pytest.raises(TypeError, match=r"`n_rows` must be an int; got"):
        generate_sme(bad)


def test_one_row_works():
    assert len(generate_sme(1, random_state=3)) == 1


# ---- schema and spec --------------------------------------------------------------------


def test_columns_and_dtypes(frame):
    assert list(frame.columns) == list(EXPECTED_DTYPES)
    for column, expected in EXPECTED_DTYPES.items():
        dtype = frame[column].dtype
        if expected == "str":
            assert pd.api.types.is_string_dtype(dtype), column
            assert not isinstance(dtype, pd.CategoricalDtype), column
        elif expected == "datetime":
            assert pd.api.types.is_datetime64_dtype(dtype), column
        else:
            assert dtype == np.dtype(expected), (column, dtype)


def test_spec_validates_against_the_frame(frame, spec):
    spec.validate_frame(frame)
    assert spec.oracle_column == "true_pd"
    assert spec.baseline.column == "bureau_score"
    assert len(spec.feature_names) >= 25


def test_every_column_has_one_role_in_the_spec(frame, spec):
    roles = [
        *spec.feature_names,
        *spec.drop,
        *spec.segments,
        *spec.protected,
        spec.target,
        spec.id_column,
        spec.date_column,
        spec.oracle_column,
    ]
    assert sorted(set(roles)) == sorted(frame.columns)
    assert not set(spec.protected) & set(spec.feature_names)
    assert not set(spec.drop) & set(spec.feature_names)
    assert spec.amount_column in spec.feature_names


def test_feature_kinds_match_dtypes(frame, spec):
    for feature in spec.features:
        is_text = pd.api.types.is_string_dtype(frame[feature.name].dtype)
        assert is_text == (feature.kind == "categorical"), feature.name
        assert feature.description and feature.description[0].isupper(), feature.name


def test_values_respect_the_spec_ranges(frame, spec):
    for feature in spec.features:
        if feature.kind != "numeric":
            continue
        values = frame[feature.name].dropna()
        if feature.min_value is not None:
            assert values.min() >= feature.min_value, feature.name
        if feature.max_value is not None:
            assert values.max() <= feature.max_value, feature.name


def test_categories_come_from_the_published_lists(frame):
    assert set(frame["sector"]) == set(SECTORS)
    assert set(frame["region"]) == set(REGIONS)
    assert len(REGIONS) == 25
    assert set(frame["loan_purpose"]) == set(PURPOSES)
    assert set(frame["web_presence"]) == set(WEB_PRESENCE)
    assert set(frame["size_band"]) == set(SIZE_BANDS)
    assert set(frame["owner_gender"]) == {"F", "M"}


def test_identity_columns(frame):
    ids = frame["application_id"]
    assert ids.is_unique
    assert ids.iloc[0] == "SME-000001"
    assert ids.str.fullmatch(r"SME-\d{6}").all()
    assert frame["owner_name"].str.split().str.len().min() >= 3
    assert frame["owner_name"].nunique() > ROWS // 2
    ends = [
        address.endswith(f", {region}")
        for address, region in zip(frame["address"], frame["region"], strict=True)
    ]
    assert all(ends)


def test_dates_span_four_years_in_order(frame):
    dates = frame["application_date"]
    assert dates.is_monotonic_increasing
    assert dates.min() >= pd.Timestamp("2022-01-01")
    assert dates.max() <= pd.Timestamp("2025-12-31")
    assert set(dates.dt.year) == {2022, 2023, 2024, 2025}


def test_thin_file_means_no_bureau_record(frame):
    thin = frame["thin_file"] == 1
    assert frame["bureau_score"].isna().equals(thin)
    assert frame["worst_delinquency_days"].isna().equals(thin)
    assert (frame.loc[thin, "prior_loans"] == 0).all()
    assert (frame.loc[~thin, "prior_loans"] >= 1).all()


def test_wallet_columns_are_consistent(frame):
    no_wallet = frame["wallet_inflow_volatility"].isna()
    assert frame["days_since_last_txn"].isna().equals(no_wallet)
    assert (frame.loc[no_wallet, ["wallet_inflow_pen", "wallet_txn_per_month"]] == 0).all().all()
    assert (frame["wallet_inflow_pen"] <= frame["monthly_revenue_pen"]).all()


def test_ratios_are_derived_from_their_parts(frame):
    annual = 12 * frame["monthly_revenue_pen"]
    np.testing.assert_allclose(
        frame["loan_to_revenue"], frame["loan_amount_pen"] / annual, atol=1e-4
    )
    np.testing.assert_allclose(
        frame["debt_to_income"], frame["existing_debt_pen"] / annual, atol=1e-4
    )


# ---- the oracle -------------------------------------------------------------------------


def test_true_pd_is_a_function_of_the_observed_columns_only(frame):
    np.testing.assert_allclose(true_pd(frame), frame["true_pd"], rtol=1e-12)
    assert frame["true_pd"].between(0, 1).all()


def test_the_oracle_is_calibrated(frame):
    bins = pd.qcut(frame["true_pd"], 10, labels=False)
    observed = frame.groupby(bins)["default_12m"].mean()
    expected = frame.groupby(bins)["true_pd"].mean()
    np.testing.assert_allclose(observed, expected, atol=0.03)


def test_protected_attributes_do_not_enter_the_true_pd(frame):
    swapped = frame.head(2_000).copy()
    swapped["owner_gender"] = np.where(swapped["owner_gender"] == "F", "M", "F")
    swapped["owner_age"] = 99 - swapped["owner_age"]
    np.testing.assert_array_equal(default_logit(swapped), default_logit(frame.head(2_000)))


def test_monotone_constraints_in_the_spec_hold_in_the_true_pd(frame, spec):
    sample = frame.head(5_000)
    base = default_logit(sample)
    constrained = [f for f in spec.features if f.monotone != 0]
    assert len(constrained) >= 15
    for feature in constrained:
        bumped = sample.copy()
        column = bumped[feature.name]
        step = 0.05 if feature.max_value == 1 and column.dtype == np.float64 else 1
        upper = feature.max_value if feature.max_value is not None else np.inf
        bumped[feature.name] = np.minimum(column + step, upper).astype(column.dtype)
        change = (default_logit(bumped) - base) * feature.monotone
        known = column.notna().to_numpy()
        assert (change[known] >= -1e-12).all(), feature.name
        assert (change[known] > 1e-9).mean() > 0.2, feature.name


def test_logit_terms_are_named_pieces(frame):
    terms = logit_terms(frame.head(100))
    assert {"bureau", "no_record", "volatility", "loan_size", "utility"} <= set(terms)
    assert all(value.shape == (100,) for value in terms.values())


# ---- realism targets on 50,000 rows -----------------------------------------------------


def test_bad_rate_between_8_and_14_percent(frame):
    assert 0.08 <= frame["default_12m"].mean() <= 0.14


def test_thin_file_share_between_40_and_70_percent(frame):
    assert 0.40 <= frame["thin_file"].mean() <= 0.70


def test_oracle_auc_between_080_and_086(frame):
    auc = roc_auc_score(frame["default_12m"], frame["true_pd"])
    assert 0.80 <= auc <= 0.86


def test_bureau_score_alone_is_at_least_008_below_the_oracle(frame):
    scored = frame[frame["thin_file"] == 0]
    oracle = roc_auc_score(scored["default_12m"], scored["true_pd"])
    bureau = roc_auc_score(scored["default_12m"], -scored["bureau_score"])
    assert bureau <= oracle - 0.08
    assert bureau >= 0.6  # the bureau still knows something


def test_thin_file_bad_rate_at_most_one_and_a_half_times_the_rest(frame):
    rates = frame.groupby("thin_file")["default_12m"].mean()
    assert rates[1] <= 1.5 * rates[0]
    assert rates[1] >= rates[0]  # no record is still somewhat riskier


def test_the_bureau_rule_declines_many_good_businesses(frame):
    approved = frame["bureau_score"] >= 600
    good = frame["default_12m"] == 0
    assert (good & ~approved).sum() / good.sum() > 0.5


def test_marginals_look_like_the_real_thing(frame):
    log_revenue = np.log(frame["monthly_revenue_pen"])
    assert abs(log_revenue.skew()) < 0.3  # log-normal revenues
    assert frame["monthly_revenue_pen"].skew() > 1.0
    assert 3_000 <= frame["monthly_revenue_pen"].median() <= 12_000
    assert frame["owner_age"].between(18, 80).all()
    assert 35 <= frame["owner_age"].median() <= 50
    assert frame["loan_amount_pen"].between(1_000, 100_000).all()
    assert 3_000 <= frame["loan_amount_pen"].median() <= 20_000
    assert frame["profit_margin"].between(-0.5, 0.8).all()
    assert (frame["loan_term_months"].isin([6, 9, 12, 18, 24, 36])).all()
    assert 0.25 <= frame["region"].eq("Lima").mean() <= 0.40  # Lima heavy, like Peru


def test_missingness_is_informative(frame):
    no_wallet = frame["wallet_inflow_volatility"].isna()
    thin = frame["thin_file"] == 1
    invisible = frame.loc[no_wallet & thin, "default_12m"].mean()
    assert invisible > frame.loc[~no_wallet & thin, "default_12m"].mean()


@pytest.mark.slow
def test_gradient_boosting_gets_close_to_the_oracle(frame, spec):
    from sklearn.model_selection import train_test_split
    from xgboost import XGBClassifier

    X = frame.loc[:, list(spec.feature_names)].copy()
    for name in spec.categorical_features:
        X[name] = X[name].astype("category")
    y = frame["default_12m"].to_numpy()
    X_train, X_test, y_train, y_test, _, pd_test = train_test_split(
        X, y, frame["true_pd"].to_numpy(), test_size=0.25, random_state=0, stratify=y
    )
    model = XGBClassifier(
        n_estimators=300, max_depth=4, learning_rate=0.05, nthread=2, enable_categorical=True
    ).fit(X_train, y_train)
    model_auc = roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])
    assert model_auc / roc_auc_score(y_test, pd_test) >= 0.98
