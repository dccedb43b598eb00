"""Exact per-applicant explanations on the model's margin (log-odds).

Tree models (XGBoost, LightGBM) are explained with path-dependent TreeSHAP, which is exact
for the tree ensemble: for every row, ``base_value + values.sum()`` equals the model's raw
margin. The logistic baseline is explained with its exact linear contributions
``coef_k * (x_k - mean_k)`` summed over the design columns of each original feature.

Every :class:`Explanation` carries a per-row additivity flag (``additive_ok``): rows whose
contributions do not add up to the margin within :data:`ADDITIVITY_TOLERANCE` are flagged,
never shown silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

ADDITIVITY_TOLERANCE = 1e-3
"""Largest accepted |base_value + sum(values) - margin| per row, in log-odds."""


@dataclass(frozen=True)
class ExplanationMethod:
    """How contributions were computed: the algorithm, the library and its version."""

    algorithm: str
    library: str
    version: str

    def __str__(self) -> str:
        return f"{self.algorithm} ({self.library} {self.version})"


@dataclass(frozen=True)
class Explanation:
    """Additive contributions of each feature to each row's margin.

    Attributes
    ----------
    values : ndarray of shape (n_rows, n_features), float64
        Contribution of each feature to each row's margin, in log-odds.
    base_value : float
        Expected margin over the model's training data, in log-odds.
    feature_names : tuple of str
        Names of the columns of ``values``, in model order.
    margin : ndarray of shape (n_rows,), float64
        The model's own raw margin (log-odds) for each row.
    additive_ok : ndarray of shape (n_rows,), bool
        True where ``|base_value + values.sum(axis=1) - margin| <= ADDITIVITY_TOLERANCE``.
    method : ExplanationMethod
        Algorithm, library and version used.
    """

    values: np.ndarray
    base_value: float
    feature_names: tuple[str, ...]
    margin: np.ndarray
    additive_ok: np.ndarray
    method: ExplanationMethod

    def __len__(self) -> int:
        return int(self.values.shape[0])

    @property
    def additivity_error(self) -> np.ndarray:
        """|base_value + sum(values) - margin| per row, shape (n_rows,), log-odds."""
        return np.abs(self.base_value + self.values.sum(axis=1) - self.margin)

    def to_frame(self) -> pd.DataFrame:
        """Contributions as a frame of shape (n_rows, n_features), one column per feature."""
        return pd.DataFrame(self.values, columns=list(self.feature_names))

    def take(self, rows: np.ndarray | Sequence[int]) -> Explanation:
        """The explanation of a subset of rows (positions)."""
        index = np.asarray(rows, dtype=np.intp)
        return Explanation(
            values=self.values[index],
            base_value=self.base_value,
            feature_names=self.feature_names,
            margin=self.margin[index],
            additive_ok=self.additive_ok[index],
            method=self.method,
        )


def _build(
    values: np.ndarray,
    base_value: float,
    feature_names: Sequence[str],
    margin: np.ndarray,
    method: ExplanationMethod,
) -> Explanation:
    values = np.ascontiguousarray(values, dtype=np.float64)
    margin = np.ascontiguousarray(margin, dtype=np.float64).reshape(-1)
    if values.ndim != 2 or values.shape != (margin.shape[0], len(feature_names)):
        raise ValueError(
            f"`values` must have shape ({margin.shape[0]}, {len(feature_names)}); "
            f"got {values.shape!r}."
        )
    error = np.abs(base_value + values.sum(axis=1) - margin)
    additive_ok = error <= ADDITIVITY_TOLERANCE
    for array in (values, margin, additive_ok):
        array.setflags(write=False)
    return Explanation(
        values=values,
        base_value=float(base_value),
        feature_names=tuple(str(n) for n in feature_names),
        margin=margin,
        additive_ok=additive_ok,
        method=method,
    )


def _library_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    for dist in (name, f"{name}-cpu"):
        try:
            return version(dist)
        except PackageNotFoundError:
            continue
    return "unknown"


def booster_kind(booster: Any) -> str:
    """``"xgboost"`` or ``"lightgbm"`` for a native booster; ``TypeError`` otherwise."""
    module = type(booster).__module__
    if module.startswith("xgboost"):
        return "xgboost"
    if module.startswith("lightgbm"):
        return "lightgbm"
    raise TypeError(
        "`booster` must be an xgboost.Booster or a lightgbm.Booster; "
        f"got {type(booster).__name__!r}."
    )


def _check_frame(X: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"`X` must be a pandas DataFrame; got {type(X).__name__!r}.")
    missing = [n for n in names if n not in X.columns]
    if missing:
        unexpected = [c for c in X.columns if c not in set(names)]
        raise ValueError(
            f"`X` must have the model's feature columns; missing {missing}, "
            f"unexpected {unexpected}. Prepare the frame with the model's bundle first."
        )
    return X.loc[:, list(names)]


def xgb_margin(booster: Any, X: pd.DataFrame) -> np.ndarray:
    """Raw margin (log-odds) of an XGBoost booster, shape (n_rows,), float64."""
    if len(X) == 0:
        return np.zeros(0)
    margin = booster.inplace_predict(X, predict_type="margin", validate_features=False)
    return np.asarray(margin, dtype=np.float64).reshape(-1)


def _explain_xgboost_native(booster: Any, X: pd.DataFrame) -> Explanation:
    import xgboost as xgb

    names = list(booster.feature_names or [])
    X = _check_frame(X, names)
    method = ExplanationMethod("TreeSHAP (path-dependent)", "xgboost", xgb.__version__)
    if len(X) == 0:
        return _build(np.zeros((0, len(names))), _xgb_base(booster, X), names, np.zeros(0), method)
    matrix = xgb.DMatrix(X, enable_categorical=True)
    contribs = booster.predict(matrix, pred_contribs=True, validate_features=False)
    margin = xgb_margin(booster, X)
    return _build(contribs[:, :-1], float(contribs[0, -1]), names, margin, method)


def _explain_xgboost_fast(booster: Any, X: pd.DataFrame, *, threads: int) -> Explanation:
    import numba
    import xgboost as xgb

    from model import treeshap

    names = list(booster.feature_names or [])
    X = _check_frame(X, names)
    try:
        values, base_value = treeshap.contributions(booster, X, threads=threads)
    except treeshap.UnsupportedModelError:
        return _explain_xgboost_native(booster, X)
    method = ExplanationMethod(
        "TreeSHAP (path-dependent, exact, leaf decision patterns)",
        "lendscope.model.treeshap",
        f"numba {numba.__version__}, xgboost {xgb.__version__}",
    )
    return _build(values, base_value, names, xgb_margin(booster, X), method)


def _xgb_base(booster: Any, X: pd.DataFrame) -> float:
    import xgboost as xgb

    probe = xgb.DMatrix(X.head(0).reindex(range(1)), enable_categorical=True)
    return float(booster.predict(probe, pred_contribs=True, validate_features=False)[0, -1])


def _explain_lightgbm(booster: Any, X: pd.DataFrame, *, threads: int) -> Explanation:
    import lightgbm as lgb

    names = list(booster.feature_name())
    X = _check_frame(X, names)
    method = ExplanationMethod("TreeSHAP (path-dependent)", "lightgbm", lgb.__version__)
    if len(X) == 0:
        probe = X.head(0).reindex(range(1))
        base = booster.predict(probe, pred_contrib=True, num_threads=threads)[0, -1]
        return _build(np.zeros((0, len(names))), float(base), names, np.zeros(0), method)
    contribs = np.asarray(booster.predict(X, pred_contrib=True, num_threads=threads))
    margin = booster.predict(X, raw_score=True, num_threads=threads)
    return _build(contribs[:, :-1], float(contribs[0, -1]), names, margin, method)


def explain_booster(booster: Any, X: pd.DataFrame, *, threads: int = 2) -> Explanation:
    """Exact TreeSHAP contributions of a native XGBoost or LightGBM binary classifier.

    Parameters
    ----------
    booster : xgboost.Booster or lightgbm.Booster
        A fitted binary model whose raw output is the log-odds of default.
    X : DataFrame of shape (n_rows, n_features)
        Prepared model input: the booster's feature columns (matched by name, extra columns
        ignored), categorical features as pandas ``category`` columns with the training
        categories.
    threads : int, default 2
        Worker threads for LightGBM.

    Returns
    -------
    Explanation
        Contributions on the margin (log-odds) with per-row additivity flags.
    """
    kind = booster_kind(booster)
    if kind == "xgboost":
        return _explain_xgboost_fast(booster, X, threads=threads)
    return _explain_lightgbm(booster, X, threads=threads)


def explain_xgboost_reference(booster: Any, X: pd.DataFrame) -> Explanation:
    """XGBoost's own ``pred_contribs`` (slow, exact): the reference the fast path is checked on."""
    if booster_kind(booster) != "xgboost":
        raise TypeError("`booster` must be an xgboost.Booster; got a LightGBM model.")
    return _explain_xgboost_native(booster, X)


