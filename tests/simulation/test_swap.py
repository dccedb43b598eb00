"""Swap set against the baseline and the inclusion view."""

from __future__ import annotations

import math

import numpy as np
import pytest

from data.spec import BaselineRule
from simulation.cashflow import loan_values
from simulation.errors import PolicyError
from simulation.policy import BaselinePolicy, CutoffPolicy, ReferPolicy, evaluate
from simulation.swap import inclusion, missing_mask, swap_set

from .conftest import NET

BUREAU = BaselinePolicy(BaselineRule("bureau >= 600", "bureau", 600.0, "decline"))


def test_three_loan_swap_set(three_loans, loan_economics):
    """Policy pd <= 0.10 approves A, B; baseline bureau >= 600 approves A.

    Kept approval A, swap-in B (thin file), no swap-out, kept decline C (bad).
    """
    swap = swap_set(three_loans, loan_economics, CutoffPolicy(0.10), BUREAU)
    frame = swap.to_frame().set_index("cell")
    assert frame["count"].tolist() == [1, 1, 0, 1]
    assert swap.kept_approvals.profit == pytest.approx(NET["A"], abs=1e-5)
    assert swap.swap_ins.profit == pytest.approx(NET["B"], abs=1e-5)
    assert swap.kept_declines.profit == pytest.approx(NET["C"], abs=1e-5)
    assert swap.kept_declines.bad_rate == 1.0
    assert math.isnan(swap.swap_outs.bad_rate)


@pytest.mark.parametrize(
    "policy",
    [CutoffPolicy(0.12), ReferPolicy(0.08, 0.2, review_capacity=30, cost_per_review=3.0)],
)
def test_cells_add_up(book, loan_economics, policy):
    swap = swap_set(book, loan_economics, policy, BUREAU)
    frame = swap.to_frame()
    values = loan_values(book, loan_economics)
    assert frame["count"].sum() == pytest.approx(book.n)
    assert frame["n_bad"].sum() == pytest.approx(book.outcome.sum())
    assert frame["profit"].sum() == pytest.approx(values.net.sum())
    new = evaluate(book, loan_economics, policy)
    old = evaluate(book, loan_economics, BUREAU)
    assert swap.kept_approvals.count + swap.swap_ins.count == pytest.approx(new.n_approved)
    assert swap.kept_approvals.count + swap.swap_outs.count == pytest.approx(old.n_approved)
    approved_profit = swap.kept_approvals.profit + swap.swap_ins.profit
    assert approved_profit - new.review_cost == pytest.approx(new.net_profit)
    assert swap.kept_approvals.profit + swap.swap_outs.profit == pytest.approx(old.net_profit)


def test_baseline_with_review_lane_is_refused(book, loan_economics):
    with pytest.raises(PolicyError, match="`baseline` must be a one cut-off or baseline"):
        swap_set(book, loan_economics, CutoffPolicy(0.1), ReferPolicy(0.1, 0.2))


def test_inclusion_of_thin_file_applicants(three_loans, loan_economics):
    """B has no bureau score: the policy lends to it, the bureau rule cannot."""
    thin = missing_mask(three_loans, "bureau")
    assert thin.tolist() == [False, True, False]
    table = inclusion(
        three_loans,
        loan_economics,
        {"policy": CutoffPolicy(0.10), "baseline": BUREAU},
        thin,
        group_label="thin file",
    ).set_index("policy")
    assert table.loc["policy", "n_approved"] == 1 and table.loc["baseline", "n_approved"] == 0
    assert table.loc["policy", "bad_rate"] == 0.0
    assert math.isnan(table.loc["baseline", "bad_rate"])
    assert table.loc["policy", "net_profit"] == pytest.approx(NET["B"], abs=1e-5)
    with pytest.raises(PolicyError, match=r"`group` must be a mask of shape \(3,\)"):
        inclusion(three_loans, loan_economics, {}, np.array([True]))
