"""Training: guards, split, model choice, tuning, out-of-fold calibration, evaluation.

``train_model`` is the one entry point (the app and ``python -m model train`` call it):

1. cast the spec's features; drop constant and leaky features (:mod:`model.guards`);
2. split off a stratified, seeded test set (``test_size``) that nothing below touches
   until the evaluation;
3. with ``algorithm="auto"``, cross-validate each algorithm with its defaults and keep the
   best mean AUC; with ``tune_trials > 0``, search hyperparameters (:mod:`model.tune`);
4. cross-validate the final configuration: out-of-fold margins give the CV AUC and fit the
   calibrator, and the median early-stopped rounds fix the final model's size;
5. fit the final model on the whole training split, score the test split, evaluate, and
   profile the training data for drift checks.
"""

from __future__ import annotations

import hashlib
import math
import platform
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import lightgbm
import numpy as np
import pandas as pd
import sklearn
import xgboost
from sklearn.model_selection import train_test_split

from data.dataset import Dataset
from data.errors import LendscopeError
from data.spec import DatasetSpec
from model.algorithms import (
    ALGORITHMS,
    check_algorithm,
    cross_validate,
    default_params,
    fit_learner,
)
from model.bundle import ModelBundle, spec_to_mapping
from model.calibration import CALIBRATION_METHODS, make_calibrator
from model.evaluation import evaluate
from model.features import cast_features, profile_features, score_profile
from model.guards import run_guards
from model.holdout import build_holdout
from model.scale import ScoreScale
from model.shap_sample import attach_shap_sample
from model.tune import tune

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class TrainConfig:
    """How to train.

    Parameters
    ----------
    algorithm : {"xgboost", "lightgbm", "logistic", "auto"}
        ``auto`` picks the best mean CV AUC among the three with default parameters.
    tune_trials : int
        Optuna trials on the training split's CV AUC (0 = default parameters).
    seed : int
        Seeds the split, folds, learners and tuning.
    test_size : float
        Held-out share, fraction in (0, 1).
    cv_folds : int
        Stratified folds for CV AUC, tuning and out-of-fold calibration.
    allow_leaky_features : bool
        Keep features whose single-feature AUC exceeds ``leak_threshold``.
    leak_threshold : float
        Single-feature AUC above which a feature is treated as a leak.
    calibration : {"platt", "isotonic"}
    params : Mapping or None
        Hyperparameters overriding the algorithm's defaults.
    scale : ScoreScale
    shap_rows : int
        Holdout rows explained and stored as the SHAP sample.
    tune_timeout : float or None
        Seconds after which tuning stops even if trials remain.
    """

    algorithm: str = "xgboost"
    tune_trials: int = 0
    seed: int = 0
    test_size: float = 0.25
    cv_folds: int = 5
    allow_leaky_features: bool = False
    leak_threshold: float = 0.95
    calibration: str = "platt"
    params: Mapping[str, Any] | None = None
    scale: ScoreScale = field(default_factory=ScoreScale)
    shap_rows: int = 2_000
    tune_timeout: float | None = None

    def __post_init__(self) -> None:
        if self.algorithm != "auto":
            check_algorithm(self.algorithm)
        if not 0.0 < self.test_size < 1.0:
            raise LendscopeError(
                f"`test_size` must be a fraction in (0, 1); got {self.test_size!r}."
            )
        if self.cv_folds < 2:
            raise LendscopeError(f"`cv_folds` must be at least 2; got {self.cv_folds!r}.")
        if self.tune_trials < 0:
            raise LendscopeError(f"`tune_trials` must be 0 or more; got {self.tune_trials!r}.")
        if self.calibration not in CALIBRATION_METHODS:
            raise LendscopeError(
                f"`calibration` must be one of {list(CALIBRATION_METHODS)}; "
                f"got {self.calibration!r}."
            )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "algorithm": self.algorithm,
            "tune_trials": self.tune_trials,
            "seed": self.seed,
            "test_size": self.test_size,
            "cv_folds": self.cv_folds,
            "allow_leaky_features": self.allow_leaky_features,
            "leak_threshold": self.leak_threshold,
            "calibration": self.calibration,
            "params": None if self.params is None else dict(self.params),
            "scale": self.scale.to_dict(),
            "shap_rows": self.shap_rows,
            "tune_timeout": self.tune_timeout,
        }