def explain_linear(
    coef: np.ndarray,
    intercept: float,
    design: np.ndarray,
    groups: Sequence[str],
    *,
    design_mean: np.ndarray | None = None,
    feature_names: Sequence[str] | None = None,
    library: str = "numpy",
    version: str | None = None,
) -> Explanation:
    """Exact contributions of a logistic (linear-in-log-odds) model.

    The contribution of original feature ``j`` is ``sum_k coef_k * (x_k - mean_k)`` over
    the design columns ``k`` built from it (one-hot parts, missing indicators, splines), and
    the base value is ``intercept + coef @ mean``. With ``design_mean`` the training means,
    these are the model's exact (interventional) Shapley values under feature independence.

    Parameters
    ----------
    coef : ndarray of shape (n_design,)
        Coefficients on the design columns, log-odds per unit.
    intercept : float
        Intercept, log-odds.
    design : ndarray of shape (n_rows, n_design)
        Transformed model input.
    groups : sequence of str of length n_design
        Original feature each design column comes from.
    design_mean : ndarray of shape (n_design,), optional
        Mean of each design column over the training data; zeros when omitted (then the
        base value is the intercept).
    feature_names : sequence of str, optional
        Output order of original features; order of first appearance in ``groups`` if omitted.
    library, version : str
        Recorded in the explanation's method.
    """
    coef = np.asarray(coef, dtype=np.float64).reshape(-1)
    design = np.asarray(design, dtype=np.float64)
    if design.ndim != 2 or design.shape[1] != coef.shape[0] or len(groups) != coef.shape[0]:
        raise ValueError(
            f"`design` must have shape (n_rows, {coef.shape[0]}) and `groups` "
            f"{coef.shape[0]} entries; got {design.shape!r} and {len(groups)}."
        )
    mean = (
        np.zeros_like(coef)
        if design_mean is None
        else np.asarray(design_mean, dtype=np.float64).reshape(-1)
    )
    names = list(dict.fromkeys(groups)) if feature_names is None else list(feature_names)
    position = {name: i for i, name in enumerate(names)}
    unknown = sorted({g for g in groups if g not in position})
    if unknown:
        raise ValueError(f"`groups` must name features in `feature_names`; got unknown {unknown}.")
    owner = np.array([position[g] for g in groups], dtype=np.intp)
    parts = (design - mean) * coef
    membership = np.zeros((coef.shape[0], len(names)))
    membership[np.arange(coef.shape[0]), owner] = 1.0
    values = parts @ membership
    base = float(intercept) + float(coef @ mean)
    margin = design @ coef + float(intercept)
    method = ExplanationMethod("exact linear contributions", library, version or np.__version__)
    return _build(values, base, names, margin, method)


