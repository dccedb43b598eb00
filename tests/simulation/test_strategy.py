"""Strategy JSON: round trip, atomic save, clear refusals."""

from __future__ import annotations

import json

import pytest

from data.spec import BaselineRule
from simulation.economics import Economics
from simulation.errors import StrategyError
from simulation.policy import BaselinePolicy, CutoffPolicy, ReferPolicy
from simulation.scenarios import Scenario
from simulation.strategy import Strategy

ECONOMICS = Economics(
    annual_rate=0.45,
    term_months=12,
    rate_by_band=(("A", 0.35), ("B", 0.5)),
    currency="PEN",
    default_amount=3000.0,
)


@pytest.mark.parametrize(
    "policy",
    [
        CutoffPolicy(0.12),
        CutoffPolicy(610.0, on="points"),
        ReferPolicy(0.05, 0.2, review_capacity=40, cost_per_review=12.5, accuracy_bad=0.75),
        BaselinePolicy(BaselineRule("bureau >= 600", "bureau", 600.0, "approve")),
    ],
)
def test_round_trip(tmp_path, policy):
    strategy = Strategy(
        model_id="sme-20260101-abc",
        model_sha256="ab" * 32,
        economics=ECONOMICS,
        policy=policy,
        scenario=Scenario("Defaults +50%", pd_multiplier=1.5),
        baseline=BaselineRule("bureau >= 600", "bureau", 600.0, "decline"),
        dataset="synthetic_sme",
    )
    assert Strategy.from_json(strategy.to_json()) == strategy
    path = strategy.save(tmp_path / "strategy.json")
    assert Strategy.load(path) == strategy
    assert [p.name for p in tmp_path.iterdir()] == ["strategy.json"]  # no partial file left


def _valid() -> dict:
    return json.loads(Strategy("m", "h", ECONOMICS, CutoffPolicy(0.1)).to_json())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="other"), "format 'lendscope-strategy'"),
        (lambda d: d.update(version=9), "`version` must be 1"),
        (lambda d: d.pop("policy"), r"missing keys \['policy'\]"),
        (lambda d: d["policy"].update(kind="magic"), "policy `kind` must be"),
        (lambda d: d["policy"].update(cutof=0.1), "policy fields of kind 'cutoff' are wrong"),
        (lambda d: d["economics"].update(lgd=3), "strategy is invalid: `lgd` must be"),
        (lambda d: d["scenario"].update(pd_multiplier=-1), "strategy is invalid"),
    ],
)
def test_bad_strategies_are_refused(change, message):
    raw = _valid()
    change(raw)
    with pytest.raises(StrategyError, match=message):
        Strategy.from_dict(raw)


def test_unreadable_files(tmp_path):
    path = tmp_path / "s.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(StrategyError, match="must be JSON; parsing failed at line 1"):
        Strategy.load(path)
    with pytest.raises(StrategyError, match="`missing.json` must exist"):
        Strategy.load(tmp_path / "missing.json")
