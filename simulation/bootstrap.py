"""Uncertainty of the profit curve: a vectorised, seeded bootstrap over applicants.

Each resample draws n applicants with replacement (as a matrix of draw counts, so a
resample is one ``bincount`` and its curve one cumulative sum over the already sorted book).
Bands are the 5% and 95% quantiles of profit and bad rate at every cut-off; the spread of
the profit-optimal cut-off across resamples says how firmly the data pins it down.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.curve import ProfitCurve
from simulation.errors import SimulationError

CHUNK_CELLS = 4_000_000  # draws per chunk: bounds memory at about 100 MB whatever the book


@dataclass(frozen=True, eq=False)
class CurveBands:
    """Bootstrap bands of a :class:`ProfitCurve`, arrays of shape (k + 1,) aligned with it.

    Attributes
    ----------
    profit_low, profit_high : ndarray
        Lower and upper quantiles of net profit (currency).
    bad_rate_low, bad_rate_high : ndarray
        Lower and upper quantiles of the bad rate among approved (fraction; NaN where no
        resample approves anyone).
    optimal_cutoffs : ndarray of shape (n_resamples,)
        Profit-optimal cut-off in each resample (NaN when approving nobody is best).
    quantiles : tuple of float
        The (lower, upper) quantiles, 0.05 and 0.95 by default.
    n_resamples : int
        Number of resamples.
    random_state : int or None
        Seed used.
    """

    profit_low: np.ndarray
    profit_high: np.ndarray
    bad_rate_low: np.ndarray
    bad_rate_high: np.ndarray
    optimal_cutoffs: np.ndarray
    quantiles: tuple[float, float]
    n_resamples: int
    random_state: int | None

    def optimal_cutoff_spread(self) -> dict[str, float]:
        """Lower quantile, median and upper quantile of the optimal cut-off."""
        values = self.optimal_cutoffs[np.isfinite(self.optimal_cutoffs)]
        if values.size == 0:
            return {"low": np.nan, "median": np.nan, "high": np.nan}
        low, median, high = np.quantile(values, [self.quantiles[0], 0.5, self.quantiles[1]])
        return {"low": float(low), "median": float(median), "high": float(high)}

    def at(self, curve: ProfitCurve, cutoff: float) -> dict[str, float]:
        """Bands at ``cutoff`` (the same curve point :meth:`ProfitCurve.at` uses)."""
        i = curve.index(cutoff)
        return {
            "profit_low": float(self.profit_low[i]),
            "profit_high": float(self.profit_high[i]),
            "bad_rate_low": float(self.bad_rate_low[i]),
            "bad_rate_high": float(self.bad_rate_high[i]),
        }

    def to_frame(self, curve: ProfitCurve) -> pd.DataFrame:
        """Curve table with band columns (every point)."""
        frame = curve.to_frame()
        frame["profit_low"] = self.profit_low
        frame["profit_high"] = self.profit_high
        frame["bad_rate_low"] = self.bad_rate_low
        frame["bad_rate_high"] = self.bad_rate_high
        return frame


def _quantiles(matrix: np.ndarray, q: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Row quantiles (linear interpolation, as ``numpy.quantile``) ignoring NaN.

    Sorts ``matrix`` (points x resamples) in place: numpy's vectorised sort of short rows
    is several times faster than ``numpy.quantile``'s partition. NaN sorts last, so a row
    with NaN only uses its first ``valid`` values; a row of NaN gives NaN.
    """
    matrix.sort(axis=1)
    width = matrix.shape[1]
    valid = np.full(matrix.shape[0], width)
    partial = np.flatnonzero(np.isnan(matrix[:, -1]))
    if partial.size:
        valid[partial] = width - np.isnan(matrix[partial]).sum(axis=1)
    rows = np.arange(matrix.shape[0])
    out = []
    for level in q:
        position = level * np.maximum(valid - 1, 0)
        below = np.floor(position).astype(np.intp)
        above = np.minimum(below + 1, np.maximum(valid - 1, 0))
        frac = position - below
        low = matrix[rows, below].astype(np.float64)
        high = matrix[rows, above].astype(np.float64)
        value = low + (high - low) * frac
        value[valid == 0] = np.nan
        out.append(value)
    return out[0], out[1]


