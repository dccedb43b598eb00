"""Regularised logistic regression on weight-of-evidence bins: the scorecard baseline.

Each feature is binned (numeric: up to ``n_bins`` training-quantile bins; categorical: levels
with at least ``min_level_count`` rows, the rest pooled; missing is a bin of its own) and each
bin replaced by its weight of evidence, oriented so that higher means riskier::

    woe(bin) = ln((bads_bin + a) / (goods_bin + a)) - ln(bads / goods)

with ``a`` = ``woe_smoothing``. An L2-penalised logistic regression on the WoE columns gives
``margin = intercept + sum_j coef_j * woe_j(x)``, so feature ``j`` contributes exactly
``coef_j * (woe_j(x) - mean training woe_j)`` around a base value (see :meth:`contributions`).
The fitted state is plain numbers, saved as JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from data.errors import LendscopeError
from model.features import as_number, as_text, quantile_edges

OTHER = "__other__"
MISSING = "__missing__"


@dataclass(frozen=True)
class LinearParts:
    """The linear model on its design: ``margin = intercept + design @ coef``.

    ``design`` has shape (n_samples, n_features) (one WoE column per feature), ``groups``
    names the feature of each column and ``design_mean`` holds the training column means.
    """

    coef: np.ndarray
    intercept: float
    design: np.ndarray
    groups: tuple[str, ...]
    design_mean: np.ndarray


class WoeLogistic(ClassifierMixin, BaseEstimator):
    """Logistic regression on weight-of-evidence encoded features.

    Parameters
    ----------
    numeric, categorical : tuple of str
        Feature columns by kind.
    n_bins : int
        Quantile bins per numeric feature.
    min_level_count : int
        Categorical levels with fewer rows are pooled into one bin.
    woe_smoothing : float
        Pseudo-count added to bads and goods of every bin.
    C : float
        Inverse L2 regularisation strength of the logistic regression.
    """

    def __init__(
        self,
        numeric: tuple[str, ...] = (),
        categorical: tuple[str, ...] = (),
        n_bins: int = 10,
        min_level_count: int = 30,
        woe_smoothing: float = 0.5,
        C: float = 1.0,  # noqa: N803 - scikit-learn's name
    ) -> None:
        self.numeric = numeric
        self.categorical = categorical
        self.n_bins = n_bins
        self.min_level_count = min_level_count
        self.woe_smoothing = woe_smoothing
        self.C = C

    def fit(self, X: pd.DataFrame, y: ArrayLike) -> WoeLogistic:
        """Bin, compute WoE and fit the regression on cast features ``X`` and ``y`` (1 = bad)."""
        if not isinstance(X, pd.DataFrame):
            raise TypeError(f"`X` must be a pandas DataFrame; got {type(X).__name__}.")
        y_arr = np.asarray(y, dtype=np.float64).ravel()
        if (
            y_arr.size != len(X)
            or not np.isin(y_arr, (0.0, 1.0)).all()
            or y_arr.min() == y_arr.max()
        ):
            raise LendscopeError("`y` must be 0/1 with both classes, one value per row of `X`.")
        self.classes_ = np.array([0, 1])
        self.columns_ = tuple([*self.numeric, *self.categorical])
        self.edges_: dict[str, list[float]] = {}
        self.levels_: dict[str, list[str]] = {}
        self.woe_: dict[str, dict[str, float]] = {}
        for name in self.numeric:
            self.edges_[name] = list(quantile_edges(as_number(X[name]).to_numpy(), self.n_bins))
        for name in self.categorical:
            counts = as_text(X[name]).value_counts()
            self.levels_[name] = sorted(
                str(v) for v in counts[counts >= self.min_level_count].index
            )
        bins = self._bins(X)
        for name in self.columns_:
            self.woe_[name] = self._woe(bins[name], y_arr)
        woe = self._woe_matrix(bins)
        model = LogisticRegression(C=self.C, max_iter=1000)
        model.fit(woe, y_arr.astype(np.int64))
        self.coef_ = model.coef_.ravel().astype(np.float64)
        self.intercept_ = float(model.intercept_[0])
        self.woe_mean_ = woe.mean(axis=0)
        return self

    def _bins(self, X: pd.DataFrame) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for name in self.numeric:
            values = as_number(X[name]).to_numpy()
            idx = np.searchsorted(np.asarray(self.edges_[name]), values, side="right").astype(
                object
            )
            labels = np.array([f"b{int(i)}" for i in idx], dtype=object)
            labels[~np.isfinite(values)] = MISSING
            out[name] = labels
        for name in self.categorical:
            known = set(self.levels_[name])
            text = as_text(X[name])
            out[name] = np.array(
                [MISSING if not isinstance(v, str) else (v if v in known else OTHER) for v in text],
                dtype=object,
            )
        return out

    def _woe(self, labels: np.ndarray, y: np.ndarray) -> dict[str, float]:
        a = self.woe_smoothing
        base = np.log(y.sum() / (y.size - y.sum()))
        frame = pd.DataFrame({"bin": labels, "y": y})
        stats = frame.groupby("bin")["y"].agg(["sum", "count"])
        woe = np.log((stats["sum"] + a) / (stats["count"] - stats["sum"] + a)) - base
        return {str(k): float(v) for k, v in woe.items()}

    def _woe_matrix(self, bins: Mapping[str, np.ndarray]) -> np.ndarray:
        columns = []
        for name in self.columns_:
            table = self.woe_[name]
            columns.append(np.array([table.get(b, 0.0) for b in bins[name]], dtype=np.float64))
        if not columns:
            return np.zeros((0, 0))
        return np.column_stack(columns)

    def woe_transform(self, X: pd.DataFrame) -> np.ndarray:
        """WoE matrix of shape (n_samples, n_features); unseen bins get 0 (neutral)."""
        check_is_fitted(self, "coef_")
        return self._woe_matrix(self._bins(X))

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """Margin (bad-class log-odds) of shape (n_samples,)."""
        check_is_fitted(self, "coef_")
        return self.intercept_ + self.woe_transform(X) @ self.coef_

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Uncalibrated class probabilities of shape (n_samples, 2): [good, bad]."""
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """1 (bad) where the margin is positive, else 0."""
        return (self.decision_function(X) > 0).astype(np.int64)

    def contributions(self, X: pd.DataFrame) -> tuple[np.ndarray, float]:
        """Exact per-feature margin contributions and the base value.

        Returns
        -------
        values : ndarray of shape (n_samples, n_features)
            ``coef_j * (woe_j(x) - mean training woe_j)``, in log-odds.
        base_value : float
            ``intercept + sum_j coef_j * mean training woe_j``; base plus the row's values
            equals :meth:`decision_function` exactly.
        """
        woe = self.woe_transform(X)
        values = (woe - self.woe_mean_) * self.coef_
        return values, float(self.intercept_ + self.woe_mean_ @ self.coef_)

    def linear_parts(self, X: pd.DataFrame) -> LinearParts:
        """Coefficients, intercept, WoE design of ``X``, column owners and training means."""
        return LinearParts(
            coef=self.coef_.copy(),
            intercept=self.intercept_,
            design=self.woe_transform(X),
            groups=self.columns_,
            design_mean=self.woe_mean_.copy(),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fitted state."""
        check_is_fitted(self, "coef_")
        return {
            "params": {
                "numeric": list(self.numeric),
                "categorical": list(self.categorical),
                "n_bins": self.n_bins,
                "min_level_count": self.min_level_count,
                "woe_smoothing": self.woe_smoothing,
                "C": self.C,
            },
            "columns": list(self.columns_),
            "edges": self.edges_,
            "levels": self.levels_,
            "woe": self.woe_,
            "coef": self.coef_.tolist(),
            "intercept": self.intercept_,
            "woe_mean": self.woe_mean_.tolist(),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> WoeLogistic:
        """Rebuild a fitted model from :meth:`to_dict` output."""
        params = dict(raw["params"])
        params["numeric"] = tuple(params["numeric"])
        params["categorical"] = tuple(params["categorical"])
        model = cls(**params)
        model.classes_ = np.array([0, 1])
        model.columns_ = tuple(raw["columns"])
        model.edges_ = {k: [float(e) for e in v] for k, v in raw["edges"].items()}
        model.levels_ = {k: [str(e) for e in v] for k, v in raw["levels"].items()}
        model.woe_ = {k: {str(b): float(w) for b, w in v.items()} for k, v in raw["woe"].items()}
        model.coef_ = np.asarray(raw["coef"], dtype=np.float64)
        model.intercept_ = float(raw["intercept"])
        model.woe_mean_ = np.asarray(raw["woe_mean"], dtype=np.float64)
        return model
