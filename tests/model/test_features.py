import numpy as np
import pandas as pd
import pytest

from data.errors import LendscopeError
from model.features import (
    as_number,
    as_text,
    cast_features,
    fold_level,
    fold_levels,
    profile_features,
    score_profile,
    text_codes,
)
from tests.model.conftest import toy_frame, toy_spec


def test_as_text_normalises_numbers_and_blanks():
    assert as_text(pd.Series([1.0, 2.5, np.nan])).tolist()[:2] == ["1", "2.5"]
    out = as_text(pd.Series([" a ", "", None, 3, 1.0], dtype=object)).tolist()
    assert out[0] == "a" and out[3] == "3" and out[4] == "1"
    assert pd.isna(out[1]) and pd.isna(out[2])


def test_cast_selects_by_name_in_training_order():
    frame = toy_frame(20)
    shuffled = frame[list(reversed(frame.columns))].assign(extra=1)
    X = cast_features(shuffled, toy_spec())
    assert list(X.columns) == ["x1", "x2", "city", "seg"]
    assert X["x1"].dtype == np.float64


def test_cast_turns_text_and_inf_into_missing():
    frame = toy_frame(3).astype({"x1": object})
    frame.loc[0, "x1"] = "n/a"
    frame.loc[1, "x1"] = np.inf
    X = cast_features(frame, toy_spec())
    assert X["x1"].isna().tolist() == [True, True, False]


def test_cast_lists_missing_features():
    with pytest.raises(LendscopeError, match=r"missing \['city', 'seg'\]"):
        cast_features(toy_frame(5).drop(columns=["city", "seg"]), toy_spec())


def test_profile_shares_add_up_to_one():
    spec = toy_spec()
    X = cast_features(toy_frame(500), spec)
    schema = profile_features(X, spec)
    for profile in schema.features:
        shares = (
            profile.bin_shares if profile.kind == "numeric" else profile.category_shares.values()
        )
        assert sum(shares) + profile.missing_share == pytest.approx(1.0)
    x2 = schema.feature("x2")
    assert 0.05 < x2.missing_share < 0.15
    assert len(x2.bin_edges) == 9 and x2.min_value < x2.bin_edges[0]
    assert set(schema.feature("seg").categories) == {"north", "south"}
    assert type(schema).from_dict(schema.to_dict()) == schema


def test_score_profile_deciles():
    profile = score_profile(np.arange(1000.0))
    assert len(profile.edges) == 9
    assert profile.shares == pytest.approx((0.1,) * 10)


def _as_text_per_cell(series: pd.Series) -> pd.Series:
    """The cell-by-cell conversion ``as_text`` replaced, kept as the reference."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        numbers = series.astype(np.float64).to_numpy()
        out = np.full(numbers.shape, np.nan, dtype=object)
        finite = np.isfinite(numbers)
        integral = finite & (np.floor(numbers) == numbers) & (np.abs(numbers) < 2**53)
        out[integral] = numbers[integral].astype(np.int64).astype(str).astype(object)
        other = finite & ~integral
        out[other] = [repr(float(v)) for v in numbers[other]]
        return pd.Series(out, index=series.index, dtype=object)
    values = series.astype(object)
    floats = values.map(lambda v: isinstance(v, float | np.floating))
    if floats.any():
        values = values.copy()
        values[floats] = _as_text_per_cell(values[floats].astype(np.float64))
    text = values.astype("string").str.strip()
    text = text.where(text.notna() & (text != ""), pd.NA)
    return text.astype(object).where(text.notna(), np.nan)


TRICKY = [
    pd.Series([" Junín ", "APURÍMAC", "Apurímac", "", "  ", None, np.nan, "1", "1.0", "nan",
               "São  Paulo", "\u00a0Lima\u2003", "x\x1c", "(other)", "Lima"], dtype=object,
              index=range(10, 25), name="region"),
    pd.Series([" Junín ", "APURÍMAC", "", None, "Lima", "Lima"], dtype="str", name="region"),
    pd.Series([1, "1", 1.0, 2.5, None, " x ", True, np.nan, "2.50"], dtype=object),
    pd.Series([1.0, 2.5, np.nan, np.inf, -np.inf, -3.0, 1e20, 0.1, -0.0]),
    pd.Series([3, 1, 3], dtype="int64"),
    pd.Series([1, None, 7], dtype="Int64"),
    pd.Series([True, False, True]),
    pd.Series(["b", "a", None], dtype="category"),
    pd.Series([None, np.nan], dtype=object),
    pd.Series([], dtype=object),
]


@pytest.mark.parametrize("series", TRICKY, ids=lambda s: str(s.dtype))
def test_as_text_matches_the_per_cell_conversion(series):
    expected = _as_text_per_cell(series)
    got = as_text(series)
    pd.testing.assert_series_equal(got, expected, check_exact=True)
    assert [type(v) for v in got] == [type(v) for v in expected]


@pytest.mark.parametrize("series", TRICKY, ids=lambda s: str(s.dtype))
def test_text_codes_rebuild_as_text(series):
    codes, texts = text_codes(series)
    assert codes.shape == (len(series),) and pd.isna(texts[-1])
    rebuilt = pd.Series(texts[codes], index=series.index, dtype=object)
    pd.testing.assert_series_equal(rebuilt, as_text(series), check_names=False)


def test_fold_levels_folds_each_distinct_value_and_keeps_missing():
    text = as_text(TRICKY[0])
    expected = text.map(lambda v: v if pd.isna(v) else fold_level(v)).astype(object)
    pd.testing.assert_series_equal(fold_levels(text), expected, check_exact=True)
    assert fold_levels(text).loc[11] == "apurimac" and fold_levels(text).loc[20] == "sao paulo"


def test_as_number_fast_path_for_float_columns_matches_to_numeric():
    series = pd.Series([1.5, np.inf, -np.inf, np.nan, -0.0], index=[5, 6, 7, 8, 9], name="x")
    expected = pd.to_numeric(series.astype(object), errors="coerce").astype(np.float64)
    expected = expected.where(np.isfinite(expected), np.nan)
    pd.testing.assert_series_equal(as_number(series), expected, check_exact=True)
