"""The PAKDD 2010 loader on the real files (required under CI)."""

from __future__ import annotations

import json

import pytest

from data.__main__ import main
from data.dataset import load_dataset
from data.errors import DatasetError
from data.pakdd import read_pakdd
from data.spec import load_spec


@pytest.fixture(scope="module")
def modelling(pakdd_dir):
    return read_pakdd(pakdd_dir, "modeling")


def test_modelling_file_shape_and_bad_rate(modelling):
    assert len(modelling) == 50_000
    assert modelling["TARGET_LABEL_BAD"].mean() == pytest.approx(0.26082)
    assert modelling["ID_CLIENT"].iloc[:3].tolist() == ["1", "2", "3"]


def test_constant_columns_dropped_and_duplicate_name_resolved(modelling):
    spec = load_spec("pakdd2010")
    assert not set(spec.drop) & set(modelling.columns)
    assert "MATE_EDUCATION_LEVEL" in modelling.columns
    assert modelling.columns.is_unique


def test_missing_markers_and_case_are_normalised(modelling):
    assert not modelling.isin(["NULL", " ", ""]).any().any()
    cities = set(modelling["RESIDENCIAL_CITY"].dropna())
    assert "FORTALEZA" in cities and "Fortaleza" not in cities
    assert modelling["PERSONAL_MONTHLY_INCOME"].dtype == "float64"


def test_protected_attributes_kept_but_not_features(modelling):
    spec = load_spec("pakdd2010")
    for column in ("SEX", "AGE"):
        assert column in modelling.columns
        assert column in spec.protected
        assert column not in spec.feature_names


@pytest.mark.parametrize("which", ["leaderboard", "prediction"])
def test_unlabelled_batches_load_with_the_same_columns(pakdd_dir, modelling, which):
    batch = read_pakdd(pakdd_dir, which)
    assert len(batch) == 20_000
    assert "TARGET_LABEL_BAD" not in batch.columns
    assert list(batch.columns) == [c for c in modelling.columns if c != "TARGET_LABEL_BAD"]
    load_spec("pakdd2010").validate_frame(batch, labelled=False)


def test_describe_reports_rows_and_bad_rate(pakdd_dir, capsys):
    assert main(["describe", "pakdd2010", "--pakdd-dir", str(pakdd_dir)]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["rows"] == 50_000
    assert summary["bad_rate"] == 0.2608
    assert summary["features"] == {"numeric": 16, "categorical": 23}


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DatasetError, match="PAKDD2010_Modeling_Data.txt not found in"):
        read_pakdd(tmp_path, "modeling")
    with pytest.raises(DatasetError, match=r"`which` must be one of"):
        read_pakdd(tmp_path, "later")  # type: ignore[arg-type]


def test_load_dataset_dispatch(pakdd_dir, tmp_path):
    dataset = load_dataset("pakdd2010", data_dir=tmp_path, pakdd_dir=pakdd_dir)
    assert dataset.y.mean() == pytest.approx(0.26082)
    assert (dataset.amounts == 500.0).all()
    assert dataset.oracle is None
    with pytest.raises(DatasetError, match="neither a built-in dataset"):
        load_dataset("no_such_thing", data_dir=tmp_path, pakdd_dir=pakdd_dir)
