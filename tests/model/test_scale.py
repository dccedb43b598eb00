import math

import numpy as np
import pytest

from data.errors import LendscopeError
from model.scale import ScoreScale


def test_points_at_base_odds_and_doubling():
    scale = ScoreScale()
    # odds 50:1 -> pd 1/51 -> 600; odds 100:1 -> 620; odds 25:1 -> 580; 1:1 -> offset
    pts = scale.points([1 / 51, 1 / 101, 1 / 26, 0.5])
    factor = 20 / math.log(2)
    assert pts == pytest.approx([600.0, 620.0, 580.0, 600 - factor * math.log(50)])
    assert pts[3] == pytest.approx(487.1229, abs=1e-4)  # 600 - 28.85390 * 3.91202


def test_custom_scale_hand_computed():
    scale = ScoreScale(base_points=500, base_odds=10.0, pdo=40)
    # pd = 1/21 -> odds 20 = 2 * 10 -> 540
    assert scale.points([1 / 21])[0] == pytest.approx(540.0)
    assert scale.pd_at([540.0])[0] == pytest.approx(1 / 21)


def test_points_from_margin_matches_points():
    scale = ScoreScale()
    pd_ = np.array([0.01, 0.2, 0.7])
    margin = np.log(pd_ / (1 - pd_))
    np.testing.assert_allclose(scale.points_from_margin(margin), scale.points(pd_))


def test_points_clip_extremes_to_finite():
    pts = ScoreScale().points([0.0, 1.0])
    assert np.isfinite(pts).all() and pts[0] > pts[1]


def test_bands_boundaries_inclusive_and_nan_worst():
    scale = ScoreScale()
    bands = scale.band([600.0, 599.99, 570.0, 540.0, 510.0, 509.9, np.nan, 900.0])
    assert bands.tolist() == ["A", "B", "B", "C", "D", "E", "E", "A"]


def test_configurable_bands():
    scale = ScoreScale(bands=(("low", 550.0), ("high", None)))
    assert scale.band([560, 549]).tolist() == ["low", "high"]
    assert scale.band_ranges() == [("low", 550.0, None), ("high", None, 550.0)]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"pdo": 0}, "pdo"),
        ({"base_odds": -1}, "base_odds"),
        ({"bands": (("A", 600.0), ("B", 610.0), ("C", None))}, "decreasing"),
        ({"bands": (("A", 600.0),)}, "without minimum"),
        ({"bands": (("A", 600.0), ("A", None))}, "unique"),
    ],
)
def test_invalid_scales_refused(kwargs, match):
    with pytest.raises(LendscopeError, match=match):
        ScoreScale(**kwargs)


def test_dict_round_trip():
    scale = ScoreScale(base_points=700, base_odds=20, pdo=30, bands=(("X", 650.0), ("Y", None)))
    assert ScoreScale.from_dict(scale.to_dict()) == scale
