"""Tests for model/scoring.py: the gate, scores, decisions, reasons, chunking and the run log."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from data.errors import LendscopeError
from model.scoring import DecisionPolicy, rules_from_bundle, score_batch
from tests.model.conftest import toy_frame


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


@pytest.fixture(scope="module")
def bundle(trained):
    return trained["xgboost"]


@pytest.fixture(scope="module")
def policy(bundle):
    return DecisionPolicy(float(np.quantile(bundle.holdout["pd"], 0.5)))


@pytest.fixture(scope="module")
def applicants():
    return toy_frame(300, seed=31).drop(columns=["y"])


@pytest.fixture(scope="module")
def batch(bundle, policy, applicants):
    return score_batch(bundle, csv_bytes(applicants), policy)


def test_policy_decides_and_validates():
    policy = DecisionPolicy(0.1, 0.2)
    assert policy.decide(np.array([0.05, 0.1, 0.15, 0.2, 0.5])).tolist() == [
        "approve", "approve", "refer", "refer", "decline"]
    assert DecisionPolicy(0.1).decide(np.array([0.1, 0.11])).tolist() == ["approve", "decline"]
    with pytest.raises(LendscopeError, match="`approve_max_pd` must be a PD between 0 and 1"):
        DecisionPolicy(1.5)
    with pytest.raises(LendscopeError, match="`refer_max_pd` must be a PD from"):
        DecisionPolicy(0.2, 0.1)


def test_rules_come_from_the_model(bundle):
    rules = {r.name: r for r in rules_from_bundle(bundle)}
    x1 = rules["x1"]
    profile = bundle.schema.feature("x1")
    assert x1.required and x1.kind == "numeric"
    assert (x1.warn_min, x1.warn_max) == (profile.min_value, profile.max_value)
    assert set(rules["city"].categories) == set(bundle.schema.feature("city").categories)
    assert rules["app_id"].kind == "id" and not rules["app_id"].required
    assert "y" not in rules and "sex" not in rules


def test_scores_match_the_model_and_the_policy(bundle, policy, applicants, batch):
    out = batch.applicants
    assert list(out.columns) == ["line", "id", "pd", "points", "band", "decision", "reason_1",
                                 "reason_2", "reason_3", "reason_4", "explanation_ok"]
    assert out.line.tolist() == list(range(2, 302))
    assert out.id.tolist() == applicants.app_id.tolist()
    np.testing.assert_allclose(out.pd, bundle.predict_pd(applicants), atol=1e-12)
    assert (out.decision.astype(str) == policy.decide(out.pd.to_numpy())).all()
    assert batch.ingest.verdict in ("ok", "warnings") and batch.ingest.rows_read == 300
    assert batch.model_id == bundle.model_id and batch.model_sha256 == bundle.model_sha256
    assert batch.scored_at.endswith("+00:00") and batch.run_id
    assert "TreeSHAP" in batch.explanation_method


def test_reasons_only_for_declined_and_every_explained_row_adds_up(batch):
    out = batch.applicants
    approved = out.decision == "approve"
    assert (out.loc[approved, "reason_1"] == "").all()
    assert out.loc[approved, "explanation_ok"].isna().all()
    declined = out.loc[~approved]
    assert len(declined) > 50
    assert (declined.reason_1 != "").all()
    assert declined.explanation_ok.astype(bool).all()
    assert batch.additivity_failures == 0
    assert batch.decisions["approve"] == int(approved.sum())


def test_all_reasons_on_request(bundle, policy, applicants):
    batch = score_batch(bundle, csv_bytes(applicants), policy, reasons=2, reasons_for="all")
    out = batch.applicants
    assert "reason_3" not in out.columns
    assert out.explanation_ok.notna().all()
    assert (out.loc[out.decision == "approve", "reason_1"] != "").any()


def test_column_order_and_extra_columns_do_not_matter(bundle, policy, applicants, batch):
    shuffled = applicants[list(reversed(applicants.columns))].assign(note="hello")
    again = score_batch(bundle, csv_bytes(shuffled), policy)
    pd.testing.assert_frame_equal(again.applicants, batch.applicants)
    assert "note" in again.ingest.extra_columns


def test_unseen_category_warns_and_scores_as_unknown(bundle, policy, applicants):
    changed = applicants.copy()
    changed.loc[changed.index[:5], "city"] = "Atlantis"
    batch = score_batch(bundle, csv_bytes(changed), policy)
    assert batch.ingest.verdict == "warnings"
    assert any("city" in w for w in batch.ingest.warnings)
    assert len(batch.applicants) == 300
    np.testing.assert_allclose(batch.applicants.pd, bundle.predict_pd(changed), atol=1e-12)


def test_bad_rows_are_rejected_with_line_numbers(bundle, policy, applicants):
    text = csv_bytes(applicants).decode().splitlines()
    header = text[0].split(",")
    cells = text[3].split(",")
    cells[header.index("x1")] = "not a number"
    text[3] = ",".join(cells)
    batch = score_batch(bundle, "\n".join(text).encode(), policy)
    assert batch.ingest.rows_rejected == 1
    assert 4 not in set(batch.applicants.line)
    assert 4 in set(batch.ingest.failures.row)


def test_chunks_give_the_same_result_and_report_progress(bundle, policy, applicants, batch):
    seen: list[float] = []
    chunked = score_batch(bundle, csv_bytes(applicants), policy, progress=seen.append,
                          chunk_bytes=4096)
    assert len(seen) > 3 and seen == sorted(seen) and seen[-1] == pytest.approx(1.0)
    pd.testing.assert_frame_equal(chunked.applicants, batch.applicants)
    assert chunked.drift.to_frame().equals(batch.drift.to_frame())


def test_dataframe_and_path_sources(bundle, policy, applicants, batch, tmp_path):
    from_frame = score_batch(bundle, applicants, policy)
    path = tmp_path / "applicants.csv"
    path.write_bytes(csv_bytes(applicants))
    from_path = score_batch(bundle, path, policy)
    for other in (from_frame, from_path):
        np.testing.assert_allclose(other.applicants.pd, batch.applicants.pd)
    assert from_path.input_sha256 == batch.input_sha256


def test_refused_file_scores_nothing(bundle, policy):
    batch = score_batch(bundle, b"", policy)
    assert batch.ingest.refused
    assert len(batch.applicants) == 0
    assert batch.summary()["verdict"] == "refused"


def test_missing_feature_column_is_refused_naming_it(bundle, policy, applicants):
    batch = score_batch(bundle, csv_bytes(applicants.drop(columns=["x2"])), policy)
    assert batch.ingest.refused
    assert any("x2" in e for e in batch.ingest.errors)


def test_run_log_records_every_run(bundle, policy, applicants, tmp_path):
    first = score_batch(bundle, csv_bytes(applicants), policy, runs_dir=tmp_path)
    score_batch(bundle, b"", policy, runs_dir=tmp_path)
    lines = (tmp_path / "scoring_runs.jsonl").read_text().splitlines()
    assert len(lines) == 2
    record = json.loads(lines[0])
    assert record["run_id"] == first.run_id
    assert record["model_sha256"] == bundle.model_sha256
    assert record["input_sha256"] == first.input_sha256
    assert record["rows_read"] == 300 and record["rows_scored"] == 300
    assert sum(record["decisions"].values()) == 300
    assert json.loads(lines[1])["verdict"] == "refused"


def test_export_is_formula_safe(bundle, policy, applicants):
    risky = applicants.copy()
    risky["app_id"] = ["=1+2"] + risky.app_id.tolist()[1:]
    data = score_batch(bundle, csv_bytes(risky), policy).to_csv_bytes().decode()
    assert "'=1+2" in data and "\r\n=1+2" not in data
    assert data.splitlines()[0].startswith("line,id,pd,points,band,decision,reason_1")


def test_logistic_model_scores_and_explains(trained, applicants):
    bundle = trained["logistic"]
    policy = DecisionPolicy(float(np.quantile(bundle.holdout["pd"], 0.5)))
    batch = score_batch(bundle, csv_bytes(applicants), policy)
    assert batch.additivity_failures == 0
    assert "linear" in batch.explanation_method
    declined = batch.applicants[batch.applicants.decision == "decline"]
    assert (declined.reason_1 != "").all()


def test_reasons_argument_is_validated(bundle, policy, applicants):
    with pytest.raises(LendscopeError, match="`reasons` must be an integer from 0 to 10"):
        score_batch(bundle, csv_bytes(applicants), policy, reasons=11)


def test_command_line_scores_a_file(bundle, applicants, tmp_path, monkeypatch, capsys):
    from model.__main__ import main
    from model.registry import Registry

    registry = Registry(tmp_path / "registry")
    registry.save(bundle)
    registry.promote(bundle.model_id)
    monkeypatch.setenv("LENDSCOPE_REGISTRY_DIR", str(tmp_path / "registry"))
    monkeypatch.setenv("LENDSCOPE_RUNS_DIR", str(tmp_path / "runs"))
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes(applicants))
    output = tmp_path / "out.csv"
    status = main(["score", "--model", "champion", "--input", str(source), "--output",
                   str(output), "--reasons", "2", "--cutoff", "0.2"])
    assert status == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(summary) == {"rows_read", "rows_scored", "rows_rejected", "verdict",
                            "drifted_features", "seconds"}
    assert summary["rows_read"] == summary["rows_scored"] == 300
    scored = pd.read_csv(output)
    assert len(scored) == 300 and "reason_2" in scored and "reason_3" not in scored
    assert (scored.decision == np.where(scored.pd <= 0.2, "approve", "decline")).all()
    assert (tmp_path / "runs" / "scoring_runs.jsonl").is_file()
    assert main(["score", "--input", str(tmp_path / "nope.csv"), "--output",
                 str(output)]) == 2
    assert "`--input` must be an existing CSV file" in capsys.readouterr().err


# ---------------------------------------------------------------- PAKDD 2010: real drift
@pytest.fixture(scope="module")
def pakdd_bundle(pakdd_dir):
    from data.dataset import Dataset
    from data.pakdd import read_pakdd
    from data.spec import load_spec
    from model.train import TrainConfig, train_model

    directory = pakdd_dir
    frame = read_pakdd(directory, "modeling").sample(12_000, random_state=0)
    config = TrainConfig(algorithm="xgboost", cv_folds=2, shap_rows=200,
                         params={"num_boost_round": 80, "max_depth": 3})
    return directory, train_model(Dataset(frame.reset_index(drop=True),
                                          load_spec("pakdd2010")), config)


@pytest.mark.slow
def test_pakdd_prediction_file_scores_and_shows_real_drift(pakdd_bundle, tmp_path):
    from data.pakdd import read_pakdd

    directory, bundle = pakdd_bundle
    later = read_pakdd(directory, "prediction")
    batch = score_batch(bundle, later, DecisionPolicy(0.25), runs_dir=tmp_path)
    assert batch.ingest.rows_read == len(later) == 20_000
    assert batch.ingest.rows_valid >= 19_900
    assert len(batch.applicants) == batch.ingest.rows_valid
    assert batch.applicants.pd.between(0, 1).all()
    assert batch.additivity_failures == 0
    declined = batch.applicants[batch.applicants.decision == "decline"]
    assert len(declined) > 0 and (declined.reason_1 != "").all()
    reasons = pd.concat([declined[f"reason_{i}"] for i in range(1, 5)])
    for attribute in ("Sex", "Age", "Marital"):
        assert not reasons.str.startswith(attribute).any()
    # Three years later the population has moved: the verdict says so and names features.
    assert batch.drift.verdict == "significant"
    assert len(batch.drift.drifted_features) >= 3


@pytest.mark.slow
def test_pakdd_own_holdout_shows_no_drift(pakdd_bundle):
    from model.drift import drift_report

    _, bundle = pakdd_bundle
    report = drift_report(bundle, bundle.holdout, bundle.holdout["points"].to_numpy())
    assert report.rows >= 2_000
    assert report.verdict == "stable", report.to_frame().head()


# ---------------------------------------------------------------- golden file
GOLDEN = __import__("pathlib").Path(__file__).parent / "golden" / "scoring_200.csv"
GOLDEN_COLUMNS = ["line", "id", "pd", "points", "band", "decision", "reason_1", "reason_2",
                  "reason_3", "reason_4"]


def golden_scores() -> pd.DataFrame:
    """200 synthetic applicants scored by a small model trained with fixed seeds."""
    from data.dataset import Dataset
    from data.spec import load_spec
    from data.synthetic import generate_sme
    from model.train import TrainConfig, train_model

    config = TrainConfig(algorithm="xgboost", cv_folds=2, shap_rows=0, seed=7,
                         params={"num_boost_round": 50, "max_depth": 3})
    bundle = train_model(Dataset(generate_sme(3000, random_state=7), load_spec("synthetic_sme")),
                         config)
    applicants = generate_sme(200, random_state=8).drop(columns=["default_12m", "true_pd"])
    batch = score_batch(bundle, applicants, DecisionPolicy(0.08, 0.15))
    return batch.applicants[GOLDEN_COLUMNS]


@pytest.mark.slow
def test_golden_file_of_200_applicants():
    """Catches silent changes in PDs (1e-6), points, bands, decisions and reasons.

    After an intended change, regenerate with ``LENDSCOPE_WRITE_GOLDEN=1`` and review the diff.
    """
    import os

    actual = golden_scores()
    if os.environ.get("LENDSCOPE_WRITE_GOLDEN") == "1":
        actual.to_csv(GOLDEN, index=False, float_format="%.9f")
        pytest.fail(f"Golden file rewritten at {GOLDEN.name}; review it and commit it.")
    expected = pd.read_csv(GOLDEN, dtype={"id": str}, keep_default_na=False)
    assert len(expected) == 200
    np.testing.assert_allclose(actual.pd.to_numpy(), expected.pd.astype(float), atol=1e-6)
    for column in ["line", "id", "points", "band", "decision", "reason_1", "reason_2",
                   "reason_3", "reason_4"]:
        assert actual[column].astype(str).tolist() == expected[column].astype(str).tolist(), column
    assert (expected.decision != "approve").sum() > 50


def test_lightgbm_model_scores_and_explains(trained, applicants):
    bundle = trained["lightgbm"]
    policy = DecisionPolicy(float(np.quantile(bundle.holdout["pd"], 0.5)))
    batch = score_batch(bundle, csv_bytes(applicants), policy)
    assert batch.additivity_failures == 0
    assert "lightgbm" in batch.explanation_method
    np.testing.assert_allclose(batch.applicants.pd, bundle.predict_pd(applicants), atol=1e-12)
    declined = batch.applicants[batch.applicants.decision == "decline"]
    assert len(declined) and (declined.reason_1 != "").all()


# ---------------------------------------------------------------- own holdout, through a CSV
@pytest.mark.slow
def test_own_holdout_written_as_csv_scores_identically_without_drift():
    """A model's holdout, exported and re-read as a CSV, keeps its PDs and shows no drift.

    The synthetic data has a category spelt like a missing-value token (``web_presence`` =
    ``None``): the gate must keep it as that category, not read it as missing.
    """
    from data.dataset import Dataset
    from data.export import to_safe_csv_bytes
    from data.spec import load_spec
    from data.synthetic import generate_sme
    from model.train import TrainConfig, train_model

    spec = load_spec("synthetic_sme")
    config = TrainConfig(algorithm="xgboost", cv_folds=2, shap_rows=0, seed=3,
                         params={"num_boost_round": 40, "max_depth": 3})
    bundle = train_model(Dataset(generate_sme(4000, random_state=3), spec), config)
    holdout = bundle.holdout
    assert (holdout["web_presence"] == "None").any()
    columns = [spec.id_column, *spec.feature_names]
    exported = holdout.rename(columns={"id": spec.id_column})[columns]
    batch = score_batch(bundle, to_safe_csv_bytes(exported), DecisionPolicy(0.1))
    assert batch.ingest.rows_valid == len(holdout)
    np.testing.assert_allclose(batch.applicants.pd.to_numpy(), holdout["pd"].to_numpy(),
                               atol=1e-9)
    assert batch.drift.verdict == "stable", batch.drift.to_frame().head()