def check_target(y: np.ndarray, name: str) -> None:
    """Refuse a target that cannot train a model: one class or too few of either."""
    counts = np.bincount(np.asarray(y, dtype=np.int64), minlength=2)
    if counts.min() < 10:
        raise LendscopeError(
            f"Target '{name}' must have at least 10 goods and 10 bads to train and test a "
            f"model; got {int(counts[0])} goods and {int(counts[1])} bads. "
            "Bring more labelled rows."
        )


def dataset_fingerprint(frame: pd.DataFrame) -> str:
    """sha256 of the frame's values and column names (row order matters, index ignored)."""
    digest = hashlib.sha256()
    digest.update("\x1f".join(map(str, frame.columns)).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """Versions of the libraries a model file depends on."""
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scikit-learn": sklearn.__version__,
        "xgboost": xgboost.__version__,
        "lightgbm": lightgbm.__version__,
    }


def new_model_id(dataset: str, algorithm: str, created: datetime) -> str:
    """``<dataset>-<algorithm>-<UTC time>-<4 hex>``, safe as a folder name."""
    safe = "".join(c if c.isalnum() or c in "_-" else "_" for c in dataset)[:40] or "dataset"
    return f"{safe}-{algorithm}-{created:%Y%m%dT%H%M%S}-{secrets.token_hex(2)}"


