"""``python -m data describe`` and ``generate`` on the synthetic default dataset."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from data.__main__ import main


def last_json(capsys):
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_describe_synthetic_reports_realism_figures(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("LENDSCOPE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LENDSCOPE_SYNTHETIC_ROWS", "5000")
    assert main(["describe", "synthetic_sme"]) == 0
    summary = last_json(capsys)
    assert summary["rows"] == 5000
    assert summary["target"] == "default_12m"
    assert 0.06 < summary["bad_rate"] < 0.16
    assert 0.35 < summary["thin_file_share"] < 0.75
    assert 0.75 < summary["oracle_auc"] < 0.9
    assert summary["features"]["numeric"] + summary["features"]["categorical"] >= 25
    cached = list(tmp_path.glob("synthetic_sme_5000_seed0.parquet"))
    assert len(cached) == 1


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_generate_writes_the_same_rows_for_a_seed(tmp_path, capsys, suffix):
    first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    assert main(["generate", "--rows", "300", "--seed", "7", "--out", str(first)]) == 0
    assert last_json(capsys)["rows"] == 300
    assert main(["generate", "--rows", "300", "--seed", "7", "--out", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    if suffix == ".csv":
        assert len(pd.read_csv(first)) == 300
    assert not list(tmp_path.glob("*.partial"))


def test_generate_refuses_an_unknown_extension(tmp_path, capsys):
    assert main(["generate", "--rows", "100", "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "`--out` must end in .parquet or .csv; got 'x.xlsx'" in capsys.readouterr().err
