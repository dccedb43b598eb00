import json
import os
import shutil

import numpy as np
import pytest

from model.errors import ModelIntegrityError, ModelNotFoundError
from model.registry import Registry


@pytest.fixture(scope="module")
def saved(trained, tmp_path_factory):
    """A registry holding the three trained toy models (written by this process)."""
    root = tmp_path_factory.mktemp("registry")
    registry = Registry(root)
    ids = {algorithm: registry.save(bundle).name for algorithm, bundle in trained.items()}
    return root, ids


@pytest.fixture()
def copy_of(saved, tmp_path):
    """A fresh registry with a copy of one model folder, for tampering."""
    root, ids = saved

    def make(algorithm: str):
        model_id = ids[algorithm]
        shutil.copytree(root / model_id, tmp_path / model_id)
        return Registry(tmp_path), tmp_path / model_id, model_id

    return make


def test_folder_contents(saved):
    root, ids = saved
    names = sorted(p.name for p in (root / ids["xgboost"]).iterdir())
    assert names == [
        "MODEL_CARD.md",
        "calibrator.json",
        "encoder.json",
        "evaluation.json",
        "holdout.parquet",
        "metadata.json",
        "metadata.sha256",
        "model.xgb.json",
        "shap_sample.parquet",
    ]
    assert (root / ids["lightgbm"] / "model.lgb.txt").is_file()
    assert (root / ids["logistic"] / "model.logistic.json").is_file()
    meta = json.loads((root / ids["xgboost"] / "metadata.json").read_text())
    for key in (
        "spec",
        "schema",
        "params",
        "metrics",
        "versions",
        "created_utc",
        "files",
        "dataset",
    ):
        assert key in meta
    assert (
        meta["files"]["model.xgb.json"]["size"]
        == (root / ids["xgboost"] / "model.xgb.json").stat().st_size
    )
    card = (root / ids["xgboost"] / "MODEL_CARD.md").read_text()
    for heading in ("Intended use", "Data", "Metrics", "Calibration", "Limitations", "Fairness"):
        assert f"## {heading}" in card or f"## {heading} " in card


@pytest.mark.parametrize("algorithm", ["xgboost", "lightgbm", "logistic"])
def test_round_trip_identical_pds_via_subprocess(saved, trained, algorithm):
    root, ids = saved
    fresh = Registry(root)  # did not write it: smoke-loads in a subprocess first
    bundle = fresh.load(ids[algorithm])
    original = trained[algorithm]
    frame = original.holdout
    np.testing.assert_array_equal(bundle.predict_pd(frame), original.predict_pd(frame))
    np.testing.assert_array_equal(bundle.predict_margin(frame), original.predict_margin(frame))
    assert bundle.spec == original.spec
    assert bundle.schema == original.schema
    assert bundle.evaluation.auc == original.evaluation.auc
    assert len(bundle.model_sha256) == 64
    assert bundle.metadata["files"]