def bootstrap_curve(
    curve: ProfitCurve,
    *,
    n_resamples: int = 200,
    quantiles: tuple[float, float] = (0.05, 0.95),
    random_state: int | None = None,
) -> CurveBands:
    """Bootstrap bands for profit and bad rate at every cut-off of ``curve``.

    Parameters
    ----------
    curve : ProfitCurve
        A curve from :func:`~simulation.curve.profit_curve`.
    n_resamples : int
        Resamples of the n applicants, drawn with replacement (default 200).
    quantiles : (float, float)
        Lower and upper band quantiles (fractions).
    random_state : int, optional
        Seed of the one ``numpy.random.Generator`` used; same seed, same bands.

    Returns
    -------
    CurveBands
        Arrays aligned with ``curve``.
    """
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, int) or n_resamples < 2:
        raise SimulationError(
            f"`n_resamples` must be a whole number at least 2; got {n_resamples!r}."
        )
    low_q, high_q = quantiles
    if not 0.0 <= low_q < high_q <= 1.0:
        raise SimulationError(
            f"`quantiles` must be two fractions with lower < upper; got {quantiles!r}."
        )
    rng = np.random.default_rng(random_state)
    n = curve.n_applicants
    ends = curve.group_end
    points = len(curve)
    profit = np.zeros((points, n_resamples), dtype=np.float32)
    bad_rate = np.full((points, n_resamples), np.nan, dtype=np.float32)
    chunk = max(1, min(n_resamples, CHUNK_CELLS // max(n, 1)))
    every = len(ends) == n  # all values distinct: every applicant ends a group
    dtype = np.int32 if n < 2**31 // max(chunk, 1) else np.int64
    count_type = np.float32 if n < 2**24 else np.float64
    sorted_bad = curve.sorted_bad.astype(count_type)
    for start in range(0, n_resamples, chunk):
        size = min(chunk, n_resamples - start)
        draws = rng.integers(0, n, size=(size, n), dtype=dtype)
        draws += (np.arange(size, dtype=dtype) * n)[:, None]
        # (applicants x resamples), accumulated down axis 0: numpy's fast direction
        counts = np.bincount(draws.ravel(), minlength=size * n).reshape(size, n).T
        del draws
        cells = slice(start, start + size)
        # counts are whole numbers below 2**24: exact in float32, at half the memory traffic
        tally = counts.astype(count_type)
        approved = np.cumsum(tally, axis=0)
        money = counts * curve.sorted_net[:, None]
        np.cumsum(money, axis=0, out=money)
        profit[1:, cells] = money if every else np.take(money, ends, axis=0)
        del money
        bads = tally * sorted_bad[:, None]
        del tally
        np.cumsum(bads, axis=0, out=bads)
        if not every:
            approved, bads = np.take(approved, ends, axis=0), np.take(bads, ends, axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            np.divide(bads, approved, out=bads)
        bad_rate[1:, cells] = bads
    best = np.argmax(profit, axis=0)  # before the in-place sort below
    profit_low, profit_high = _quantiles(profit, quantiles)
    bad_low, bad_high = _quantiles(bad_rate, quantiles)
    optimal = np.where(best > 0, curve.cutoff[best], np.nan)
    return CurveBands(
        profit_low=profit_low,
        profit_high=profit_high,
        bad_rate_low=bad_low,
        bad_rate_high=bad_high,
        optimal_cutoffs=optimal,
        quantiles=(float(low_q), float(high_q)),
        n_resamples=n_resamples,
        random_state=random_state,
    )
