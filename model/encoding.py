"""Column-wise encoding of categorical features for tree models (one column in, one out).

Low-cardinality columns become pandas categoricals with a fixed level list, which XGBoost and
LightGBM split on natively; levels seen fewer than ``min_level_count`` times, and levels never
seen in training, become the level ``"__other__"``. High-cardinality columns (more than
``max_native_levels`` frequent levels: cities, boroughs, zip prefixes) are replaced by their
smoothed bad rate::

    encoded(level) = (bads(level) + smoothing * prior) / (count(level) + smoothing)

with unseen levels at the prior. ``fit_transform`` returns out-of-fold encodings (each row
encoded from the other folds' rows), so a row's own outcome never enters its own encoding;
``transform`` uses the mapping fitted on all rows. Missing stays missing (NaN), which both
libraries route natively. Because each output column comes from one input column, SHAP
contributions of the encoded columns are contributions of the spec's features.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.validation import check_is_fitted

from data.errors import LendscopeError
from model.features import as_number, fold_texts, text_codes

OTHER = "__other__"


class TreeEncoder(TransformerMixin, BaseEstimator):
    """Native categoricals for few levels, out-of-fold target encoding for many.

    Parameters
    ----------
    numeric : tuple of str
        Numeric columns, passed through as float64.
    categorical : tuple of str
        Categorical columns (text).
    max_native_levels : int
        Most frequent levels a column may have and still be split on natively.
    min_level_count : int
        Levels with fewer training rows are pooled into ``"__other__"`` (native columns).
    smoothing : float
        Pseudo-count pulling a level's bad rate to the prior (target-encoded columns).
    n_splits : int
        Folds of the out-of-fold encoding in :meth:`fit_transform`.
    random_state : int or None
        Seed of the fold assignment.
    fold_case : bool
        Treat levels that differ only in case, accents or spacing as one level.
    """

    def __init__(
        self,
        numeric: tuple[str, ...] = (),
        categorical: tuple[str, ...] = (),
        max_native_levels: int = 32,
        min_level_count: int = 20,
        smoothing: float = 20.0,
        n_splits: int = 5,
        random_state: int | None = 0,
        fold_case: bool = True,
    ) -> None:
        self.numeric = numeric
        self.categorical = categorical
        self.max_native_levels = max_native_levels
        self.min_level_count = min_level_count
        self.smoothing = smoothing
        self.n_splits = n_splits
        self.random_state = random_state
        self.fold_case = fold_case

    def fit(self, X: pd.DataFrame, y: ArrayLike) -> TreeEncoder:
        """Learn level lists and target encodings from ``X`` (cast features) and ``y`` (1 = bad)."""
        y_arr = self._check_xy(X, y)
        self.columns_ = tuple(
            c for c in X.columns if c in set(self.numeric) | set(self.categorical)
        )
        self.prior_ = float(y_arr.mean())
        self.native_: dict[str, list[str]] = {}
        self.target_: dict[str, dict[str, float]] = {}
        for name in self.categorical:
            text = self._text(X[name])
            counts = text.value_counts()
            frequent = counts[counts >= self.min_level_count]
            if len(frequent) <= self.max_native_levels:
                levels = sorted(str(v) for v in frequent.index)
                self.native_[name] = [*levels, OTHER]
            else:
                self.target_[name] = self._encoding(text, y_arr)
        return self

    def fit_transform(
        self,
        X: pd.DataFrame,
        y: ArrayLike | None = None,
        **fit_params: Any,  # noqa: ARG002 - scikit-learn's signature
    ) -> pd.DataFrame:
        """Fit, then encode ``X`` out of fold: no row's encoding uses its own outcome."""
        if y is None:
            raise LendscopeError("`y` must be given to fit the target encoding; got None.")
        self.fit(X, y)
        out = self.transform(X)
        if not self.target_:
            return out
        y_arr = np.asarray(y, dtype=np.float64)
        n_splits = int(min(self.n_splits, np.bincount(y_arr.astype(np.int64)).min()))
        if n_splits < 2:
            return out
        folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=self.random_state)
        for name in self.target_:
            text = self._text(X[name])
            encoded = np.empty(len(X), dtype=np.float64)
            for fit_idx, enc_idx in folds.split(np.zeros(len(X)), y_arr):
                mapping = self._encoding(text.iloc[fit_idx], y_arr[fit_idx])
                prior = float(y_arr[fit_idx].mean())
                encoded[enc_idx] = self._apply(text.iloc[enc_idx], mapping, prior)
            out[name] = encoded
        return out

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Encode cast features ``X`` with the fitted mappings; output columns in fit order."""
        check_is_fitted(self, "columns_")
        missing = [c for c in self.columns_ if c not in X.columns]
        if missing:
            raise LendscopeError(f"`X` must have the encoder's columns; missing {missing}.")
        columns: dict[str, pd.Categorical | np.ndarray] = {}
        for name in self.columns_:
            if name in self.native_:
                codes, texts = self._codes(X[name])
                levels = self.native_[name]
                position = {level: i for i, level in enumerate(levels)}
                other = position[OTHER]
                # Per distinct text: its level's position, OTHER's for an unknown, -1 missing.
                lookup = np.array([-1 if pd.isna(t) else position.get(t, other) for t in texts],
                                  dtype=np.int64)
                columns[name] = pd.Categorical.from_codes(lookup[codes], categories=levels)
            elif name in self.target_:
                codes, texts = self._codes(X[name])
                mapping = self.target_[name]
                lookup = np.array([np.nan if pd.isna(t) else mapping.get(t, self.prior_)
                                   for t in texts], dtype=np.float64)
                columns[name] = lookup[codes]
            else:
                columns[name] = as_number(X[name]).to_numpy(dtype=np.float64)
        return pd.DataFrame(columns, index=X.index)

    def _codes(self, column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """Codes and distinct (folded) texts of a column; ``texts[-1]`` is NaN for missing."""
        codes, texts = text_codes(column)
        return codes, fold_texts(texts) if self.fold_case else texts

    def _text(self, column: pd.Series) -> pd.Series:
        codes, texts = self._codes(column)
        return pd.Series(texts[codes], index=column.index, dtype=object)

    def _encoding(self, text: pd.Series, y: np.ndarray) -> dict[str, float]:
        prior = float(y.mean())
        frame = pd.DataFrame({"level": text.to_numpy(), "y": y}).dropna(subset=["level"])
        stats = frame.groupby("level")["y"].agg(["sum", "count"])
        smoothed = (stats["sum"] + self.smoothing * prior) / (stats["count"] + self.smoothing)
        return {str(k): float(v) for k, v in smoothed.items()}

    @staticmethod
    def _apply(text: pd.Series, mapping: Mapping[str, float], prior: float) -> np.ndarray:
        values = text.map(mapping).astype(np.float64).fillna(prior)
        return values.where(text.notna(), np.nan).to_numpy(dtype=np.float64)

    def _check_xy(self, X: pd.DataFrame, y: ArrayLike) -> np.ndarray:
        if not isinstance(X, pd.DataFrame):
            raise TypeError(f"`X` must be a pandas DataFrame; got {type(X).__name__}.")
        y_arr = np.asarray(y, dtype=np.float64).ravel()
        if y_arr.size != len(X):
            raise LendscopeError(
                f"`y` must have one value per row of `X` ({len(X)}); got {y_arr.size}."
            )
        wanted = [*self.numeric, *self.categorical]
        missing = [c for c in wanted if c not in X.columns]
        if missing:
            raise LendscopeError(f"`X` must have the encoder's columns; missing {missing}.")
        return y_arr

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fitted state."""
        check_is_fitted(self, "columns_")
        return {
            "params": {
                "numeric": list(self.numeric),
                "categorical": list(self.categorical),
                "max_native_levels": self.max_native_levels,
                "min_level_count": self.min_level_count,
                "smoothing": self.smoothing,
                "n_splits": self.n_splits,
                "random_state": self.random_state,
                "fold_case": self.fold_case,
            },
            "columns": list(self.columns_),
            "prior": self.prior_,
            "native": self.native_,
            "target": self.target_,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> TreeEncoder:
        """Rebuild a fitted encoder from :meth:`to_dict` output."""
        params = dict(raw["params"])
        params["numeric"] = tuple(params["numeric"])
        params["categorical"] = tuple(params["categorical"])
        params.setdefault("fold_case", False)
        encoder = cls(**params)
        encoder.columns_ = tuple(raw["columns"])
        encoder.prior_ = float(raw["prior"])
        encoder.native_ = {str(k): [str(v) for v in levels] for k, levels in raw["native"].items()}
        encoder.target_ = {
            str(k): {str(lk): float(lv) for lk, lv in m.items()} for k, m in raw["target"].items()
        }
        return encoder
