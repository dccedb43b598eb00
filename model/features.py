"""Feature casting and the training-data profile stored with every model.

``cast_features`` selects a model's features by name in training order and gives them the
dtypes the model was trained on: numeric columns become float64 (text that is not a number,
and infinities, become missing), categorical columns become text with missing as ``NaN``
(integral numbers are written without a decimal part, so ``1`` and ``1.0`` are one level).

``profile_features`` records, per feature, what training saw (range, categories, missing
share) and the reference distributions drift checks compare against: numeric bin edges on
training quantiles with the share of all rows in each bin, and category shares. Shares are
fractions of all rows, so bin shares plus the missing share add up to one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from data.errors import LendscopeError
from data.spec import DatasetSpec

N_REFERENCE_BINS = 10


def _number_text(numbers: np.ndarray) -> np.ndarray:
    """Text of float64 ``numbers`` (object array): integral values without a decimal part,
    other finite values as ``repr``, NaN and infinities as NaN."""
    out = np.full(numbers.shape, np.nan, dtype=object)
    finite = np.isfinite(numbers)
    integral = finite & (np.floor(numbers) == numbers) & (np.abs(numbers) < 2**53)
    out[integral] = numbers[integral].astype(np.int64).astype(str).astype(object)
    other = finite & ~integral
    out[other] = [repr(float(v)) for v in numbers[other]]
    return out


def _clean_text(values: pd.Series) -> pd.Series:
    """Stripped text of an object series of strings, empty and missing text as NaN."""
    if all(isinstance(v, str) and v[:1].isalnum() and v[-1:].isalnum() for v in values):
        # Non-empty text that starts and ends with a letter or digit is already clean.
        return values.astype(object)
    text = values.astype("string").str.strip()
    text = text.where(text.notna() & (text != ""), pd.NA)
    return text.astype(object).where(text.notna(), np.nan)


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _as_text_cells(series: pd.Series) -> pd.Series:
    """:func:`as_text` cell by cell, for object columns that mix text with other values."""
    values = series.astype(object)
    floats = values.map(lambda v: isinstance(v, float | np.floating))
    if floats.any():
        values = values.copy()
        values[floats] = as_text(values[floats].astype(np.float64))
    return _clean_text(values)


def text_codes(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct texts of a categorical column: ``as_text(series) == texts[codes]``.

    The text conversion runs once per distinct value, not once per cell.

    Parameters
    ----------
    series : Series of shape (n_samples,)
        Raw categorical values: text, numbers or a mix.

    Returns
    -------
    codes : ndarray of shape (n_samples,), intp
        Index into ``texts``; ``-1`` for a missing value.
    texts : ndarray of shape (n_distinct + 1,), object
        Text of each distinct raw value (NaN where it is missing after cleaning, e.g. blank
        text or an infinity); the last entry is NaN, so ``texts[codes]`` maps ``-1`` to NaN.
        Different raw values may share a text (``" a"`` and ``"a"``).
    """
    if _is_numeric(series):
        codes, uniques = pd.factorize(series.astype(np.float64).to_numpy(), use_na_sentinel=True)
        texts = _number_text(np.asarray(uniques, dtype=np.float64))
    elif pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
        # Only text and missing values: factorising first keeps the work per distinct value.
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        texts = _clean_text(pd.Series(np.asarray(uniques, dtype=object), dtype=object))
        texts = texts.to_numpy(dtype=object)
    else:
        codes, uniques = pd.factorize(_as_text_cells(series), use_na_sentinel=True)
        texts = np.asarray(uniques, dtype=object)
    texts = np.append(np.asarray(texts, dtype=object), np.array([np.nan], dtype=object))
    return np.asarray(codes, dtype=np.intp), texts


def as_text(series: pd.Series) -> pd.Series:
    """Categorical values as text (object dtype), missing as NaN; ``1.0`` becomes ``"1"``.

    Numbers are written without a decimal part when integral, text is stripped, and empty
    text is missing.
    """
    codes, texts = text_codes(series)
    if _is_numeric(series):
        return pd.Series(texts[codes], index=series.index, dtype=object)
    return pd.Series(texts[codes], index=series.index, dtype=object, name=series.name)


