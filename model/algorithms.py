"""The three learners behind one interface: fit on cast features, return log-odds margins.

* ``xgboost`` and ``lightgbm``: gradient-boosted trees on :class:`model.encoding.TreeEncoder`
  output (native categoricals, out-of-fold target encoding for many levels, NaN as missing),
  monotone constraints from the spec, early stopping on an inner stratified split when the
  number of rounds is not given.
* ``logistic``: :class:`model.logistic.WoeLogistic`, the scorecard baseline.

``cross_validate`` gives out-of-fold margins on stratified folds (everything, encoders
included, is refitted inside each fold), which serve both model selection and calibration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, train_test_split

from data.errors import LendscopeError
from data.spec import DatasetSpec
from model.encoding import TreeEncoder
from model.logistic import WoeLogistic

ALGORITHMS: tuple[str, ...] = ("xgboost", "lightgbm", "logistic")
# One thread per fit: on a shared two-core machine, OpenMP's spinning barriers made two-thread
# XGBoost fits up to ten times slower than one thread whenever other processes were busy.
NTHREAD = 1
EARLY_STOPPING_ROUNDS = 40
INNER_VALID_SHARE = 0.15

ENCODER_DEFAULTS: dict[str, Any] = {
    "max_native_levels": 32,
    "min_level_count": 30,
    "smoothing": 30.0,
}

DEFAULT_PARAMS: dict[str, dict[str, Any]] = {
    "xgboost": {
        "eta": 0.1,
        "max_depth": 3,
        "min_child_weight": 10.0,
        "subsample": 0.8,
        "colsample_bytree": 0.6,
        "lambda": 10.0,
        "alpha": 0.0,
        "gamma": 0.0,
        "max_cat_to_onehot": 4,
        "max_cat_threshold": 16,
        "num_boost_round": 250,
        **ENCODER_DEFAULTS,
    },
    "lightgbm": {
        "learning_rate": 0.05,
        "num_leaves": 15,
        "max_depth": 5,
        "min_child_samples": 50,
        "subsample": 0.8,
        "colsample_bytree": 0.6,
        "reg_lambda": 10.0,
        "cat_smooth": 20.0,
        "min_data_per_group": 50,
        "num_boost_round": 300,
        **ENCODER_DEFAULTS,
    },
    "logistic": {"C": 0.1, "n_bins": 10, "min_level_count": 30},
}
ENCODER_KEYS = tuple(ENCODER_DEFAULTS)


def check_algorithm(name: str) -> str:
    """``name`` if it is a known algorithm, else a :class:`LendscopeError`."""
    if name not in ALGORITHMS:
        raise LendscopeError(f"`algorithm` must be one of {list(ALGORITHMS)}; got {name!r}.")
    return name


def default_params(algorithm: str) -> dict[str, Any]:
    """A copy of the default hyperparameters of ``algorithm``."""
    return dict(DEFAULT_PARAMS[check_algorithm(algorithm)])


@dataclass(frozen=True)
class FittedLearner:
    """A fitted encoder (trees only) and estimator; ``n_rounds`` is the number of trees kept."""

    algorithm: str
    encoder: TreeEncoder | None
    estimator: Any
    n_rounds: int | None

    def encode(self, X: pd.DataFrame) -> pd.DataFrame:
        """Model-ready frame from cast features (trees: encoded; logistic: unchanged)."""
        return X if self.encoder is None else self.encoder.transform(X)

    def margin_encoded(self, Xe: pd.DataFrame) -> np.ndarray:
        """Margin of shape (n_samples,) from a model-ready frame."""
        return native_margin(self.algorithm, self.estimator, Xe)

    def margin(self, X: pd.DataFrame) -> np.ndarray:
        """Margin (bad-class log-odds) of shape (n_samples,) from cast features."""
        return self.margin_encoded(self.encode(X))


def native_margin(algorithm: str, estimator: Any, Xe: pd.DataFrame) -> np.ndarray:
    """Raw log-odds from a fitted native model on model-ready input."""
    if algorithm == "xgboost":
        # In-place prediction skips the DMatrix copy; the margins are the same, and the
        # categorical columns carry the training level list in training order.
        return np.asarray(estimator.inplace_predict(Xe, predict_type="margin"), dtype=np.float64)
    if algorithm == "lightgbm":
        return np.asarray(
            estimator.predict(Xe, raw_score=True, num_threads=NTHREAD), dtype=np.float64
        )
    return np.asarray(estimator.decision_function(Xe), dtype=np.float64)


def _monotone(spec: DatasetSpec, columns: tuple[str, ...], encoder: TreeEncoder) -> list[int]:
    numeric = set(spec.numeric_features)
    return [
        spec.feature(c).monotone if c in numeric and c not in encoder.target_ else 0
        for c in columns
    ]


def _xgb_params(params: Mapping[str, Any], monotone: list[int], seed: int) -> dict[str, Any]:
    skip = {"num_boost_round", *ENCODER_KEYS}
    out = {k: v for k, v in params.items() if k not in skip}
    out.update(
        objective="binary:logistic",
        eval_metric="logloss",
        tree_method="hist",
        nthread=NTHREAD,
        seed=seed,
        verbosity=0,
    )
    if any(monotone):
        out["monotone_constraints"] = "(" + ",".join(str(m) for m in monotone) + ")"
    return out


def _lgb_params(params: Mapping[str, Any], monotone: list[int], seed: int) -> dict[str, Any]:
    skip = {"num_boost_round", *ENCODER_KEYS}
    out = {k: v for k, v in params.items() if k not in skip}
    out.update(
        objective="binary",
        metric="binary_logloss",
        subsample_freq=1,
        num_threads=NTHREAD,
        seed=seed,
        deterministic=True,
        force_col_wise=True,
        verbosity=-1,
    )
    if any(monotone):
        out["monotone_constraints"] = monotone
    return out


def _fit_trees(
    algorithm: str,
    Xe: pd.DataFrame,
    y: np.ndarray,
    params: Mapping[str, Any],
    monotone: list[int],
    n_rounds: int | None,
    seed: int,
) -> tuple[Any, int]:
    max_rounds = int(params.get("num_boost_round", 300))
    if n_rounds is None and min(np.bincount(y, minlength=2)) >= 10:
        fit_idx, val_idx = train_test_split(
            np.arange(len(y)), test_size=INNER_VALID_SHARE, stratify=y, random_state=seed
        )
    else:
        fit_idx, val_idx = np.arange(len(y)), None
    rounds = max_rounds if n_rounds is None else int(n_rounds)
    if algorithm == "xgboost":
        p = _xgb_params(params, monotone, seed)
        dfit = xgb.DMatrix(
            Xe.iloc[fit_idx], label=y[fit_idx], enable_categorical=True, nthread=NTHREAD
        )
        if val_idx is None:
            return xgb.train(p, dfit, num_boost_round=rounds), rounds
        dval = xgb.DMatrix(
            Xe.iloc[val_idx], label=y[val_idx], enable_categorical=True, nthread=NTHREAD
        )
        booster = xgb.train(
            p,
            dfit,
            num_boost_round=rounds,
            evals=[(dval, "valid")],
            early_stopping_rounds=EARLY_STOPPING_ROUNDS,
            verbose_eval=False,
        )
        best = int(booster.best_iteration) + 1
        return booster[:best], best
    p = _lgb_params(params, monotone, seed)
    categorical = [c for c in Xe.columns if isinstance(Xe[c].dtype, pd.CategoricalDtype)]
    dfit = lgb.Dataset(
        Xe.iloc[fit_idx],
        label=y[fit_idx],
        categorical_feature=categorical or "auto",
        free_raw_data=False,
    )
    if val_idx is None:
        return lgb.train(p, dfit, num_boost_round=rounds), rounds
    dval = lgb.Dataset(Xe.iloc[val_idx], label=y[val_idx], reference=dfit)
    booster = lgb.train(
        p,
        dfit,
        num_boost_round=rounds,
        valid_sets=[dval],
        callbacks=[lgb.early_stopping(EARLY_STOPPING_ROUNDS, verbose=False)],
    )
    best = int(booster.best_iteration) or rounds
    return lgb.Booster(model_str=booster.model_to_string(num_iteration=best)), best


def fit_learner(
    algorithm: str,
    X: pd.DataFrame,
    y: np.ndarray,
    spec: DatasetSpec,
    params: Mapping[str, Any],
    *,
    n_rounds: int | None = None,
    random_state: int = 0,
) -> FittedLearner:
    """Fit ``algorithm`` on cast features ``X`` of shape (n_samples, n_features) and ``y``.

    Trees: with ``n_rounds`` None, 15% of the rows (stratified) are held back for early
    stopping and the best number of rounds is kept; otherwise exactly ``n_rounds`` trees are
    grown on all rows.
    """
    check_algorithm(algorithm)
    y = np.asarray(y, dtype=np.int64)
    if algorithm == "logistic":
        model = WoeLogistic(
            numeric=spec.numeric_features,
            categorical=spec.categorical_features,
            n_bins=int(params.get("n_bins", 10)),
            min_level_count=int(params.get("min_level_count", 30)),
            C=float(params.get("C", 0.1)),
        ).fit(X, y)
        return FittedLearner(algorithm, None, model, None)
    encoder = TreeEncoder(
        numeric=spec.numeric_features,
        categorical=spec.categorical_features,
        max_native_levels=int(params.get("max_native_levels", 32)),
        min_level_count=int(params.get("min_level_count", 30)),
        smoothing=float(params.get("smoothing", 30.0)),
        random_state=random_state,
    )
    Xe = encoder.fit_transform(X, y)
    monotone = _monotone(spec, tuple(Xe.columns), encoder)
    estimator, rounds = _fit_trees(algorithm, Xe, y, params, monotone, n_rounds, random_state)
    return FittedLearner(algorithm, encoder, estimator, rounds)


@dataclass(frozen=True)
class CVResult:
    """Out-of-fold margins of shape (n_samples,), AUC and kept rounds per fold."""

    oof_margin: np.ndarray
    fold_auc: tuple[float, ...]
    fold_rounds: tuple[int | None, ...]

    @property
    def auc_mean(self) -> float:
        """Mean fold AUC."""
        return float(np.mean(self.fold_auc))

    @property
    def auc_std(self) -> float:
        """Standard deviation of fold AUCs."""
        return float(np.std(self.fold_auc))

    @property
    def rounds(self) -> int | None:
        """Median kept rounds over folds (None for the logistic baseline)."""
        kept = [r for r in self.fold_rounds if r is not None]
        return int(np.median(kept)) if kept else None


def cross_validate(
    algorithm: str,
    X: pd.DataFrame,
    y: np.ndarray,
    spec: DatasetSpec,
    params: Mapping[str, Any],
    *,
    n_folds: int = 5,
    random_state: int = 0,
) -> CVResult:
    """Stratified ``n_folds``-fold cross-validation refitting everything inside each fold."""
    y = np.asarray(y, dtype=np.int64)
    n_folds = int(min(n_folds, np.bincount(y, minlength=2).min()))
    if n_folds < 2:
        raise LendscopeError(
            "Cross-validation needs at least 2 bads and 2 goods in the training split; "
            "bring more labelled rows."
        )
    folds = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=random_state)
    oof = np.zeros(len(y), dtype=np.float64)
    aucs: list[float] = []
    rounds: list[int | None] = []
    for fit_idx, val_idx in folds.split(np.zeros(len(y)), y):
        learner = fit_learner(
            algorithm, X.iloc[fit_idx], y[fit_idx], spec, params, random_state=random_state
        )
        oof[val_idx] = learner.margin(X.iloc[val_idx])
        aucs.append(float(roc_auc_score(y[val_idx], oof[val_idx])))
        rounds.append(learner.n_rounds)
    return CVResult(oof_margin=oof, fold_auc=tuple(aucs), fold_rounds=tuple(rounds))
