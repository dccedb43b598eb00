"""Guards run before training: constant columns and single-feature leakage.

A feature that alone ranks the training outcomes almost perfectly (AUC above the threshold,
0.95 by default, either direction) is almost always a leak: a post-outcome field, the
target in disguise, or an identifier aligned with the label. It is excluded and reported
unless the user insists. Categorical features are scored by their out-of-fold smoothed bad
rate, so a high-cardinality identifier cannot look predictive by memorising rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from data.spec import DatasetSpec
from model.encoding import TreeEncoder


@dataclass(frozen=True)
class GuardReport:
    """Features dropped as constant, flagged as leaky (with single-feature AUC), and kept."""

    constant: tuple[str, ...]
    leaky: tuple[tuple[str, float], ...]
    excluded: tuple[str, ...]
    kept: tuple[str, ...]
    threshold: float

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "constant": list(self.constant),
            "leaky": [{"name": n, "auc": a} for n, a in self.leaky],
            "excluded": list(self.excluded),
            "kept": list(self.kept),
            "threshold": self.threshold,
        }


def single_feature_auc(x: pd.Series, y: np.ndarray, *, kind: str, random_state: int = 0) -> float:
    """How well one cast feature alone ranks outcomes: AUC in [0.5, 1], either direction.

    Numeric: the value with missing placed first and last (the better of the two). Categorical:
    the out-of-fold smoothed bad rate of its level.
    """
    if kind == "numeric":
        values = x.to_numpy(dtype=np.float64)
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            return 0.5
        best = 0.5
        for fill in (finite.min() - 1.0, finite.max() + 1.0):
            auc = roc_auc_score(y, np.where(np.isfinite(values), values, fill))
            best = max(best, auc, 1.0 - auc)
        return float(best)
    encoder = TreeEncoder(
        categorical=(str(x.name),),
        max_native_levels=0,
        min_level_count=1,
        smoothing=1.0,
        random_state=random_state,
    )
    encoded = encoder.fit_transform(x.to_frame(), y)[x.name].to_numpy(dtype=np.float64)
    encoded = np.where(np.isfinite(encoded), encoded, float(y.mean()))
    auc = roc_auc_score(y, encoded)
    return float(max(auc, 1.0 - auc))


def run_guards(
    X: pd.DataFrame,
    y: np.ndarray,
    spec: DatasetSpec,
    *,
    threshold: float = 0.95,
    allow_leaky: bool = False,
    random_state: int = 0,
) -> GuardReport:
    """Find constant and leaky features among cast training features ``X``."""
    constant: list[str] = []
    leaky: list[tuple[str, float]] = []
    for feature in spec.features:
        column = X[feature.name]
        if column.dropna().nunique() <= 1:
            constant.append(feature.name)
            continue
        auc = single_feature_auc(column, y, kind=feature.kind, random_state=random_state)
        if auc > threshold:
            leaky.append((feature.name, round(auc, 6)))
    excluded = tuple(constant) + (() if allow_leaky else tuple(n for n, _ in leaky))
    kept = tuple(n for n in spec.feature_names if n not in excluded)
    return GuardReport(
        constant=tuple(constant),
        leaky=tuple(leaky),
        excluded=excluded,
        kept=kept,
        threshold=threshold,
    )
