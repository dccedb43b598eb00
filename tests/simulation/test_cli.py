"""``python -m simulation run``: through a holdout file, and through the registry API."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.spec import load_spec
from simulation.cli import main, parse_baseline
from simulation.errors import SimulationError

from .conftest import NET

KEYS = [
    "cutoff",
    "approval_rate",
    "bad_rate",
    "profit",
    "profit_p05",
    "profit_p95",
    "baseline_profit",
    "swap_in",
    "swap_out",
]

SPEC = """
name = "toy"
title = "Toy book"
target = "bad"
bad_label = 1
currency = "PEN"
default_amount = 1000.0
segments = ["region"]
protected = ["sex"]

[baseline]
label = "bureau >= 600"
column = "bureau"
min_value = 600.0
missing = "decline"

[economics]
mode = "loan"
annual_rate = 0.24
term_months = 3
lgd = 0.5
annual_funding_cost = 0.12
operating_cost_per_loan = 10.0
origination_fee = 0.01
default_month = 2

[[features]]
name = "x"
kind = "numeric"
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    """The 3-loan book of conftest as a holdout file, and its spec."""
    spec = tmp_path / "toy.toml"
    spec.write_text(SPEC, encoding="utf-8")
    frame = pd.DataFrame(
        {
            "id": ["A", "B", "C"],
            "pd": [0.05, 0.10, 0.30],
            "outcome": [0, 0, 1],
            "amount": [1000.0, 2000.0, 1000.0],
            "points": [640.0, 620.0, 580.0],
            "band": ["A", "B", "C"],
            "region": ["Lima", "Cusco", "Lima"],
            "sex": ["F", "M", "F"],
            "bureau": [700.0, np.nan, 550.0],
        }
    )
    holdout = tmp_path / "holdout.parquet"
    frame.to_parquet(holdout, index=False)
    return holdout, spec


def _json_line(capsys) -> dict:
    lines = capsys.readouterr().out.strip().splitlines()
    return json.loads(lines[-1])


def test_optimize_on_a_holdout_file(files, capsys, tmp_path):
    holdout, spec = files
    memo = tmp_path / "memo.md"
    code = main(
        [
            "run",
            "--holdout",
            str(holdout),
            "--dataset",
            str(spec),
            "--bootstrap",
            "50",
            "--memo",
            str(memo),
            "--save-strategy",
            str(tmp_path / "s.json"),
        ]
    )
    assert code == 0
    out = _json_line(capsys)
    assert list(out) == KEYS
    assert out["cutoff"] == pytest.approx(0.10)
    assert out["profit"] == pytest.approx(NET["A"] + NET["B"], abs=1e-4)
    assert out["baseline_profit"] == pytest.approx(NET["A"], abs=1e-4)
    assert (out["swap_in"], out["swap_out"]) == (1, 0)
    assert out["profit_p05"] <= out["profit_p95"]
    assert "Lending strategy: Toy book" in memo.read_text(encoding="utf-8")
    assert memo.with_suffix(".html").is_file()
    assert json.loads((tmp_path / "s.json").read_text())["model_id"] == "holdout"


def test_cutoff_economics_file_and_baseline_override(files, capsys, tmp_path):
    holdout, spec = files
    economics = tmp_path / "econ.json"
    economics.write_text(json.dumps({"mode": "simple", "gain_per_good": 0.1, "loss_per_bad": 0.6}))
    code = main(
        [
            "run",
            "--holdout",
            str(holdout),
            "--dataset",
            str(spec),
            "--cutoff",
            "0.3",
            "--economics",
            str(economics),
            "--baseline",
            "all",
            "--bootstrap",
            "0",
        ]
    )
    assert code == 0
    out = _json_line(capsys)
    assert out["profit"] == pytest.approx(100 + 200 - 600)
    assert out["baseline_profit"] == pytest.approx(-300)
    assert out["profit_p05"] is None and out["bad_rate"] == pytest.approx(1 / 3)


def test_constraints(files, capsys):
    holdout, spec = files
    args = ["run", "--holdout", str(holdout), "--dataset", str(spec), "--bootstrap", "0"]
    assert main([*args, "--optimize", "--min-approval", "0.9"]) == 0
    assert _json_line(capsys)["approval_rate"] == 1.0
    assert main([*args, "--optimize", "--min-approval", "0.9", "--max-bad-rate", "0.1"]) == 2
    assert "no cut-off meets the constraints" in capsys.readouterr().err


def test_user_errors_exit_2_with_a_message(files, capsys, tmp_path):
    holdout, spec = files
    bad = tmp_path / "econ.json"
    bad.write_text(json.dumps({"lgd": 2}))
    assert (
        main(["run", "--holdout", str(holdout), "--dataset", str(spec), "--economics", str(bad)])
        == 2
    )
    assert "`lgd` must be a fraction" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["run", "--holdout", str(holdout)])
    assert "--holdout needs --dataset" in capsys.readouterr().err


def test_parse_baseline():
    rule = parse_baseline("bureau_score>=600,missing=approve")
    assert (rule.column, rule.min_value, rule.missing) == ("bureau_score", 600.0, "approve")
    assert parse_baseline("all").column == ""
    with pytest.raises(SimulationError, match="`--baseline` must be 'all' or"):
        parse_baseline("bureau > 600")


def test_model_option_uses_the_registry(files, capsys, monkeypatch, tmp_path):
    """``--model`` loads a bundle through ``model.registry.Registry(root).load(id)``."""
    holdout, spec = files
    calls = []

    class Registry:
        def __init__(self, root):
            calls.append(root)

        def load(self, model_id):
            calls.append(model_id)
            return types.SimpleNamespace(
                model_id="toy-1",
                model_sha256="f" * 64,
                spec=load_spec(spec),
                holdout=pd.read_parquet(holdout),
            )

    monkeypatch.setitem(sys.modules, "model.registry", types.SimpleNamespace(Registry=Registry))
    monkeypatch.setenv("LENDSCOPE_REGISTRY_DIR", str(tmp_path))
    assert main(["run", "--model", "champion", "--bootstrap", "0"]) == 0
    assert calls == [tmp_path, "champion"]
    assert _json_line(capsys)["profit"] == pytest.approx(NET["A"] + NET["B"], abs=1e-4)


def test_module_entry_point(files):
    holdout, spec = files
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulation",
            "run",
            "--holdout",
            str(holdout),
            "--dataset",
            str(spec),
            "--bootstrap",
            "20",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    assert list(json.loads(done.stdout.strip().splitlines()[-1])) == KEYS
