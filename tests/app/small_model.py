"""A small trained model in a temporary registry, shared by the app and browser tests."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from data.dataset import Dataset
from data.spec import load_spec
from data.synthetic import generate_sme

ROWS = 2_000
SEED = 0
SMALL_PARAMS = {"num_boost_round": 40, "max_depth": 3}


@dataclass(frozen=True)
class LendscopeEnv:
    """Folders of one test session and the id of the small champion model trained into it."""

    root: Path
    registry_dir: Path
    data_dir: Path
    runs_dir: Path
    model_id: str

    def variables(self) -> dict[str, str]:
        """``LENDSCOPE_*`` environment variables pointing the app at these folders."""
        return {
            "LENDSCOPE_REGISTRY_DIR": str(self.registry_dir),
            "LENDSCOPE_DATA_DIR": str(self.data_dir),
            "LENDSCOPE_RUNS_DIR": str(self.runs_dir),
            "LENDSCOPE_SYNTHETIC_ROWS": str(ROWS),
            "LENDSCOPE_SYNTHETIC_SEED": str(SEED),
        }

    def apply(self) -> None:
        """Set the variables in this process (AppTest runs the app in-process)."""
        os.environ.update(self.variables())


def small_dataset(rows: int = ROWS, seed: int = SEED) -> Dataset:
    """A few thousand synthetic applicants with the built-in spec."""
    return Dataset(frame=generate_sme(rows, random_state=seed), spec=load_spec("synthetic_sme"))


def train_small(registry_dir: Path, *, seed: int = SEED, promote: bool = True) -> str:
    """Train a small XGBoost model (few shallow trees, no tuning), register it; its id."""
    from model.registry import Registry
    from model.train import TrainConfig, train_model

    config = TrainConfig(algorithm="xgboost", cv_folds=2, shap_rows=400, seed=seed,
                         params=SMALL_PARAMS)
    bundle = train_model(small_dataset(seed=seed), config)
    registry = Registry(registry_dir)
    registry.save(bundle)
    if promote:
        registry.promote(bundle.model_id)
    return bundle.model_id


def build_env(root: Path) -> LendscopeEnv:
    """Temporary folders with one small champion model."""
    registry_dir, data_dir, runs_dir = root / "registry", root / "data", root / "runs"
    for folder in (registry_dir, data_dir, runs_dir):
        folder.mkdir(parents=True, exist_ok=True)
    model_id = train_small(registry_dir)
    return LendscopeEnv(root=root, registry_dir=registry_dir, data_dir=data_dir,
                        runs_dir=runs_dir, model_id=model_id)


_BUILT: dict[str, LendscopeEnv] = {}


def shared_env(factory: object) -> LendscopeEnv:
    """One small-model environment per test process, shared by the app and browser suites.

    ``factory`` is pytest's ``tmp_path_factory``.
    """
    if "env" not in _BUILT:
        _BUILT["env"] = build_env(factory.mktemp("lendscope"))  # type: ignore[attr-defined]
    return _BUILT["env"]
