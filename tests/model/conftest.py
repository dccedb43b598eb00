"""Shared fixtures for the modelling tests: a tiny labelled dataset and trained bundles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.dataset import Dataset
from data.spec import DatasetSpec, spec_from_mapping


def toy_frame(n: int = 600, seed: int = 0) -> pd.DataFrame:
    """``n`` applicants whose PD rises with ``x1``, falls with ``x2`` and depends on ``city``."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = rng.normal(size=n)
    city = rng.choice([f"c{i:02d}" for i in range(50)], size=n)
    city_effect = (pd.Series(city).str[-1].astype(int).to_numpy() % 3) * 0.4
    seg = rng.choice(["north", "south"], size=n)
    margin = -1.2 + 1.0 * x1 - 0.6 * x2 + city_effect + (seg == "north") * 0.3
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-margin))).astype(int)
    return pd.DataFrame(
        {
            "app_id": [f"A{i:04d}" for i in range(n)],
            "x1": x1,
            "x2": np.where(rng.random(n) < 0.1, np.nan, x2),
            "city": city,
            "seg": seg,
            "sex": rng.choice(["F", "M"], size=n),
            "amt": rng.uniform(100.0, 1000.0, size=n).round(2),
            "bureau": rng.integers(300, 900, size=n),
            "y": y,
        }
    )


def toy_spec(**overrides: object) -> DatasetSpec:
    raw = {
        "name": "toy",
        "target": "y",
        "bad_label": 1,
        "id_column": "app_id",
        "amount_column": "amt",
        "features": [
            {"name": "x1", "kind": "numeric", "monotone": 1},
            {"name": "x2", "kind": "numeric"},
            {"name": "city", "kind": "categorical"},
            {"name": "seg", "kind": "categorical"},
        ],
        "segments": ["seg"],
        "protected": ["sex"],
        "baseline": {"label": "bureau >= 600", "column": "bureau", "min_value": 600},
    }
    raw.update(overrides)
    return spec_from_mapping(raw)


@pytest.fixture(scope="session")
def toy_dataset() -> Dataset:
    return Dataset(frame=toy_frame(), spec=toy_spec())


@pytest.fixture(scope="session")
def trained(toy_dataset: Dataset) -> dict:
    """One bundle per algorithm, trained once per session with small settings."""
    from model.train import TrainConfig, train_model

    return {
        algorithm: train_model(
            toy_dataset, TrainConfig(algorithm=algorithm, cv_folds=3, shap_rows=100)
        )
        for algorithm in ("xgboost", "lightgbm", "logistic")
    }