def fold_level(text: str) -> str:
    """Canonical form of a category level: accents removed, case folded, spaces collapsed.

    ``"São  Paulo"``, ``"SAO PAULO"`` and ``"sao paulo"`` become one level, ``"sao paulo"``.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def fold_texts(texts: np.ndarray) -> np.ndarray:
    """:func:`fold_level` of every non-missing entry of an object array (NaN stays NaN)."""
    return np.array([t if t is np.nan or pd.isna(t) else fold_level(t) for t in texts],
                    dtype=object)


def fold_levels(text: pd.Series) -> pd.Series:
    """:func:`fold_level` applied to every non-missing value of an :func:`as_text` series."""
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    folded = np.append(fold_texts(np.asarray(uniques, dtype=object)),
                       np.array([np.nan], dtype=object))
    return pd.Series(folded[codes], index=text.index, dtype=object, name=text.name)


def as_number(series: pd.Series) -> pd.Series:
    """Numeric values as float64; text that is not a number and infinities become NaN."""
    if series.dtype == np.float64:
        values = series.to_numpy()
        return pd.Series(np.where(np.isfinite(values), values, np.nan), index=series.index,
                         name=series.name)
    values = pd.to_numeric(series, errors="coerce").astype(np.float64)
    return values.where(np.isfinite(values), np.nan)


def cast_features(frame: pd.DataFrame, spec: DatasetSpec) -> pd.DataFrame:
    """Select ``spec``'s features by name, in spec order, with training dtypes.

    Raises
    ------
    LendscopeError
        Listing the features missing from ``frame``.
    """
    names = list(spec.feature_names)
    missing = [n for n in names if n not in frame.columns]
    if missing:
        raise LendscopeError(
            f"The data must have every model feature; missing {missing}. "
            "Add these columns (empty values are allowed) or use a model trained without them."
        )
    columns = {}
    for feature in spec.features:
        raw = frame[feature.name]
        columns[feature.name] = as_number(raw) if feature.kind == "numeric" else as_text(raw)
    return pd.DataFrame(columns, index=frame.index)


@dataclass(frozen=True)
class FeatureProfile:
    """What training saw of one feature.

    ``bin_edges`` are interior cut points on training quantiles (numeric only); bin ``k``
    holds ``edges[k-1] <= x < edges[k]``. ``bin_shares`` and ``category_shares`` are shares
    of all training rows; ``missing_share`` completes them to one.
    """

    name: str
    kind: str
    missing_share: float
    min_value: float | None = None
    max_value: float | None = None
    categories: tuple[str, ...] = ()
    bin_edges: tuple[float, ...] = ()
    bin_shares: tuple[float, ...] = ()
    category_shares: Mapping[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "kind": self.kind,
            "missing_share": self.missing_share,
            "min_value": self.min_value,
            "max_value": self.max_value,
            "categories": list(self.categories),
            "bin_edges": list(self.bin_edges),
            "bin_shares": list(self.bin_shares),
            "category_shares": dict(self.category_shares),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> FeatureProfile:
        """Inverse of :meth:`to_dict`."""
        return cls(
            name=str(raw["name"]),
            kind=str(raw["kind"]),
            missing_share=float(raw["missing_share"]),
            min_value=raw.get("min_value"),
            max_value=raw.get("max_value"),
            categories=tuple(raw.get("categories", ())),
            bin_edges=tuple(float(v) for v in raw.get("bin_edges", ())),
            bin_shares=tuple(float(v) for v in raw.get("bin_shares", ())),
            category_shares=dict(raw.get("category_shares", {})),
        )


@dataclass(frozen=True)
class ScoreProfile:
    """Training score distribution: interior point edges on quantiles and the share per bin."""

    edges: tuple[float, ...]
    shares: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"edges": list(self.edges), "shares": list(self.shares)}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ScoreProfile:
        """Inverse of :meth:`to_dict`."""
        return cls(tuple(float(v) for v in raw["edges"]), tuple(float(v) for v in raw["shares"]))


@dataclass(frozen=True)
class FeatureSchema:
    """Per-feature profiles in training order, plus the training score distribution."""

    features: tuple[FeatureProfile, ...]
    score: ScoreProfile | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Feature names in training order."""
        return tuple(f.name for f in self.features)

    def feature(self, name: str) -> FeatureProfile:
        """Profile of feature ``name``."""
        for profile in self.features:
            if profile.name == name:
                return profile
        raise KeyError(f"'{name}' is not a model feature; features are {list(self.names)}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "features": [f.to_dict() for f in self.features],
            "score": None if self.score is None else self.score.to_dict(),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> FeatureSchema:
        """Inverse of :meth:`to_dict`."""
        score = raw.get("score")
        return cls(
            features=tuple(FeatureProfile.from_dict(f) for f in raw["features"]),
            score=None if score is None else ScoreProfile.from_dict(score),
        )


def quantile_edges(values: np.ndarray, n_bins: int = N_REFERENCE_BINS) -> tuple[float, ...]:
    """Unique interior cut points at the ``1/n_bins .. (n_bins-1)/n_bins`` quantiles."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return ()
    qs = np.quantile(finite, np.linspace(0, 1, n_bins + 1)[1:-1])
    edges = np.unique(qs)
    edges = edges[(edges > finite.min())]
    return tuple(float(e) for e in edges)


def bin_shares(values: np.ndarray, edges: Sequence[float], n_rows: int) -> tuple[float, ...]:
    """Share of ``n_rows`` in each of the ``len(edges) + 1`` bins (missing rows excluded)."""
    finite = values[np.isfinite(values)]
    idx = np.searchsorted(np.asarray(edges, dtype=np.float64), finite, side="right")
    counts = np.bincount(idx, minlength=len(edges) + 1)
    return tuple(float(c) / max(n_rows, 1) for c in counts)


def profile_features(X: pd.DataFrame, spec: DatasetSpec) -> FeatureSchema:
    """Profile the cast training features ``X`` (output of :func:`cast_features`)."""
    n = len(X)
    if n == 0:
        raise LendscopeError("`X` must have at least one row to profile; got 0 rows.")
    profiles = []
    for feature in spec.features:
        column = X[feature.name]
        missing = float(column.isna().mean())
        if feature.kind == "numeric":
            values = column.to_numpy(dtype=np.float64)
            finite = values[np.isfinite(values)]
            edges = quantile_edges(values)
            profiles.append(
                FeatureProfile(
                    name=feature.name,
                    kind="numeric",
                    missing_share=missing,
                    min_value=float(finite.min()) if finite.size else None,
                    max_value=float(finite.max()) if finite.size else None,
                    bin_edges=edges,
                    bin_shares=bin_shares(values, edges, n),
                )
            )
        else:
            counts = column.dropna().value_counts()
            profiles.append(
                FeatureProfile(
                    name=feature.name,
                    kind="categorical",
                    missing_share=missing,
                    categories=tuple(str(c) for c in counts.index),
                    category_shares={str(k): float(v) / n for k, v in counts.items()},
                )
            )
    return FeatureSchema(features=tuple(profiles))


def score_profile(points: np.ndarray) -> ScoreProfile:
    """Reference distribution of training score points."""
    values = np.asarray(points, dtype=np.float64)
    edges = quantile_edges(values)
    return ScoreProfile(edges=edges, shares=bin_shares(values, edges, values.size))