def train_model(
    dataset: Dataset, config: TrainConfig, *, progress: Progress | None = None
) -> ModelBundle:
    """Train, calibrate and evaluate a model on ``dataset``.

    Parameters
    ----------
    dataset : Dataset
        Labelled data; ``dataset.y`` is 1 for bad.
    config : TrainConfig
    progress : callable, optional
        Called with (fraction done in [0, 1], message).

    Returns
    -------
    ModelBundle
        Not yet saved: ``metadata`` holds training facts, without file hashes.
    """
    report = progress or (lambda _f, _m: None)
    started = time.perf_counter()
    created = datetime.now(UTC).replace(microsecond=0)
    spec = dataset.spec
    report(0.0, "Checking the data")
    y_all = dataset.y.astype(np.int64)
    check_target(y_all, spec.target)
    X_all = cast_features(dataset.frame, spec)

    idx_train, idx_test = train_test_split(
        np.arange(len(y_all)), test_size=config.test_size, stratify=y_all, random_state=config.seed
    )
    check_target(y_all[idx_test], spec.target)
    y_tr, y_te = y_all[idx_train], y_all[idx_test]

    guards = run_guards(
        X_all.iloc[idx_train],
        y_tr,
        spec,
        threshold=config.leak_threshold,
        allow_leaky=config.allow_leaky_features,
        random_state=config.seed,
    )
    if not guards.kept:
        raise LendscopeError(
            f"No usable feature is left after dropping constant {list(guards.constant)} and "
            f"leaky {[n for n, _ in guards.leaky]} columns; add informative columns or pass "
            "`--allow-leaky` if the flagged columns are known before the decision."
        )
    spec = spec.with_features(spec.feature(n) for n in guards.kept)
    X_tr = X_all.iloc[idx_train][list(guards.kept)]
    X_te = X_all.iloc[idx_test][list(guards.kept)]

    algorithm, selection = _choose_algorithm(config, X_tr, y_tr, spec, report)
    params = default_params(algorithm)
    if config.params:
        params.update(config.params)
    tuning: dict[str, Any] | None = None
    if config.tune_trials > 0:
        report(0.3, f"Tuning {algorithm}: {config.tune_trials} trials")
        result = tune(
            algorithm,
            X_tr,
            y_tr,
            spec,
            n_trials=config.tune_trials,
            n_folds=config.cv_folds,
            random_state=config.seed,
            timeout=config.tune_timeout,
            progress=lambda k, best: report(
                0.3 + 0.4 * k / config.tune_trials,
                f"Trial {k}/{config.tune_trials}: best AUC {best:.4f}",
            ),
        )
        params = result.params
        tuning = {"trials": len(result.trials), "best_cv_auc": result.cv_auc}

    report(0.7, f"Cross-validating {algorithm} ({config.cv_folds} folds)")
    cv = cross_validate(
        algorithm, X_tr, y_tr, spec, params, n_folds=config.cv_folds, random_state=config.seed
    )
    report(0.8, "Fitting the final model")
    learner = fit_learner(
        algorithm, X_tr, y_tr, spec, params, n_rounds=cv.rounds, random_state=config.seed
    )
    calibrator = make_calibrator(config.calibration).fit(cv.oof_margin, y_tr)

    scale = config.scale
    margin_te = learner.margin(X_te)
    pd_te = np.asarray(calibrator.predict(margin_te), dtype=np.float64)
    points_te = scale.points(pd_te)
    frame_te = dataset.frame.iloc[idx_test]
    evaluation = evaluate(
        y_te,
        pd_te,
        points_te,
        scale,
        segments=frame_te[[c for c in spec.segments if c in frame_te.columns]],
        cv_auc_mean=cv.auc_mean,
        cv_auc_std=cv.auc_std,
    )
    holdout = build_holdout(
        dataset, spec, idx_test, margin_te, pd_te, points_te, scale.band(points_te), y_te
    )

    schema = profile_features(X_tr, spec)
    train_points = scale.points(calibrator.predict(cv.oof_margin))
    schema = type(schema)(features=schema.features, score=score_profile(train_points))

    model_id = new_model_id(spec.name, algorithm, created)
    metadata = {
        "model_id": model_id,
        "created_utc": created.isoformat().replace("+00:00", "Z"),
        "algorithm": algorithm,
        "dataset": {
            "name": spec.name,
            "fingerprint_sha256": dataset_fingerprint(dataset.frame),
            "rows": int(len(y_all)),
            "bad_rate": float(y_all.mean()),
        },
        "spec": spec_to_mapping(spec),
        "original_features": list(dataset.spec.feature_names),
        "guards": guards.to_dict(),
        "config": config.to_dict(),
        "params": _jsonable(params),
        "n_rounds": learner.n_rounds,
        "selection": selection,
        "tuning": tuning,
        "cv": {
            "folds": len(cv.fold_auc),
            "auc": list(cv.fold_auc),
            "auc_mean": cv.auc_mean,
            "auc_std": cv.auc_std,
        },
        "calibration": {"method": config.calibration, **calibrator.to_dict()},
        "encoder": None
        if learner.encoder is None
        else {
            "native": sorted(learner.encoder.native_),
            "target_encoded": sorted(learner.encoder.target_),
        },
        "split": {
            "rows_train": int(len(idx_train)),
            "rows_test": int(len(idx_test)),
            "test_size": config.test_size,
            "seed": config.seed,
        },
        "metrics": {k: _jsonable(v) for k, v in evaluation.scalars().items()},
        "scale": scale.to_dict(),
        "schema": schema.to_dict(),
        "versions": library_versions(),
    }
    bundle = ModelBundle(
        model_id=model_id,
        algorithm=algorithm,
        spec=spec,
        schema=schema,
        estimator=learner.estimator,
        encoder=learner.encoder,
        calibrator=calibrator,
        scale=scale,
        metadata=metadata,
        holdout=holdout,
        evaluation=evaluation,
    )
    report(0.9, "Explaining a holdout sample")
    bundle = attach_shap_sample(bundle, rows=config.shap_rows, random_state=config.seed)
    seconds = time.perf_counter() - started
    metadata["train_seconds"] = round(seconds, 3)
    report(1.0, f"Trained {model_id} in {seconds:.1f} s")
    return bundle


def _choose_algorithm(
    config: TrainConfig, X: pd.DataFrame, y: np.ndarray, spec: DatasetSpec, report: Progress
) -> tuple[str, dict[str, Any] | None]:
    if config.algorithm != "auto":
        return config.algorithm, None
    scores: dict[str, float] = {}
    for k, name in enumerate(ALGORITHMS):
        report(0.05 + 0.25 * k / len(ALGORITHMS), f"Comparing algorithms: {name}")
        params = default_params(name)
        scores[name] = cross_validate(
            name, X, y, spec, params, n_folds=config.cv_folds, random_state=config.seed
        ).auc_mean
    best = max(scores, key=lambda n: scores[n])
    reason = (
        f"{best} had the highest mean {config.cv_folds}-fold CV AUC on the training split "
        f"with default parameters ({scores[best]:.4f}; "
        + ", ".join(f"{n} {s:.4f}" for n, s in scores.items() if n != best)
        + ")."
    )
    return best, {"cv_auc": scores, "chosen": best, "reason": reason}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
