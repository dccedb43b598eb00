import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from data.errors import LendscopeError
from model.encoding import OTHER, TreeEncoder


def frame():
    return pd.DataFrame(
        {
            "num": [1.0, 2.0, np.nan, 4.0, 5.0, 6.0],
            "low": ["a", "a", "a", "b", "b", None],
            "high": ["p", "p", "q", "q", "r", "s"],
        }
    )


Y = np.array([1, 0, 1, 0, 0, 1])


def test_init_stores_arguments_only_and_clones():
    enc = TreeEncoder(numeric=("num",), categorical=("low",), smoothing=3.0)
    assert enc.get_params()["smoothing"] == 3.0
    assert not [k for k in vars(enc) if k.endswith("_")]
    assert clone(enc).get_params() == enc.get_params()


def test_transform_before_fit_raises():
    with pytest.raises(NotFittedError):
        TreeEncoder(numeric=("num",)).transform(frame())


def test_fit_returns_self_and_native_levels():
    enc = TreeEncoder(
        numeric=("num",), categorical=("low",), max_native_levels=5, min_level_count=2
    )
    assert enc.fit(frame(), Y) is enc
    assert enc.native_ == {"low": ["a", "b", OTHER]}
    out = enc.transform(pd.DataFrame({"num": [1.0], "low": ["zzz"]}))
    assert isinstance(out["low"].dtype, pd.CategoricalDtype)
    assert out["low"].tolist() == [OTHER]
    assert list(out["low"].cat.categories) == ["a", "b", OTHER]


def test_rare_levels_pooled_and_missing_kept_missing():
    enc = TreeEncoder(categorical=("low",), max_native_levels=5, min_level_count=3).fit(frame(), Y)
    out = enc.transform(frame())
    assert out["low"].tolist()[:5] == ["a", "a", "a", OTHER, OTHER]
    assert pd.isna(out["low"].iloc[5])


def test_target_encoding_hand_computed():
    enc = TreeEncoder(categorical=("high",), max_native_levels=1, min_level_count=1, smoothing=2.0)
    enc.fit(frame(), Y)
    prior = 0.5
    # p: bads 1 of 2 -> (1 + 2*.5)/(2+2) = .5; q: 1 of 2 -> .5; r: 0 of 1 -> (0+1)/3
    assert enc.target_["high"]["r"] == pytest.approx(1 / 3)
    assert enc.target_["high"]["s"] == pytest.approx(2 / 3)
    out = enc.transform(pd.DataFrame({"high": ["r", "unseen", None]}))
    assert out["high"].iloc[0] == pytest.approx(1 / 3)
    assert out["high"].iloc[1] == pytest.approx(prior)
    assert np.isnan(out["high"].iloc[2])


def test_fit_transform_is_out_of_fold():
    # each level appears once: an in-fold encoding would reveal the row's own outcome
    X = pd.DataFrame({"id_like": [f"u{i}" for i in range(40)]})
    y = np.array([0, 1] * 20)
    enc = TreeEncoder(categorical=("id_like",), max_native_levels=0, min_level_count=1)
    oof = enc.fit_transform(X, y)["id_like"].to_numpy()
    full = enc.transform(X)["id_like"].to_numpy()
    assert np.corrcoef(full, y)[0, 1] > 0.9
    # out of fold every level is unseen: each row gets the other folds' prior (here 0.5)
    np.testing.assert_allclose(oof, 0.5)


def test_dict_round_trip_same_output():
    enc = TreeEncoder(
        numeric=("num",), categorical=("low", "high"), max_native_levels=2, min_level_count=1
    ).fit(frame(), Y)
    again = TreeEncoder.from_dict(enc.to_dict())
    pd.testing.assert_frame_equal(enc.transform(frame()), again.transform(frame()))


def test_missing_columns_named():
    enc = TreeEncoder(numeric=("num",), categorical=("low",))
    with pytest.raises(LendscopeError, match="missing \\['low'\\]"):
        enc.fit(frame()[["num"]], Y)
