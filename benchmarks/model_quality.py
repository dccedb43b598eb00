"""Model quality benchmark: PAKDD 2010 CV AUC, synthetic AUC against the oracle, calibration,
and the time to train the default model as ``make run`` does.

Run ``python -m benchmarks.model_quality``; progress goes to stderr and the last stdout line is
one JSON object:

* ``pakdd2010_cv_auc``: 5-fold stratified CV AUC (seed 0) of the default configuration on the
  PAKDD 2010 modelling file with the spec's features (protected attributes excluded), next to
  ``pakdd2010_logistic_cv_auc`` (the WoE logistic baseline) and, as an anchor comparable to
  published results that used them, ``pakdd2010_cv_auc_with_age_marital`` (same
  configuration with AGE and MARITAL_STATUS added as features);
* ``synthetic_test_auc``, ``synthetic_oracle_auc`` (true PD on the same test rows) and their
  ratio, ``synthetic_test_ece``; ``pakdd2010_test_auc`` and ``pakdd2010_test_ece`` from the
  default ``train_model`` on each dataset (25% stratified test split, seed 0);
* ``default_train_seconds``: wall time of ``python -m model train --dataset synthetic_sme`` in a
  fresh process with the dataset already generated (imports, training, saving included).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace

import numpy as np

from config import PROJECT_ROOT, load_settings
from data.dataset import load_dataset
from data.spec import FeatureSpec
from model.algorithms import cross_validate, default_params
from model.features import cast_features
from model.metrics import auc
from model.train import TrainConfig, train_model


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def pakdd_cv(dataset, algorithm: str, *, with_age: bool = False) -> tuple[float, float]:
    spec = dataset.spec
    if with_age:
        extra = (
            FeatureSpec("AGE", "numeric", "Age in years"),
            FeatureSpec("MARITAL_STATUS", "categorical", "Marital status"),
        )
        spec = replace(
            spec,
            features=spec.features + extra,
            protected=tuple(p for p in spec.protected if p not in {"AGE", "MARITAL_STATUS"}),
        )
    X = cast_features(dataset.frame, spec)
    result = cross_validate(
        algorithm,
        X,
        dataset.y.astype(np.int64),
        spec,
        default_params(algorithm),
        n_folds=5,
        random_state=0,
    )
    return result.auc_mean, result.auc_std


def main() -> int:
    settings = load_settings()
    out: dict[str, object] = {}
    config = TrainConfig()

    log("PAKDD 2010: loading")
    pakdd = load_dataset("pakdd2010", data_dir=settings.data_dir, pakdd_dir=settings.pakdd_dir)
    for key, algorithm, with_age in (
        ("pakdd2010_cv_auc", config.algorithm, False),
        ("pakdd2010_logistic_cv_auc", "logistic", False),
        ("pakdd2010_cv_auc_with_age_marital", config.algorithm, True),
    ):
        started = time.perf_counter()
        mean, std = pakdd_cv(pakdd, algorithm, with_age=with_age)
        out[key] = round(mean, 4)
        out[f"{key}_std"] = round(std, 4)
        log(f"{key}: {mean:.4f} ± {std:.4f} ({time.perf_counter() - started:.0f} s)")
    bundle = train_model(pakdd, config)
    out["pakdd2010_test_auc"] = round(bundle.evaluation.auc, 4)
    out["pakdd2010_test_ece"] = round(bundle.evaluation.ece, 4)
    log(
        f"PAKDD default model: test AUC {bundle.evaluation.auc:.4f}, "
        f"ECE {bundle.evaluation.ece:.4f}"
    )

    log("synthetic_sme: default model")
    synthetic = load_dataset(
        "synthetic_sme",
        data_dir=settings.data_dir,
        pakdd_dir=settings.pakdd_dir,
        synthetic_rows=settings.synthetic_rows,
        synthetic_seed=settings.synthetic_seed,
    )
    bundle = train_model(synthetic, config)
    oracle = synthetic.frame.set_index(synthetic.ids.to_numpy())[synthetic.spec.oracle_column]
    test = bundle.holdout
    oracle_auc = auc(test["outcome"], oracle.loc[test["id"].to_numpy()].to_numpy())
    out["synthetic_test_auc"] = round(bundle.evaluation.auc, 4)
    out["synthetic_oracle_auc"] = round(oracle_auc, 4)
    out["synthetic_auc_ratio"] = round(bundle.evaluation.auc / oracle_auc, 4)
    out["synthetic_test_ece"] = round(bundle.evaluation.ece, 4)
    log(f"synthetic: AUC {bundle.evaluation.auc:.4f} vs oracle {oracle_auc:.4f}")

    log("default training as make run does it (fresh process, temporary registry)")
    with tempfile.TemporaryDirectory() as registry:
        started = time.perf_counter()
        done = subprocess.run(  # noqa: S603 - fixed interpreter and arguments
            [sys.executable, "-m", "model", "train", "--dataset", "synthetic_sme"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
            env={**_environment(), "LENDSCOPE_REGISTRY_DIR": registry},
        )
        out["default_train_seconds"] = round(time.perf_counter() - started, 1)
        line = json.loads(done.stdout.strip().splitlines()[-1])
        out["default_train_seconds_in_process"] = line["train_seconds"]
    log(f"default training: {out['default_train_seconds']} s")
    print(json.dumps(out))
    return 0


def _environment() -> dict[str, str]:
    return dict(os.environ)


if __name__ == "__main__":
    sys.exit(main())