TREE_ALGORITHMS: tuple[str, ...] = ("xgboost", "lightgbm")


def explain(bundle: Any, frame: pd.DataFrame, *, threads: int = 2) -> Explanation:
    """Explain a model bundle's scores for ``frame`` on the margin (log-odds).

    ``bundle.prepare(frame)`` builds the model input (columns matched by name, categories
    aligned with training); the explanation then dispatches on ``bundle.algorithm``: exact
    TreeSHAP for ``"xgboost"`` and ``"lightgbm"``, exact linear contributions for
    ``"logistic"``.

    Parameters
    ----------
    bundle : model.bundle.ModelBundle
        A trained model.
    frame : DataFrame of shape (n_rows, n_columns)
        Applicants with at least the model's feature columns.
    threads : int, default 2
        Worker threads.
    """
    return explain_prepared(bundle, bundle.prepare(frame), threads=threads)


def explain_prepared(bundle: Any, X: pd.DataFrame, *, threads: int = 2) -> Explanation:
    """Like :func:`explain` on ``X = bundle.prepare(frame)`` (for callers that have it)."""
    algorithm = str(bundle.algorithm)
    if algorithm in TREE_ALGORITHMS:
        return explain_booster(bundle.estimator, X, threads=threads)
    if algorithm == "logistic":
        return _explain_logistic(bundle, X)
    raise ValueError(
        f"`bundle.algorithm` must be one of {[*TREE_ALGORITHMS, 'logistic']}; got {algorithm!r}."
    )


