"""``python -m data check``: readable report, then one JSON line; exit codes."""

from __future__ import annotations

import argparse
import json
import sys

import pytest

from config import Settings
from data.export import write_safe_csv
from data.ingest.cli import register, run_check
from data.synthetic import generate_sme


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["check", *argv])


@pytest.fixture(scope="module")
def sme_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("check") / "sme.csv"
    frame = generate_sme(300, random_state=1)
    frame["bureau_score"] = frame["bureau_score"].astype(object)
    frame.loc[4, "bureau_score"] = "inf"
    frame.loc[7, "loan_amount_pen"] = -5
    write_safe_csv(frame, path)
    return path


def test_check_dataset_prints_report_and_json(sme_csv, capsys, tmp_path):
    out = tmp_path / "failures.csv"
    code = run_check(_parse([str(sme_csv), "--dataset", "synthetic_sme", "--labelled",
                             "--failures-out", str(out)]), settings=Settings())
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 0
    assert lines[0] == "verdict: warnings"
    assert any("line 6: `bureau_score` must be a finite number; got 'inf'" in x for x in lines)
    summary = json.loads(lines[-1])
    assert summary == {"verdict": "warnings", "rows_read": 300, "rows_valid": 298,
                       "rows_rejected": 2, "errors": {"finite": 1, "min_value": 1}}
    assert out.read_text().startswith("row,column,value,check,message")


def test_check_refused_file_exits_1(tmp_path, capsys):
    path = tmp_path / "x.csv"
    path.write_bytes(b"PK\x03\x04" + bytes(50))
    code = run_check(_parse([str(path), "--dataset", "synthetic_sme"]), settings=Settings())
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 1
    assert json.loads(lines[-1])["verdict"] == "refused"
    assert any("ZIP archive" in x for x in lines)


def test_check_model_without_registry_modules_says_so(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "model.scoring", None)
    path = tmp_path / "x.csv"
    path.write_text("a\n1\n")
    code = run_check(_parse([str(path), "--model", "m1"]), settings=Settings())
    assert code == 2
    assert "`--model` needs the model registry and scoring modules" in capsys.readouterr().err


def test_dataset_and_model_are_exclusive():
    with pytest.raises(SystemExit):
        _parse(["f.csv", "--dataset", "a", "--model", "b"])
