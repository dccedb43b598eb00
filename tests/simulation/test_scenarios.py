"""Stress scenarios change what they should, and nothing else."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.economics import Economics
from simulation.errors import ScenarioError
from simulation.policy import CutoffPolicy, evaluate
from simulation.scenarios import (
    STANDARD_SCENARIOS,
    Scenario,
    compare_scenarios,
    scenario_values,
    stressed_outcomes,
)

POLICY = CutoffPolicy(0.15)
UNCHANGED_BY_ALL = ("n_approved", "volume", "fee_income", "operating_cost", "review_cost")


def _run(book, economics, scenario):
    base = evaluate(book, economics, POLICY)
    stressed = evaluate(book, economics, POLICY, values=scenario_values(book, economics, scenario))
    return base, stressed


def _same(base, stressed, names):
    for name in names:
        assert getattr(stressed, name) == pytest.approx(getattr(base, name)), name


def test_base_scenario_changes_nothing(book, loan_economics):
    base, stressed = _run(book, loan_economics, Scenario())
    assert stressed == base


def test_lgd_shock_changes_only_losses(book, loan_economics):
    base, stressed = _run(book, loan_economics, Scenario(lgd_shock=0.1))
    _same(base, stressed, (*UNCHANGED_BY_ALL, "interest_income", "funding_cost", "n_bad_approved"))
    assert stressed.credit_loss == pytest.approx(base.credit_loss * 0.6 / 0.5)
    assert stressed.expected_loss == pytest.approx(base.expected_loss * 0.6 / 0.5)


def test_funding_change_changes_only_funding(book, loan_economics):
    base, stressed = _run(book, loan_economics, Scenario(funding_cost_change=0.06))
    _same(base, stressed, (*UNCHANGED_BY_ALL, "interest_income", "credit_loss", "expected_loss"))
    assert stressed.funding_cost == pytest.approx(base.funding_cost * 0.18 / 0.12)


def test_rate_change_moves_income_and_the_balance_path_only(book, loan_economics):
    base, stressed = _run(book, loan_economics, Scenario(rate_change=0.06))
    _same(base, stressed, (*UNCHANGED_BY_ALL, "n_bad_approved"))
    assert stressed.interest_income > base.interest_income
    # slower amortisation: more balance outstanding, so more funding cost and loss
    assert stressed.funding_cost > base.funding_cost
    assert stressed.credit_loss > base.credit_loss


def test_rate_change_shifts_every_band_rate(three_loans, loan_economics):
    priced = loan_economics.replace(rate_by_band=(("A", 0.1), ("B", 0.2), ("C", 0.3)))
    shifted = loan_economics.replace(rate_by_band=(("A", 0.12), ("B", 0.22), ("C", 0.32)))
    stressed = scenario_values(three_loans, priced, Scenario(rate_change=0.02))
    direct = scenario_values(three_loans, shifted, Scenario())
    np.testing.assert_allclose(stressed.net, direct.net)


def test_pd_multiplier_reweights_outcomes_not_decisions(book, loan_economics):
    base, stressed = _run(book, loan_economics, Scenario(pd_multiplier=1.5))
    _same(base, stressed, UNCHANGED_BY_ALL)
    assert stressed.n_bad_approved > base.n_bad_approved
    assert stressed.credit_loss > base.credit_loss
    assert stressed.interest_income < base.interest_income
    # approved PDs are at most 0.15, so 1.5 x PD stays below 1: expected loss scales by 1.5
    assert stressed.expected_loss == pytest.approx(base.expected_loss * 1.5, rel=1e-9)


def test_stressed_outcomes_by_hand():
    """pd 0.2 good turns bad with (0.3 - 0.2) / 0.8 = 0.125 at x1.5; a bad at x0.5 stays 0.5."""
    from simulation.book import Book

    book = Book(pd=[0.2, 0.2, 0.8], outcome=[0, 1, 0], amount=[1, 1, 1])
    pd_up, bad_up = stressed_outcomes(book, 1.5)
    np.testing.assert_allclose(pd_up, [0.3, 0.3, 1.0])
    np.testing.assert_allclose(bad_up, [0.125, 1.0, 1.0])
    pd_down, bad_down = stressed_outcomes(book, 0.5)
    np.testing.assert_allclose(pd_down, [0.1, 0.1, 0.4])
    np.testing.assert_allclose(bad_down, [0.0, 0.5, 0.0])


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        (Scenario(lgd_shock=0.6), "out of range: `lgd` must be a fraction"),
        (Scenario(rate_change=-0.5), "out of range: `annual_rate` must be at least 0"),
    ],
)
def test_out_of_range_scenarios(book, loan_economics, scenario, message):
    with pytest.raises(ScenarioError, match=message):
        scenario_values(book, loan_economics, scenario)


def test_simple_mode_accepts_only_pd_stress(book):
    simple = Economics(mode="simple", gain_per_good=0.1, loss_per_bad=0.5)
    with pytest.raises(ScenarioError, match="simple mode does not model"):
        scenario_values(book, simple, Scenario(lgd_shock=0.1))
    scenario_values(book, simple, Scenario(pd_multiplier=2.0))
    with pytest.raises(ScenarioError, match="`pd_multiplier` must be greater than 0"):
        Scenario(pd_multiplier=0)


def test_compare_scenarios_side_by_side(book, loan_economics):
    table = compare_scenarios(book, loan_economics, POLICY)
    assert table["scenario"].tolist() == [s.name for s in STANDARD_SCENARIOS]
    base = evaluate(book, loan_economics, POLICY)
    assert table.loc[0, "net_profit"] == pytest.approx(base.net_profit)
    assert (table["net_profit"].iloc[1:] < base.net_profit).all()  # every stress costs money
    assert (table["approval_rate"] == base.approval_rate).all()
