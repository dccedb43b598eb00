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


def _reference_transform(enc, X):
    """Cell-by-cell encoding (``as_text``, fold, ``isin``) the vectorised transform replaced."""
    from model.features import as_text, fold_level

    out = {}
    for name in enc.columns_:
        if name not in enc.native_ and name not in enc.target_:
            continue
        text = as_text(X[name]).map(lambda v: v if pd.isna(v) else fold_level(v)).astype(object)
        if name in enc.native_:
            levels = enc.native_[name]
            text = text.where(text.isna() | text.isin(levels), OTHER)
            out[name] = pd.Series(pd.Categorical(text, categories=levels), index=X.index)
        else:
            values = text.map(enc.target_[name]).astype(np.float64).fillna(enc.prior_)
            out[name] = values.where(text.notna(), np.nan)
    return out


def test_transform_matches_the_cell_by_cell_encoding_on_tricky_text():
    regions = ["Junín", "Apurímac", "Lima", "Cusco"] * 30
    cities = [f"City {i % 40}" for i in range(120)]
    X = pd.DataFrame({"region": regions, "city": cities, "num": np.arange(120.0)})
    y = np.arange(120) % 3 == 0
    enc = TreeEncoder(numeric=("num",), categorical=("region", "city"), max_native_levels=5,
                      min_level_count=2).fit(X, y)
    assert "region" in enc.native_ and "city" in enc.target_
    new = pd.DataFrame({
        "region": [" JUNÍN ", "apurimac", "APURÍMAC", "", None, np.nan, "Piura", "lima  ", 3.0],
        "city": ["city 1", " CITY 2", "City  3", None, "", "Nowhere", "City 39", 1, "city 0"],
        "num": [1.0, np.inf, np.nan, 2, 3, 4, 5, 6, 7],
    }, index=range(100, 109))
    out = enc.transform(new)
    expected = _reference_transform(enc, new)
    pd.testing.assert_series_equal(out["region"], expected["region"], check_names=False)
    np.testing.assert_array_equal(out["city"].to_numpy(), expected["city"].to_numpy())
    assert out["region"].tolist()[:3] == ["junin", "apurimac", "apurimac"]
    assert out["region"].iloc[6] == OTHER and pd.isna(out["region"].iloc[3])
