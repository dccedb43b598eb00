"""Discrimination and calibration metrics for binary credit outcomes (1 = bad).

Every function takes ``y_true`` of shape (n_samples,) with values in {0, 1} and a score
where higher means riskier (a PD or a margin). Definitions are in ``docs/modelling.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn import metrics as skm

from data.errors import LendscopeError

EPS = 1e-15


def _check(
    y_true: ArrayLike, score: ArrayLike, *, name: str = "score"
) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y_true, dtype=np.float64).ravel()
    s = np.asarray(score, dtype=np.float64).ravel()
    if y.shape != s.shape:
        raise LendscopeError(
            f"`y_true` and `{name}` must have the same length; got {y.size} and {s.size}."
        )
    if y.size == 0:
        raise LendscopeError("`y_true` must not be empty; got 0 rows.")
    if not np.isin(y, (0.0, 1.0)).all():
        raise LendscopeError(
            f"`y_true` must hold only 0 and 1; got {sorted(set(y.tolist()))[:5]!r}."
        )
    if not np.isfinite(s).all():
        raise LendscopeError(
            f"`{name}` must be finite; got {int((~np.isfinite(s)).sum())} bad values."
        )
    return y, s


def _two_classes(y: np.ndarray) -> None:
    if y.min() == y.max():
        raise LendscopeError(
            "`y_true` must contain both goods (0) and bads (1) to rank them; got one class."
        )


def auc(y_true: ArrayLike, score: ArrayLike) -> float:
    """Area under the ROC curve: P(score of a random bad > score of a random good), ties 1/2."""
    y, s = _check(y_true, score)
    _two_classes(y)
    return float(skm.roc_auc_score(y, s))


def gini(y_true: ArrayLike, score: ArrayLike) -> float:
    """Gini coefficient (accuracy ratio): ``2 * AUC - 1``."""
    return 2.0 * auc(y_true, score) - 1.0


def ks(y_true: ArrayLike, score: ArrayLike) -> float:
    """Kolmogorov-Smirnov statistic: largest gap between the bads' and goods' score CDFs."""
    y, s = _check(y_true, score)
    _two_classes(y)
    fpr, tpr, _ = skm.roc_curve(y, s)
    return float(np.max(tpr - fpr))


def brier(y_true: ArrayLike, pd_: ArrayLike) -> float:
    """Brier score: mean squared difference between PD and outcome (lower is better)."""
    y, p = _check(y_true, pd_, name="pd")
    return float(np.mean((p - y) ** 2))


def log_loss(y_true: ArrayLike, pd_: ArrayLike) -> float:
    """Mean negative log-likelihood in nats, PD clipped to [1e-15, 1 - 1e-15]."""
    y, p = _check(y_true, pd_, name="pd")
    p = np.clip(p, EPS, 1.0 - EPS)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


def pr_auc(y_true: ArrayLike, score: ArrayLike) -> float:
    """Area under the precision-recall curve for the bad class (average precision)."""
    y, s = _check(y_true, score)
    _two_classes(y)
    return float(skm.average_precision_score(y, s))


def _quantile_bins(p: np.ndarray, n_bins: int) -> np.ndarray:
    """Bin index per row: ``n_bins`` groups of (nearly) equal size by ascending ``p``.

    Rows are ranked by ``p`` with a stable sort, so equal PDs that straddle a boundary may
    fall in adjacent bins; group ``k`` holds ranks ``[k*n/n_bins, (k+1)*n/n_bins)``.
    """
    if n_bins < 1:
        raise LendscopeError(f"`n_bins` must be a positive integer; got {n_bins!r}.")
    order = np.argsort(p, kind="stable")
    bins = np.empty(p.size, dtype=np.int64)
    bins[order] = (np.arange(p.size) * n_bins) // p.size
    return bins


def calibration_table(y_true: ArrayLike, pd_: ArrayLike, n_bins: int = 10) -> pd.DataFrame:
    """Predicted against observed bad rate in ``n_bins`` equal-count PD groups.

    Returns
    -------
    DataFrame with one row per group, lowest PD first, and columns ``bin`` (1-based),
    ``n``, ``pd_min``, ``pd_max``, ``mean_pd``, ``bad_rate``, ``bads``.
    """
    y, p = _check(y_true, pd_, name="pd")
    bins = _quantile_bins(p, min(n_bins, p.size))
    frame = pd.DataFrame({"bin": bins + 1, "pd": p, "y": y})
    table = frame.groupby("bin", sort=True).agg(
        n=("y", "size"),
        pd_min=("pd", "min"),
        pd_max=("pd", "max"),
        mean_pd=("pd", "mean"),
        bad_rate=("y", "mean"),
        bads=("y", "sum"),
    )
    table["bads"] = table["bads"].astype(np.int64)
    return table.reset_index()


def ece(y_true: ArrayLike, pd_: ArrayLike, n_bins: int = 10) -> float:
    """Expected calibration error over ``n_bins`` equal-count PD groups.

    ``sum_k (n_k / n) * |mean PD_k - bad rate_k|``: a weighted mean absolute gap, as a
    fraction (0.02 = two percentage points).
    """
    table = calibration_table(y_true, pd_, n_bins)
    weights = table["n"].to_numpy() / table["n"].sum()
    return float(np.sum(weights * np.abs(table["mean_pd"] - table["bad_rate"]).to_numpy()))


def gains_table(y_true: ArrayLike, score: ArrayLike, n_groups: int = 10) -> pd.DataFrame:
    """Gains and lift by risk group, riskiest group first.

    Returns
    -------
    DataFrame with columns ``group`` (1 = riskiest tenth), ``n``, ``bads``, ``bad_rate``,
    ``cum_population`` (share of applicants up to this group), ``cum_bads_captured`` (share of
    all bads up to this group), ``lift`` (group bad rate / overall bad rate) and ``cum_lift``.
    """
    y, s = _check(y_true, score)
    groups = _quantile_bins(-s, min(n_groups, s.size))
    frame = pd.DataFrame({"group": groups + 1, "y": y})
    table = frame.groupby("group", sort=True).agg(n=("y", "size"), bads=("y", "sum"))
    table["bads"] = table["bads"].astype(np.int64)
    total_bads = max(int(y.sum()), 1)
    base_rate = y.mean() if y.sum() > 0 else 1.0
    table["bad_rate"] = table["bads"] / table["n"]
    table["cum_population"] = table["n"].cumsum() / y.size
    table["cum_bads_captured"] = table["bads"].cumsum() / total_bads
    table["lift"] = table["bad_rate"] / base_rate
    table["cum_lift"] = table["cum_bads_captured"] / table["cum_population"]
    return table.reset_index()


def _thin(*arrays: np.ndarray, max_points: int) -> tuple[np.ndarray, ...]:
    size = arrays[0].size
    if size <= max_points:
        return arrays
    keep = np.unique(np.linspace(0, size - 1, max_points).round().astype(np.int64))
    return tuple(a[keep] for a in arrays)


def roc_points(y_true: ArrayLike, score: ArrayLike, max_points: int = 201) -> pd.DataFrame:
    """ROC curve: ``fpr`` (goods flagged), ``tpr`` (bads flagged), ``threshold``; shares."""
    y, s = _check(y_true, score)
    _two_classes(y)
    fpr, tpr, thr = skm.roc_curve(y, s)
    thr = np.where(np.isfinite(thr), thr, np.nan)
    fpr, tpr, thr = _thin(fpr, tpr, thr, max_points=max_points)
    return pd.DataFrame({"fpr": fpr, "tpr": tpr, "threshold": thr})


def pr_points(y_true: ArrayLike, score: ArrayLike, max_points: int = 201) -> pd.DataFrame:
    """Precision-recall curve for the bad class: ``recall``, ``precision``, ``threshold``."""
    y, s = _check(y_true, score)
    _two_classes(y)
    precision, recall, thr = skm.precision_recall_curve(y, s)
    thr = np.append(thr, np.nan)
    precision, recall, thr = _thin(precision, recall, thr, max_points=max_points)
    return pd.DataFrame({"recall": recall, "precision": precision, "threshold": thr})


def ks_points(y_true: ArrayLike, score: ArrayLike, max_points: int = 201) -> pd.DataFrame:
    """Cumulative shares of bads and goods at or above each threshold, riskiest first.

    Columns ``population`` (share of applicants flagged), ``cum_bads``, ``cum_goods`` and
    ``gap`` (``cum_bads - cum_goods``; its maximum is the KS statistic).
    """
    y, s = _check(y_true, score)
    _two_classes(y)
    fpr, tpr, thr = skm.roc_curve(y, s, drop_intermediate=False)
    population = (tpr * y.sum() + fpr * (y.size - y.sum())) / y.size
    population, tpr, fpr = _thin(population, tpr, fpr, max_points=max_points)
    return pd.DataFrame(
        {"population": population, "cum_bads": tpr, "cum_goods": fpr, "gap": tpr - fpr}
    )
