"""Tests for model/drift.py: PSI, bands, and drift of whole batches against a trained model."""

from __future__ import annotations

import math

import numpy as np
import pytest

from model.drift import (
    MISSING_BIN,
    OTHER_BIN,
    SCORE_NAME,
    DriftAccumulator,
    drift_report,
    psi,
    psi_band,
)
from model.features import cast_features, profile_features
from tests.model.conftest import toy_frame, toy_spec


def test_psi_by_hand():
    a = np.array([75.5, 25.5]) / 101.0
    expected = (a[0] - 0.5) * math.log(a[0] / 0.5) + (a[1] - 0.5) * math.log(a[1] / 0.5)
    assert psi([0.5, 0.5], [75, 25]) == pytest.approx(expected)
    assert psi([0.25, 0.75], [250, 750]) == pytest.approx(0.0, abs=1e-6)


def test_empty_bins_never_give_infinity():
    value = psi([0.0, 1.0], [100, 0])
    assert math.isfinite(value) and value > 1.0


@pytest.mark.parametrize(("value", "band"), [(0.0, "stable"), (0.0999, "stable"),
                                             (0.10, "moderate"), (0.2499, "moderate"),
                                             (0.25, "significant"), (3.0, "significant")])
def test_bands(value, band):
    assert psi_band(value) == band


@pytest.fixture(scope="module")
def reference():
    """A training profile from 20,000 toy applicants (so the reference itself is not noisy)."""
    spec = toy_spec()
    return spec, profile_features(cast_features(toy_frame(20_000, seed=1), spec), spec)


def test_unshifted_batch_is_stable(reference):
    spec, schema = reference
    accumulator = DriftAccumulator(schema)
    accumulator.update(cast_features(toy_frame(4000, seed=11), spec))
    report = accumulator.report()
    assert report.verdict == "stable", report.to_frame()
    assert report.drifted_features == ()
    assert max(f.psi for f in report.features) < 0.05


def test_shifted_batch_warns_and_names_the_features(reference):
    spec, schema = reference
    batch = toy_frame(4000, seed=12)
    batch["x1"] = batch["x1"] + 0.5
    batch.loc[batch.index[:1500], "city"] = "Atlantis"
    accumulator = DriftAccumulator(schema)
    accumulator.update(cast_features(batch, spec))
    report = accumulator.report()
    assert report.verdict == "significant"
    assert set(report.drifted_features) == {"x1", "city"}
    assert report.drifted[0].psi >= report.drifted[1].psi
    city = next(f for f in report.features if f.name == "city")
    assert city.bins[-2:] == (OTHER_BIN, MISSING_BIN)
    assert city.actual[-2] == pytest.approx(1500 / 4000, abs=0.01)
    frame = report.to_frame()
    assert list(frame.columns) == ["feature", "psi", "band", "rows"]
    assert frame.psi.is_monotonic_decreasing
    summary = report.summary()
    assert summary["verdict"] == "significant" and set(summary["drifted_features"]) == {
        "x1", "city"}


def test_score_drift_is_reported_against_the_model(trained):
    bundle = trained["xgboost"]
    batch = toy_frame(2000, seed=16)
    batch["x1"] = batch["x1"] + 2.0
    report = drift_report(bundle, batch, bundle.score(batch)["points"].to_numpy())
    assert report.score is not None and report.score.name == SCORE_NAME
    assert report.score.band == "significant"
    assert SCORE_NAME in set(report.to_frame().feature)


def test_missing_values_have_their_own_bin(trained):
    bundle = trained["xgboost"]
    batch = toy_frame(1000, seed=13)
    batch["x2"] = np.nan
    report = drift_report(bundle, batch)
    x2 = next(f for f in report.features if f.name == "x2")
    assert x2.bins[-1] == MISSING_BIN and x2.actual[-1] == 1.0
    assert x2.band == "significant"


def test_few_rows_give_no_verdict(trained):
    bundle = trained["xgboost"]
    batch = toy_frame(50, seed=14)
    batch["x1"] = batch["x1"] + 3
    report = drift_report(bundle, batch)
    assert report.verdict == "too_few_rows"
    assert report.drifted_features == ()


def test_accumulating_chunks_equals_one_pass(trained):
    from model.features import cast_features

    bundle = trained["xgboost"]
    batch = toy_frame(1200, seed=15)
    X = cast_features(batch, bundle.spec)
    whole = DriftAccumulator(bundle.schema)
    whole.update(X)
    parts = DriftAccumulator(bundle.schema)
    for start in range(0, 1200, 500):
        parts.update(X.iloc[start:start + 500])
    assert whole.report().to_frame().equals(parts.report().to_frame())
