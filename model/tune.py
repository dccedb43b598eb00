"""Hyperparameter search with optuna on stratified K-fold AUC of the training split only.

The budget is ``n_trials`` trials (and optionally ``timeout`` seconds); trial 0 is always the
default configuration, so tuning never returns something worse than the default on the
cross-validated AUC it optimises. The test split is never passed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import optuna
import pandas as pd

from data.spec import DatasetSpec
from model.algorithms import check_algorithm, cross_validate, default_params

TUNED: dict[str, tuple[str, ...]] = {
    "xgboost": (
        "eta",
        "max_depth",
        "min_child_weight",
        "subsample",
        "colsample_bytree",
        "lambda",
        "smoothing",
    ),
    "lightgbm": (
        "learning_rate",
        "num_leaves",
        "min_child_samples",
        "subsample",
        "colsample_bytree",
        "reg_lambda",
        "cat_smooth",
        "smoothing",
    ),
    "logistic": ("C", "n_bins"),
}


@dataclass(frozen=True)
class TuneResult:
    """Best parameters, their mean CV AUC, and every trial's ``(params, auc)``."""

    params: dict[str, Any]
    cv_auc: float
    trials: tuple[tuple[dict[str, Any], float], ...]


def suggest(algorithm: str, trial: optuna.Trial) -> dict[str, Any]:
    """Draw one configuration of ``algorithm`` from its search space."""
    params = default_params(algorithm)
    if algorithm == "xgboost":
        params.update(
            eta=trial.suggest_float("eta", 0.02, 0.15, log=True),
            max_depth=trial.suggest_int("max_depth", 2, 5),
            min_child_weight=trial.suggest_float("min_child_weight", 1.0, 100.0, log=True),
            subsample=trial.suggest_float("subsample", 0.5, 1.0),
            colsample_bytree=trial.suggest_float("colsample_bytree", 0.3, 1.0),
            **{"lambda": trial.suggest_float("lambda", 0.1, 100.0, log=True)},
            smoothing=trial.suggest_float("smoothing", 5.0, 200.0, log=True),
        )
    elif algorithm == "lightgbm":
        params.update(
            learning_rate=trial.suggest_float("learning_rate", 0.02, 0.15, log=True),
            num_leaves=trial.suggest_int("num_leaves", 4, 31),
            min_child_samples=trial.suggest_int("min_child_samples", 10, 300, log=True),
            subsample=trial.suggest_float("subsample", 0.5, 1.0),
            colsample_bytree=trial.suggest_float("colsample_bytree", 0.3, 1.0),
            reg_lambda=trial.suggest_float("reg_lambda", 0.1, 100.0, log=True),
            cat_smooth=trial.suggest_float("cat_smooth", 1.0, 100.0, log=True),
            smoothing=trial.suggest_float("smoothing", 5.0, 200.0, log=True),
        )
    else:
        params.update(
            C=trial.suggest_float("C", 1e-3, 10.0, log=True),
            n_bins=trial.suggest_int("n_bins", 4, 20),
        )
    return params


def tune(
    algorithm: str,
    X: pd.DataFrame,
    y: np.ndarray,
    spec: DatasetSpec,
    *,
    n_trials: int,
    n_folds: int = 5,
    random_state: int = 0,
    timeout: float | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> TuneResult:
    """Search ``n_trials`` configurations; return the best by mean stratified CV AUC.

    Parameters
    ----------
    X, y : training split only (cast features; 1 = bad).
    progress : callable, optional
        Called after each trial with (trials done, best AUC so far).
    """
    check_algorithm(algorithm)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=random_state)
    study = optuna.create_study(direction="maximize", sampler=sampler)
    defaults = default_params(algorithm)
    study.enqueue_trial({k: defaults[k] for k in TUNED[algorithm]})
    configs: dict[int, dict[str, Any]] = {}

    def objective(trial: optuna.Trial) -> float:
        params = suggest(algorithm, trial)
        configs[trial.number] = params
        result = cross_validate(
            algorithm, X, y, spec, params, n_folds=n_folds, random_state=random_state
        )
        return result.auc_mean

    def callback(study_: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        if progress is not None:
            progress(trial.number + 1, float(study_.best_value))

    study.optimize(objective, n_trials=n_trials, timeout=timeout, callbacks=[callback])
    trials = tuple(
        (configs[t.number], float(t.value))
        for t in study.trials
        if t.value is not None and t.number in configs
    )
    best = study.best_trial
    return TuneResult(params=configs[best.number], cv_auc=float(best.value), trials=trials)
