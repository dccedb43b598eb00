import numpy as np
import pytest

from data.errors import LendscopeError
from model.calibration import (
    IsotonicCalibrator,
    PlattCalibrator,
    calibrator_from_dict,
    make_calibrator,
)


def sample(a=0.5, b=-1.0, n=20000, seed=0):
    rng = np.random.default_rng(seed)
    margin = rng.normal(scale=2.0, size=n)
    p = 1 / (1 + np.exp(-(a * margin + b)))
    return margin, (rng.random(n) < p).astype(int)


def test_platt_recovers_known_map():
    margin, y = sample()
    cal = PlattCalibrator().fit(margin, y)
    assert cal.a_ == pytest.approx(0.5, abs=0.05)
    assert cal.b_ == pytest.approx(-1.0, abs=0.06)


def test_platt_is_increasing_even_for_inverted_scores():
    margin, y = sample(a=-0.5)
    cal = PlattCalibrator().fit(margin, y)
    grid = np.linspace(-5, 5, 11)
    assert np.all(np.diff(cal.predict(grid)) >= 0)


def test_isotonic_monotone_and_bounded():
    margin, y = sample()
    cal = IsotonicCalibrator().fit(margin, y)
    grid = np.linspace(-8, 8, 50)
    p = cal.predict(grid)
    assert np.all(np.diff(p) >= 0) and p.min() > 0 and p.max() < 1


@pytest.mark.parametrize("method", ["platt", "isotonic"])
def test_round_trip(method):
    margin, y = sample(n=2000)
    cal = make_calibrator(method).fit(margin, y)
    again = calibrator_from_dict(cal.to_dict())
    np.testing.assert_array_equal(again.predict(margin), cal.predict(margin))


def test_bad_inputs():
    with pytest.raises(LendscopeError, match="both present"):
        PlattCalibrator().fit([0.1, 0.2], [1, 1])
    with pytest.raises(LendscopeError, match="platt"):
        make_calibrator("beta")
    with pytest.raises(LendscopeError, match="positive"):
        calibrator_from_dict({"method": "platt", "a": -1.0, "b": 0.0})


@pytest.mark.parametrize("cls", [PlattCalibrator, IsotonicCalibrator])
def test_estimator_contract(cls):
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError

    cal = cls()
    assert not [k for k in vars(cal) if k.endswith("_")]
    assert clone(cal).get_params() == cal.get_params()
    with pytest.raises(NotFittedError):
        cal.predict([0.0])
    margin, y = sample(n=500)
    assert cal.fit(margin, y) is cal
