"""Training on the real PAKDD 2010 modelling file (skipped when the data is absent)."""

import numpy as np
import pytest

from config import load_settings


@pytest.fixture(scope="module")
def pakdd(pakdd_dir):
    from data.dataset import load_dataset

    return load_dataset("pakdd2010", data_dir=load_settings().data_dir, pakdd_dir=pakdd_dir)


@pytest.mark.slow
def test_default_model_on_pakdd(pakdd):
    from model.train import TrainConfig, train_model

    bundle = train_model(pakdd, TrainConfig(shap_rows=200))
    ev = bundle.evaluation
    assert 0.60 < ev.auc < 0.70
    assert ev.ece < 0.03
    assert abs(bundle.holdout["pd"].mean() - bundle.holdout["outcome"].mean()) < 0.02
    target_encoded = set(bundle.encoder.target_)
    assert {"RESIDENCIAL_CITY", "RESIDENCIAL_BOROUGH", "CITY_OF_BIRTH"} <= target_encoded
    assert not set(bundle.spec.feature_names) & {"SEX", "AGE", "MARITAL_STATUS"}
    assert {"SEX", "AGE", "MARITAL_STATUS", "PRODUCT"} <= set(bundle.holdout.columns)
    assert len(bundle.holdout) == 12_500
    # unseen cities in a later batch score without error
    rows = bundle.holdout.head(5).assign(RESIDENCIAL_CITY="Nowhere City")
    assert np.isfinite(bundle.predict_pd(rows)).all()
