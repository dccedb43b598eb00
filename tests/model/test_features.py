import numpy as np
import pandas as pd
import pytest

from data.errors import LendscopeError
from model.features import as_text, cast_features, profile_features, score_profile
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
