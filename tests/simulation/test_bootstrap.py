"""Bootstrap bands: reproducible with a seed, aligned with the curve, sensible."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.bootstrap import bootstrap_curve
from simulation.curve import profit_curve
from simulation.errors import SimulationError

from .conftest import random_book


@pytest.fixture
def curve(loan_economics):
    return profit_curve(random_book(400, seed=7), loan_economics)


def test_same_seed_same_bands(curve):
    first = bootstrap_curve(curve, n_resamples=40, random_state=3)
    second = bootstrap_curve(curve, n_resamples=40, random_state=3)
    other = bootstrap_curve(curve, n_resamples=40, random_state=4)
    np.testing.assert_array_equal(first.profit_low, second.profit_low)
    np.testing.assert_array_equal(first.optimal_cutoffs, second.optimal_cutoffs)
    assert not np.array_equal(first.profit_high, other.profit_high)


def test_bands_align_with_the_curve_and_bracket_it(curve):
    bands = bootstrap_curve(curve, n_resamples=200, random_state=0)
    assert bands.profit_low.shape == curve.net_profit.shape
    assert np.all(bands.profit_low <= bands.profit_high)
    inside = (bands.profit_low <= curve.net_profit + 1e-6) & (
        curve.net_profit <= bands.profit_high + 1e-6
    )
    assert inside[1:].mean() > 0.9  # the point estimate sits inside its 5%-95% band
    assert bands.profit_low[0] == bands.profit_high[0] == 0  # approving nobody earns 0
    finite = ~np.isnan(bands.bad_rate_low)
    assert np.all(bands.bad_rate_low[finite] <= bands.bad_rate_high[finite])
    # full approval: the bad rate band covers the book's bad rate
    assert bands.bad_rate_low[-1] <= curve.bad_rate[-1] <= bands.bad_rate_high[-1]


def test_optimal_cutoff_spread(curve):
    bands = bootstrap_curve(curve, n_resamples=100, random_state=1)
    spread = bands.optimal_cutoff_spread()
    assert spread["low"] <= spread["median"] <= spread["high"]
    assert bands.optimal_cutoffs.shape == (100,)
    point = bands.at(curve, float(curve.cutoff[curve.optimal_index]))
    assert point["profit_low"] <= curve.net_profit.max() <= point["profit_high"]
    assert len(bands.to_frame(curve)) == len(curve)


def test_chunking_does_not_change_the_result(curve, monkeypatch):
    whole = bootstrap_curve(curve, n_resamples=20, random_state=5)
    monkeypatch.setattr("simulation.bootstrap.CHUNK_CELLS", 3 * curve.n_applicants)
    chunked = bootstrap_curve(curve, n_resamples=20, random_state=5)
    np.testing.assert_allclose(whole.profit_low, chunked.profit_low)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_resamples": 1}, "`n_resamples` must be a whole number at least 2"),
        ({"quantiles": (0.9, 0.1)}, "`quantiles` must be two fractions"),
    ],
)
def test_invalid_arguments(curve, kwargs, message):
    with pytest.raises(SimulationError, match=message):
        bootstrap_curve(curve, **kwargs)


def test_row_quantiles_match_numpy_with_missing_values():
    from simulation.bootstrap import _quantiles

    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(40, 37)).astype(np.float32)
    matrix[3, :5] = np.nan  # some resamples approve nobody
    matrix[4, :] = np.nan  # no resample approves anyone
    matrix[5, :36] = np.nan  # one value left
    expected = np.full((2, 40), np.nan)
    keep = ~np.isnan(matrix).all(axis=1)
    expected[:, keep] = np.nanquantile(matrix[keep].astype(np.float64), (0.05, 0.95), axis=1)
    low, high = _quantiles(matrix.copy(), (0.05, 0.95))
    np.testing.assert_allclose(low, expected[0], equal_nan=True)
    np.testing.assert_allclose(high, expected[1], equal_nan=True)