def _explain_logistic(bundle: Any, X: pd.DataFrame) -> Explanation:
    """Linear contributions of the logistic baseline, grouped back to original features."""
    estimator = bundle.estimator
    parts = estimator.linear_parts(X)
    return explain_linear(
        parts.coef,
        parts.intercept,
        parts.design,
        parts.groups,
        design_mean=parts.design_mean,
        feature_names=list(bundle.spec.feature_names),
        library="scikit-learn",
        version=_library_version("scikit-learn"),
    )


def importance(explanation: Explanation) -> pd.DataFrame:
    """Mean absolute contribution per feature (log-odds), largest first: ``feature, mean_abs``."""
    values = np.abs(explanation.values).mean(axis=0) if len(explanation) else np.zeros(
        len(explanation.feature_names))
    frame = pd.DataFrame({"feature": list(explanation.feature_names), "mean_abs": values})
    return frame.sort_values(["mean_abs", "feature"], ascending=[False, True], ignore_index=True)


def dependence(explanation: Explanation, X: pd.DataFrame, feature: str) -> pd.DataFrame:
    """Feature value against its contribution per row: ``value, contribution`` (log-odds)."""
    j = explanation.feature_names.index(feature)
    return pd.DataFrame({"value": X[feature].to_numpy(), "contribution": explanation.values[:, j]})


def waterfall(explanation: Explanation, row: int, *, top: int = 10) -> pd.DataFrame:
    """One applicant's path from the base value to the margin, largest contributions first.

    Returns ``feature, contribution, start, end`` (log-odds): the ``top`` features by absolute
    contribution, then ``"other features"`` pooling the rest, so the last ``end`` is the
    margin and the first ``start`` the base value.
    """
    values = explanation.values[row]
    order = np.argsort(-np.abs(values), kind="stable")
    names = [explanation.feature_names[j] for j in order[:top]]
    steps = [float(values[j]) for j in order[:top]]
    if len(order) > top:
        names.append("other features")
        steps.append(float(values[order[top:]].sum()))
    ends = explanation.base_value + np.cumsum(steps)
    starts = np.r_[explanation.base_value, ends[:-1]]
    return pd.DataFrame({"feature": names, "contribution": steps, "start": starts, "end": ends})
