"""Score scale: PD to points by points-to-double-odds scaling, and points to risk bands.

With good:bad odds ``o = (1 - pd) / pd``, ``factor = pdo / ln 2`` and
``offset = base_points - factor * ln(base_odds)``::

    points = offset + factor * ln(o)

so ``base_points`` is scored at ``base_odds`` and every ``pdo`` more points doubles the odds.
Bands are given best first as ``(label, minimum points)``; the last band has no minimum.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from data.errors import LendscopeError

PD_CLIP = 1e-9

DEFAULT_BANDS: tuple[tuple[str, float | None], ...] = (
    ("A", 600.0),
    ("B", 570.0),
    ("C", 540.0),
    ("D", 510.0),
    ("E", None),
)


@dataclass(frozen=True)
class ScoreScale:
    """Points-to-double-odds scaling and risk bands.

    Parameters
    ----------
    base_points : float
        Points given at ``base_odds``.
    base_odds : float
        Good:bad odds scored ``base_points`` (50.0 means 50 goods per bad, PD = 1/51).
    pdo : float
        Points to double the odds; positive.
    bands : tuple of (str, float or None)
        Best band first, each with its minimum points (inclusive), strictly decreasing;
        the last band has ``None`` (no minimum).
    """

    base_points: float = 600.0
    base_odds: float = 50.0
    pdo: float = 20.0
    bands: tuple[tuple[str, float | None], ...] = DEFAULT_BANDS

    def __post_init__(self) -> None:
        if not (self.base_odds > 0 and math.isfinite(self.base_odds)):
            raise LendscopeError(f"`base_odds` must be a positive number; got {self.base_odds!r}.")
        if not (self.pdo > 0 and math.isfinite(self.pdo)):
            raise LendscopeError(f"`pdo` must be a positive number of points; got {self.pdo!r}.")
        if len(self.bands) < 1 or self.bands[-1][1] is not None:
            raise LendscopeError(
                "`bands` must end with a band without minimum, e.g. ('E', None); "
                f"got {self.bands!r}."
            )
        minima = [m for _, m in self.bands[:-1]]
        if any(m is None for m in minima) or any(
            a <= b for a, b in zip(minima, minima[1:], strict=False)
        ):
            raise LendscopeError(
                "`bands` minimum points must be numbers in strictly decreasing order (best band "
                f"first); got {self.bands!r}."
            )
        labels = [label for label, _ in self.bands]
        if len(set(labels)) != len(labels):
            raise LendscopeError(f"`bands` labels must be unique; got {labels!r}.")

    @property
    def factor(self) -> float:
        """Points per unit of log-odds: ``pdo / ln 2``."""
        return self.pdo / math.log(2.0)

    @property
    def offset(self) -> float:
        """Points at even odds (1:1): ``base_points - factor * ln(base_odds)``."""
        return self.base_points - self.factor * math.log(self.base_odds)

    @property
    def labels(self) -> tuple[str, ...]:
        """Band labels, best first."""
        return tuple(label for label, _ in self.bands)

    def points(self, pd: ArrayLike) -> np.ndarray:
        """Points for probabilities of default.

        Parameters
        ----------
        pd : array-like of shape (n_samples,)
            Probability of default, fraction in [0, 1]; clipped to [1e-9, 1 - 1e-9].

        Returns
        -------
        ndarray of shape (n_samples,), float64
            Score points (higher is safer), unrounded.
        """
        p = np.clip(np.asarray(pd, dtype=np.float64), PD_CLIP, 1.0 - PD_CLIP)
        return self.offset + self.factor * np.log((1.0 - p) / p)

    def points_from_margin(self, margin: ArrayLike) -> np.ndarray:
        """Points for bad-class log-odds ``margin`` (``ln(pd / (1 - pd))``)."""
        return self.offset - self.factor * np.asarray(margin, dtype=np.float64)

    def pd_at(self, points: ArrayLike) -> np.ndarray:
        """Inverse of :meth:`points`: the PD scored at ``points``."""
        odds = np.exp((np.asarray(points, dtype=np.float64) - self.offset) / self.factor)
        return 1.0 / (1.0 + odds)

    def band(self, points: ArrayLike) -> np.ndarray:
        """Risk band label per score.

        Parameters
        ----------
        points : array-like of shape (n_samples,)
            Score points; NaN gets the worst band.

        Returns
        -------
        ndarray of shape (n_samples,), dtype object (str)
            The first band, best first, whose minimum ``points`` reaches.
        """
        values = np.asarray(points, dtype=np.float64)
        out = np.full(values.shape, self.bands[-1][0], dtype=object)
        assigned = np.zeros(values.shape, dtype=bool)
        for label, minimum in self.bands[:-1]:
            hit = ~assigned & (values >= float(minimum))  # type: ignore[arg-type]
            out[hit] = label
            assigned |= hit
        return out

    def band_ranges(self) -> list[tuple[str, float | None, float | None]]:
        """``(label, lower points inclusive or None, upper points exclusive or None)``."""
        ranges: list[tuple[str, float | None, float | None]] = []
        upper: float | None = None
        for label, minimum in self.bands:
            ranges.append((label, minimum, upper))
            upper = minimum
        return ranges

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "base_points": self.base_points,
            "base_odds": self.base_odds,
            "pdo": self.pdo,
            "bands": [[label, minimum] for label, minimum in self.bands],
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ScoreScale:
        """Inverse of :meth:`to_dict`."""
        bands = tuple((str(label), None if m is None else float(m)) for label, m in raw["bands"])
        return cls(
            base_points=float(raw["base_points"]),
            base_odds=float(raw["base_odds"]),
            pdo=float(raw["pdo"]),
            bands=bands,
        )
