"""The held-out evaluation stored with every model and shown in the app.

:func:`evaluate` computes it once from the test split's outcomes, PDs and scores;
:class:`Evaluation` carries the figures and tables, and round-trips through JSON
(``evaluation.json`` in the model folder).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from model import metrics
from model.scale import ScoreScale

TABLES: tuple[str, ...] = (
    "calibration",
    "gains",
    "roc",
    "pr",
    "ks_curve",
    "score_bands",
    "segments",
    "importance",
)


@dataclass(frozen=True)
class Evaluation:
    """Held-out metrics and tables; metric definitions are in ``docs/modelling.md``.

    Scalars are fractions except ``log_loss`` (nats). Tables are DataFrames: ``calibration``
    (10 equal-count PD groups), ``gains`` (deciles, riskiest first), ``roc``, ``pr`` and
    ``ks_curve`` (curve points), ``score_bands`` (per band: points range, observed good:bad
    odds, applicants, bad rate), ``segments`` (per segment column and value: applicants, bad
    rate, mean PD, AUC when both classes are present) and ``importance`` (mean |SHAP| on the
    holdout sample, largest first; empty when no sample was explained).
    """

    n: int
    base_rate: float
    auc: float
    gini: float
    ks: float
    brier: float
    ece: float
    log_loss: float
    pr_auc: float
    cv_auc_mean: float = math.nan
    cv_auc_std: float = math.nan
    calibration: pd.DataFrame = field(default_factory=pd.DataFrame)
    gains: pd.DataFrame = field(default_factory=pd.DataFrame)
    roc: pd.DataFrame = field(default_factory=pd.DataFrame)
    pr: pd.DataFrame = field(default_factory=pd.DataFrame)
    ks_curve: pd.DataFrame = field(default_factory=pd.DataFrame)
    score_bands: pd.DataFrame = field(default_factory=pd.DataFrame)
    segments: pd.DataFrame = field(default_factory=pd.DataFrame)
    importance: pd.DataFrame = field(default_factory=pd.DataFrame)

    def scalars(self) -> dict[str, float]:
        """The scalar metrics by name."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in TABLES}

    def with_importance(self, importance: pd.DataFrame) -> Evaluation:
        """A copy with the mean |SHAP| table set."""
        return replace(self, importance=importance)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: scalars, and tables as ``{column: [values]}`` with NaN as None."""
        out: dict[str, Any] = {k: _clean(v) for k, v in self.scalars().items()}
        for name in TABLES:
            table: pd.DataFrame = getattr(self, name)
            out[name] = {c: [_clean(v) for v in table[c].tolist()] for c in table.columns}
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Evaluation:
        """Inverse of :meth:`to_dict`."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in TABLES:
                table = raw.get(f.name) or {}
                values[f.name] = pd.DataFrame({c: _unclean(v) for c, v in table.items()})
            elif f.name in raw:
                values[f.name] = math.nan if raw[f.name] is None else raw[f.name]
        return cls(**values)


def _clean(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _unclean(values: Sequence[Any]) -> list[Any]:
    if all(v is None or isinstance(v, int | float) for v in values):
        return [math.nan if v is None else v for v in values]
    return list(values)


def score_band_table(
    y: np.ndarray, pd_: np.ndarray, points: np.ndarray, scale: ScoreScale
) -> pd.DataFrame:
    """Per band, best first: points range, applicants, share, bads, bad rate, odds, mean PD."""
    bands = scale.band(points)
    rows = []
    for label, lower, upper in scale.band_ranges():
        hit = bands == label
        n = int(hit.sum())
        bads = int(y[hit].sum())
        rows.append(
            {
                "band": label,
                "points_min": math.nan if lower is None else lower,
                "points_max": math.nan if upper is None else upper,
                "applicants": n,
                "share": n / max(len(y), 1),
                "bads": bads,
                "bad_rate": bads / n if n else math.nan,
                "odds": (n - bads) / bads if bads else math.nan,
                "mean_pd": float(pd_[hit].mean()) if n else math.nan,
            }
        )
    return pd.DataFrame(rows)


def segment_table(y: np.ndarray, pd_: np.ndarray, segments: pd.DataFrame) -> pd.DataFrame:
    """Per segment column and value: applicants, bads, bad rate, mean PD, AUC (NaN if one class)."""
    rows = []
    for column in segments.columns:
        values = segments[column].astype("string").fillna("(missing)").to_numpy()
        for value in pd.unique(values):
            hit = values == value
            n = int(hit.sum())
            bads = int(y[hit].sum())
            auc = metrics.auc(y[hit], pd_[hit]) if 0 < bads < n else math.nan
            rows.append(
                {
                    "column": str(column),
                    "segment": str(value),
                    "applicants": n,
                    "bads": bads,
                    "bad_rate": bads / n,
                    "mean_pd": float(pd_[hit].mean()),
                    "auc": auc,
                }
            )
    columns = ["column", "segment", "applicants", "bads", "bad_rate", "mean_pd", "auc"]
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(["column", "applicants"], ascending=[True, False], ignore_index=True)


def evaluate(
    y_true: ArrayLike,
    pd_: ArrayLike,
    points: ArrayLike,
    scale: ScoreScale,
    *,
    segments: pd.DataFrame | None = None,
    cv_auc_mean: float = math.nan,
    cv_auc_std: float = math.nan,
) -> Evaluation:
    """Evaluate held-out PDs.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Outcomes, 1 = bad.
    pd_ : array-like of shape (n_samples,)
        Calibrated probabilities of default.
    points : array-like of shape (n_samples,)
        Score points of the same rows.
    scale : ScoreScale
        Gives the bands.
    segments : DataFrame, optional
        Segment columns of the same rows (index ignored).
    """
    y = np.asarray(y_true, dtype=np.float64)
    p = np.asarray(pd_, dtype=np.float64)
    s = np.asarray(points, dtype=np.float64)
    seg = segments.reset_index(drop=True) if segments is not None else pd.DataFrame()
    return Evaluation(
        n=int(y.size),
        base_rate=float(y.mean()),
        auc=metrics.auc(y, p),
        gini=metrics.gini(y, p),
        ks=metrics.ks(y, p),
        brier=metrics.brier(y, p),
        ece=metrics.ece(y, p),
        log_loss=metrics.log_loss(y, p),
        pr_auc=metrics.pr_auc(y, p),
        cv_auc_mean=float(cv_auc_mean),
        cv_auc_std=float(cv_auc_std),
        calibration=metrics.calibration_table(y, p),
        gains=metrics.gains_table(y, p),
        roc=metrics.roc_points(y, p),
        pr=metrics.pr_points(y, p),
        ks_curve=metrics.ks_points(y, p),
        score_bands=score_band_table(y, p, s, scale),
        segments=segment_table(y, p, seg),
        importance=pd.DataFrame(
            {"feature": pd.Series(dtype=object), "mean_abs_shap": pd.Series(dtype=float)}
        ),
    )