def tamper_flip(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def tamper_truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def tamper_empty(path):
    path.write_bytes(b"")


@pytest.mark.parametrize("algorithm", ["xgboost", "lightgbm"])
@pytest.mark.parametrize(
    "tamper, match",
    [
        (tamper_flip, "sha256 of"),
        (tamper_truncate, "bytes; metadata says"),
        (tamper_empty, "empty"),
    ],
)
def test_tampered_model_file_refused(copy_of, algorithm, tamper, match):
    registry, folder, model_id = copy_of(algorithm)
    name = "model.xgb.json" if algorithm == "xgboost" else "model.lgb.txt"
    tamper(folder / name)
    with pytest.raises(ModelIntegrityError, match=f"{match}.*{name}|{name}.*{match}"):
        registry.load(model_id)
    assert not registry.verify(model_id).ok


@pytest.mark.parametrize("name", ["holdout.parquet", "encoder.json", "calibrator.json"])
def test_tampered_side_files_refused(copy_of, name):
    registry, folder, model_id = copy_of("xgboost")
    tamper_flip(folder / name)
    with pytest.raises(ModelIntegrityError, match=name):
        registry.load(model_id)


def test_edited_metadata_refused(copy_of):
    registry, folder, model_id = copy_of("xgboost")
    meta = json.loads((folder / "metadata.json").read_text())
    meta["metrics"]["auc"] = 0.99
    (folder / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelIntegrityError, match="metadata.json does not match"):
        registry.load(model_id)


def test_pickle_dropped_in_folder_refused(copy_of):
    registry, folder, model_id = copy_of("logistic")
    (folder / "evil.pkl").write_bytes(b"\x80\x04cos\nsystem\n.")
    with pytest.raises(ModelIntegrityError, match="evil.pkl"):
        registry.load(model_id)
    result = registry.verify(model_id)
    assert not result.ok and "evil.pkl" in result.problems[0]


def test_missing_file_refused(copy_of):
    registry, folder, model_id = copy_of("logistic")
    (folder / "calibrator.json").unlink()
    with pytest.raises(ModelIntegrityError, match="calibrator.json is missing"):
        registry.load(model_id)


def test_corrupt_model_with_matching_hashes_fails_in_subprocess(copy_of):
    """A model file that passes the hash check but aborts the parser only kills the child."""
    registry, folder, model_id = copy_of("lightgbm")
    bad = b"tree\nversion=v4\n"  # header only: LightGBM crashes on it
    (folder / "model.lgb.txt").write_bytes(bad)
    meta_path = folder / "metadata.json"
    meta = json.loads(meta_path.read_text())
    import hashlib

    meta["files"]["model.lgb.txt"] = {"sha256": hashlib.sha256(bad).hexdigest(), "size": len(bad)}
    payload = json.dumps(meta).encode()
    meta_path.write_bytes(payload)
    (folder / "metadata.sha256").write_text(hashlib.sha256(payload).hexdigest())
    with pytest.raises(ModelIntegrityError, match="separate process"):
        registry.load(model_id)
    assert os.getpid() > 0  # still here


def test_list_promote_champion(saved, tmp_path):
    root, ids = saved
    for model_id in ids.values():
        shutil.copytree(root / model_id, tmp_path / model_id)
    registry = Registry(tmp_path)
    assert registry.champion_id() is None
    with pytest.raises(ModelNotFoundError, match="No champion"):
        registry.load("champion")
    registry.promote(ids["logistic"])
    assert registry.champion_id() == ids["logistic"]
    summaries = {s.model_id: s for s in registry.list()}
    assert summaries[ids["logistic"]].is_champion and summaries[ids["logistic"]].verified
    assert summaries[ids["xgboost"]].algorithm == "xgboost"
    assert summaries[ids["xgboost"]].dataset == "toy"
    assert 0.5 < summaries[ids["xgboost"]].test_auc <= 1
    assert registry.load("champion").model_id == ids["logistic"]
    tamper_flip(tmp_path / ids["xgboost"] / "holdout.parquet")
    assert not {s.model_id: s for s in registry.list()}[ids["xgboost"]].verified
    with pytest.raises(ModelIntegrityError, match="Cannot promote"):
        registry.promote(ids["xgboost"])
    assert registry.champion_id() == ids["logistic"]


@pytest.mark.parametrize("bad_id", ["../etc", "a/b", "", ".hidden"])
def test_unsafe_ids_refused(tmp_path, bad_id):
    with pytest.raises(ModelNotFoundError, match="model_id"):
        Registry(tmp_path).load(bad_id)


def test_unknown_id(tmp_path):
    with pytest.raises(ModelNotFoundError, match="python -m model list"):
        Registry(tmp_path).load("nope")


def test_save_refuses_overwrite(saved, trained):
    root, _ = saved
    with pytest.raises(ModelIntegrityError, match="already exists"):
        Registry(root).save(trained["xgboost"])
