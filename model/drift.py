"""Population stability of a scored batch against the training reference stored with the model.

For each feature and for the score, the batch's distribution over the reference bins is
compared with training's by the population stability index

    PSI = sum_b (a_b - e_b) * ln(a_b / e_b)

where ``e_b`` and ``a_b`` are the training (expected) and batch (actual) shares of bin ``b``.

Bins come from the model's :class:`model.features.FeatureSchema`:

- numeric features: the training-quantile bins (``edges[k-1] <= x < edges[k]``) plus a bin
  for missing values;
- categorical features: each training category holding at least 1% of training rows, one
  bin pooling rarer categories and categories never seen in training, and a bin for missing;
- the score: training-quantile bins of score points.

Small-count smoothing: batch counts get 0.5 added to every bin before they become shares
(``(count + 0.5) / (n + 0.5 * n_bins)``) and training shares are floored at 1e-4 and
renormalised, so an empty bin never makes the index infinite. Bands: PSI < 0.10 stable,
0.10 to 0.25 moderate, >= 0.25 significant. The overall verdict is the worst band among the
features and the score; with fewer than :data:`MIN_ROWS` rows it is ``"too_few_rows"``
(sampling noise alone would exceed 0.10).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

STABLE_BELOW = 0.10
SIGNIFICANT_FROM = 0.25
MIN_ROWS = 200
"""Fewest batch rows for a drift verdict."""
COUNT_SMOOTHING = 0.5
"""Pseudo-count added to every batch bin."""
EXPECTED_FLOOR = 1e-4
"""Smallest training share of a bin."""
MIN_CATEGORY_SHARE = 0.01
"""Training categories rarer than this share are pooled with unseen ones."""
OTHER_BIN = "(other or unseen)"
MISSING_BIN = "(missing)"
SCORE_NAME = "(score)"
BANDS: tuple[str, ...] = ("stable", "moderate", "significant")


def psi_band(psi: float) -> str:
    """``"stable"`` below 0.10, ``"moderate"`` below 0.25, else ``"significant"``."""
    if psi < STABLE_BELOW:
        return "stable"
    return "moderate" if psi < SIGNIFICANT_FROM else "significant"


def psi(expected: Sequence[float], counts: Sequence[float]) -> float:
    """Population stability index of batch ``counts`` against training shares ``expected``.

    Parameters
    ----------
    expected : sequence of float
        Training share of each bin (fractions; renormalised after flooring at 1e-4).
    counts : sequence of float
        Batch rows in each bin (smoothed with 0.5 per bin).

    Returns
    -------
    float
        The index (0 for identical distributions; unitless).
    """
    e = np.maximum(np.asarray(expected, dtype=np.float64), EXPECTED_FLOOR)
    e = e / e.sum()
    c = np.asarray(counts, dtype=np.float64) + COUNT_SMOOTHING
    a = c / c.sum()
    return float(np.sum((a - e) * np.log(a / e)))


@dataclass(frozen=True)
class FeatureDrift:
    """Drift of one feature (or of the score) over its reference bins.

    ``bins``, ``expected`` and ``actual`` align: bin labels, training shares and batch shares
    (unsmoothed fractions of the batch).
    """

    name: str
    psi: float
    band: str
    rows: int
    bins: tuple[str, ...]
    expected: tuple[float, ...]
    actual: tuple[float, ...]


@dataclass(frozen=True)
class DriftReport:
    """Population stability of a batch: per feature, for the score, and overall.

    Attributes
    ----------
    features : tuple of FeatureDrift
        One per model feature, in model order.
    score : FeatureDrift or None
        Drift of score points (None when the model stored no score reference).
    verdict : {"stable", "moderate", "significant", "too_few_rows"}
        Worst band among features and score.
    rows : int
        Batch rows compared.
    """

    features: tuple[FeatureDrift, ...]
    score: FeatureDrift | None
    verdict: str
    rows: int

    @property
    def drifted(self) -> tuple[FeatureDrift, ...]:
        """Features at moderate or significant drift, largest PSI first."""
        if self.verdict == "too_few_rows":
            return ()
        moved = [f for f in self.features if f.band != "stable"]
        return tuple(sorted(moved, key=lambda f: (-f.psi, f.name)))

    @property
    def drifted_features(self) -> tuple[str, ...]:
        """Names of :attr:`drifted`."""
        return tuple(f.name for f in self.drifted)

    def top(self, k: int = 5) -> tuple[FeatureDrift, ...]:
        """The ``k`` features with the largest PSI, drifted or not."""
        return tuple(sorted(self.features, key=lambda f: (-f.psi, f.name))[:k])

    def to_frame(self) -> pd.DataFrame:
        """One row per feature and one for the score: ``feature, psi, band, rows``, by PSI."""
        items = [*self.features, *([self.score] if self.score is not None else [])]
        frame = pd.DataFrame(
            {
                "feature": [f.name for f in items],
                "psi": [f.psi for f in items],
                "band": [f.band for f in items],
                "rows": [f.rows for f in items],
            }
        )
        return frame.sort_values(["psi", "feature"], ascending=[False, True], ignore_index=True)

    def summary(self) -> dict[str, Any]:
        """JSON-ready: verdict, rows, score PSI and the drifted features with their PSI."""
        return {
            "verdict": self.verdict,
            "rows": self.rows,
            "score_psi": None if self.score is None else round(self.score.psi, 4),
            "drifted_features": {f.name: round(f.psi, 4) for f in self.drifted},
        }


@dataclass(frozen=True)
class _Binning:
    name: str
    kind: str
    labels: tuple[str, ...]
    expected: tuple[float, ...]
    edges: np.ndarray
    levels: Mapping[str, int]


def _numeric_binning(name: str, edges: Sequence[float], shares: Sequence[float],
                     missing: float) -> _Binning:
    cuts = np.asarray(edges, dtype=np.float64)
    bounds = [-np.inf, *cuts.tolist(), np.inf]
    labels = tuple(f"[{lo:.4g}, {hi:.4g})" for lo, hi in zip(bounds[:-1], bounds[1:], strict=True))
    return _Binning(name, "numeric", (*labels, MISSING_BIN), (*shares, missing), cuts, {})


def _categorical_binning(profile: Any) -> _Binning:
    shares = dict(profile.category_shares)
    kept = [c for c in profile.categories if shares.get(c, 0.0) >= MIN_CATEGORY_SHARE]
    other = max(0.0, 1.0 - profile.missing_share - sum(shares[c] for c in kept))
    return _Binning(
        profile.name,
        "categorical",
        (*kept, OTHER_BIN, MISSING_BIN),
        (*(shares[c] for c in kept), other, profile.missing_share),
        np.empty(0),
        {c: i for i, c in enumerate(kept)},
    )


def _bin_counts(binning: _Binning, values: pd.Series | np.ndarray) -> np.ndarray:
    n_bins = len(binning.labels)
    if binning.kind == "numeric":
        x = np.asarray(values, dtype=np.float64)
        finite = np.isfinite(x)
        index = np.where(finite, np.searchsorted(binning.edges, x, side="right"), n_bins - 1)
        return np.bincount(index, minlength=n_bins)[:n_bins].astype(np.float64)
    series = pd.Series(values)
    missing = series.isna().to_numpy()
    counts = np.zeros(n_bins)
    tallies = series[~missing].astype(str).value_counts()
    other = n_bins - 2
    for level, count in tallies.items():
        counts[binning.levels.get(str(level), other)] += count
    counts[-1] = missing.sum()
    return counts


class DriftAccumulator:
    """Bin counts of a batch fed chunk by chunk; :meth:`report` gives the :class:`DriftReport`.

    Parameters
    ----------
    schema : model.features.FeatureSchema
        The model's training profile (reference bins and shares).
    """

    def __init__(self, schema: Any) -> None:
        self._binnings: list[_Binning] = []
        for profile in schema.features:
            if profile.kind == "numeric":
                self._binnings.append(_numeric_binning(
                    profile.name, profile.bin_edges, profile.bin_shares, profile.missing_share))
            else:
                self._binnings.append(_categorical_binning(profile))
        self._score: _Binning | None = None
        if getattr(schema, "score", None) is not None:
            self._score = _numeric_binning(SCORE_NAME, schema.score.edges, schema.score.shares,
                                           0.0)
        self._counts = [np.zeros(len(b.labels)) for b in self._binnings]
        self._score_counts = None if self._score is None else np.zeros(len(self._score.labels))
        self._rows = 0

    def update(self, X: pd.DataFrame, points: np.ndarray | None = None) -> None:
        """Add a chunk: cast features ``X`` (model columns by name) and its score points."""
        for binning, counts in zip(self._binnings, self._counts, strict=True):
            counts += _bin_counts(binning, X[binning.name])
        if self._score is not None and self._score_counts is not None and points is not None:
            self._score_counts += _bin_counts(self._score, points)
        self._rows += len(X)

    def report(self) -> DriftReport:
        """The drift report of everything fed so far."""
        features = tuple(
            _feature_drift(b, c, self._rows)
            for b, c in zip(self._binnings, self._counts, strict=True)
        )
        score = None
        if self._score is not None and self._score_counts is not None:
            score = _feature_drift(self._score, self._score_counts, self._rows)
        if self._rows < MIN_ROWS:
            verdict = "too_few_rows"
        else:
            bands = [f.band for f in (*features, *([score] if score else []))]
            verdict = max(bands, key=BANDS.index) if bands else "stable"
        return DriftReport(features=features, score=score, verdict=verdict, rows=self._rows)


def _feature_drift(binning: _Binning, counts: np.ndarray, rows: int) -> FeatureDrift:
    value = psi(binning.expected, counts) if rows else 0.0
    total = max(float(counts.sum()), 1.0)
    return FeatureDrift(
        name=binning.name,
        psi=value,
        band=psi_band(value),
        rows=rows,
        bins=binning.labels,
        expected=tuple(float(e) for e in binning.expected),
        actual=tuple(float(c) / total for c in counts),
    )


def drift_report(bundle: Any, frame: pd.DataFrame, points: np.ndarray | None = None
                 ) -> DriftReport:
    """Drift of ``frame`` (raw applicant columns) against ``bundle``'s training reference.

    Parameters
    ----------
    bundle : model.bundle.ModelBundle
    frame : DataFrame of shape (n_rows, n_columns)
        Applicants with the model's feature columns (matched by name).
    points : ndarray of shape (n_rows,), optional
        Their score points, for the score's PSI.
    """
    from model.features import cast_features

    accumulator = DriftAccumulator(bundle.schema)
    accumulator.update(cast_features(frame, bundle.spec), points)
    return accumulator.report()
