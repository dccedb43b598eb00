"""Tests for model/reasons.py: specific, adverse, protected-free reasons stable under reordering."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.spec import spec_from_mapping
from model.explain import ExplanationMethod, _build, explain
from model.features import cast_features
from model.reasons import (
    MIN_ADVERSE,
    ReasonReference,
    reason_frame,
    reason_reference,
    statement,
    top_reasons,
)
from tests.model.conftest import toy_frame

METHOD = ExplanationMethod("test", "test", "0")


def hand_spec():
    return spec_from_mapping({
        "name": "hand", "target": "y", "bad_label": 1, "default_amount": 1000.0,
        "features": [
            {"name": "on_time", "kind": "numeric", "value_format": ".0%", "unit": "%",
             "description": "Share of months with utility bills paid on time"},
            {"name": "sector", "kind": "categorical", "description": "Business sector"},
            {"name": "age", "kind": "numeric", "unit": "years", "value_format": ".0f",
             "description": "Owner's age"},
        ],
        "protected": ["age"],
        "allow_protected_features": True,
    })


def hand_reference(mean=(0.1, 0.0, 0.0)):
    return ReasonReference(
        population="hand", rows=10, feature_names=("on_time", "sector", "age"),
        mean_contribution=np.array(mean), typical={"on_time": 0.91, "sector": "Retail",
                                                   "age": 40.0})


def hand_values():
    return pd.DataFrame({"on_time": [0.62, 0.95], "sector": ["Transport", "Retail"],
                         "age": [23.0, 50.0]})


def test_reasons_by_hand():
    explanation = _build(np.array([[0.5, 0.3, 0.9], [0.1, -0.2, 0.0]]), -2.0,
                         ["on_time", "sector", "age"], np.array([-0.3, -2.1]), METHOD)
    reasons = top_reasons(explanation, hand_values(), hand_spec(), hand_reference(), k=4)
    first = reasons[0]
    # age pushes hardest but is protected: never a reason.
    assert [r.feature for r in first] == ["on_time", "sector"]
    assert first[0].adverse == pytest.approx(0.4)
    assert first[0].statement == ("Share of months with utility bills paid on time: 62%; "
                                  "approved applicants' median: 91%")
    assert first[1].statement == ("Business sector: Transport; most common among approved "
                                  "applicants: Retail")
    # Second row is no worse than the reference on any allowed feature: no reasons.
    assert reasons[1] == ()


def test_k_limits_and_validates():
    explanation = _build(np.array([[0.5, 0.3, 0.0]]), 0.0, ["on_time", "sector", "age"],
                         np.array([0.8]), METHOD)
    assert len(top_reasons(explanation, hand_values().head(1), hand_spec(), hand_reference(),
                           k=1)[0]) == 1
    for bad in (0, 11, 2.5, True):
        with pytest.raises(ValueError, match="`k` must be an integer from 1 to 10"):
            top_reasons(explanation, hand_values().head(1), hand_spec(), hand_reference(), k=bad)


def test_statement_for_missing_value():
    feature = hand_spec().feature("on_time")
    assert statement(feature, float("nan"), 0.9).startswith(
        "Share of months with utility bills paid on time: missing;")


@pytest.fixture(scope="module")
def scored(trained):
    bundle = trained["xgboost"]
    frame = toy_frame(400, seed=21)
    cutoff = float(np.quantile(bundle.holdout["pd"], 0.6))
    reference = reason_reference(bundle, cutoff)
    return bundle, frame, cutoff, reference


def test_reference_is_the_approved_holdout(scored):
    bundle, _, cutoff, reference = scored
    assert reference.rows == int((bundle.holdout["pd"] <= cutoff).sum())
    assert reference.feature_names == bundle.feature_names
    assert "approved at PD <=" in reference.population


def test_reasons_on_a_trained_model_are_adverse_real_and_bounded(scored):
    bundle, frame, cutoff, reference = scored
    explanation = explain(bundle, frame)
    declined = np.flatnonzero(bundle.predict_pd(frame) > cutoff)
    assert len(declined) > 20
    part = explanation.take(declined)
    X = cast_features(frame, bundle.spec).iloc[declined]
    reasons = top_reasons(part, X, bundle.spec, reference, k=3)
    mean_ref = dict(zip(reference.feature_names, reference.mean_contribution, strict=True))
    for i, row in enumerate(reasons):
        assert 1 <= len(row) <= 3
        adverse = [r.adverse for r in row]
        assert adverse == sorted(adverse, reverse=True)
        for reason in row:
            assert reason.feature in bundle.feature_names
            assert reason.feature not in bundle.spec.protected
            j = part.feature_names.index(reason.feature)
            assert part.values[i, j] - mean_ref[reason.feature] == pytest.approx(reason.adverse)
            assert reason.adverse >= MIN_ADVERSE
            assert reason.statement.startswith(bundle.spec.feature(reason.feature).description)


def test_reasons_do_not_depend_on_column_order(scored):
    bundle, frame, cutoff, reference = scored
    shuffled = frame[list(reversed(frame.columns))]
    rows = np.flatnonzero(bundle.predict_pd(frame) > cutoff)
    a = top_reasons(explain(bundle, frame).take(rows),
                    cast_features(frame, bundle.spec).iloc[rows], bundle.spec, reference)
    b = top_reasons(explain(bundle, shuffled).take(rows),
                    cast_features(shuffled, bundle.spec).iloc[rows], bundle.spec, reference)
    assert [[r.statement for r in row] for row in a] == [[r.statement for r in row] for row in b]


def test_reason_frame_places_rows():
    explanation = _build(np.array([[0.5, 0.3, 0.0]]), 0.0, ["on_time", "sector", "age"],
                         np.array([0.8]), METHOD)
    reasons = top_reasons(explanation, hand_values().head(1), hand_spec(), hand_reference(), k=2)
    frame = reason_frame(reasons, 2, n_rows=3, rows=np.array([1]))
    assert list(frame.columns) == ["reason_1", "reason_2"]
    assert frame.reason_1.tolist()[0] == "" and frame.reason_1.tolist()[2] == ""
    assert frame.reason_1[1].startswith("Share of months")
