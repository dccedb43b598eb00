"""The profit curve: equal to per-cut-off recomputation, constraints, frontier, queries."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulation.cashflow import loan_values
from simulation.curve import profit_curve, stable_order
from simulation.economics import Economics
from simulation.errors import InfeasibleError, PolicyError
from simulation.policy import CutoffPolicy, evaluate

from .conftest import NET, random_book

FIELDS = (
    "n_approved",
    "n_bad_approved",
    "volume",
    "interest_income",
    "fee_income",
    "funding_cost",
    "operating_cost",
    "credit_loss",
    "expected_loss",
    "net_profit",
    "approval_rate",
)


@pytest.mark.parametrize("on", ["pd", "points"])
@pytest.mark.parametrize("ties", [True, False])
def test_curve_equals_recomputation_at_random_cutoffs(on, ties, loan_economics):
    book = random_book(300, seed=3, ties=ties)
    curve = profit_curve(book, loan_economics, on=on)
    rng = np.random.default_rng(1)
    values = book.pd if on == "pd" else book.points
    cutoffs = np.r_[rng.choice(values, 15), rng.uniform(values.min(), values.max(), 15)]
    cutoffs = np.r_[cutoffs, values.min() - 1, values.max() + 1]
    for cutoff in cutoffs:
        fast = curve.at(float(cutoff))
        slow = evaluate(book, loan_economics, CutoffPolicy(float(cutoff), on=on))
        for name in FIELDS:
            assert getattr(fast, name) == pytest.approx(getattr(slow, name), abs=1e-6), name
        assert fast.bad_rate == pytest.approx(slow.bad_rate, nan_ok=True)


@pytest.mark.parametrize(
    "economics",
    [
        Economics(
            annual_rate=0.3, term_months=12, rate_by_band=(("A", 0.2), ("B", 0.3), ("C", 0.5))
        ),
        Economics(mode="simple", gain_per_good=0.1, loss_per_bad=0.6),
        Economics(mode="simple", gain_per_good=80.0, loss_per_bad=900.0, simple_units="currency"),
        Economics(annual_rate=0.0, term_months=6, operating_cost_per_loan=30.0),
    ],
    ids=["bands", "simple-fraction", "simple-currency", "zero-rate"],
)
def test_every_pricing_path_matches_recomputation(economics):
    book = random_book(250, seed=8)
    curve = profit_curve(book, economics)
    from_values = profit_curve(book, economics, values=loan_values(book, economics))
    np.testing.assert_allclose(curve.net_profit, from_values.net_profit, atol=1e-6)
    np.testing.assert_allclose(curve.expected_loss, from_values.expected_loss, atol=1e-6)
    for cutoff in (0.03, 0.1, 0.2):
        fast = curve.at(cutoff)
        slow = evaluate(book, economics, CutoffPolicy(cutoff))
        for name in FIELDS:
            assert getattr(fast, name) == pytest.approx(getattr(slow, name), abs=1e-6), name
    np.testing.assert_allclose(
        np.cumsum(curve.sorted_net)[curve.group_end], curve.net_profit[1:], atol=1e-6
    )


@pytest.mark.parametrize(
    "values",
    [
        np.array([0.3, -0.0, 0.0, -2.5, 0.3, 1e-300, -1e-300, 7.0]),
        np.random.default_rng(0).choice([0.1, 0.2, 0.3], 1000),
        # neighbours that differ only in the lowest mantissa bits collide after truncation
        np.nextafter(0.25, 1) * np.ones(500)
        + np.random.default_rng(1).integers(0, 50, 500) * np.spacing(0.25),
        np.random.default_rng(2).beta(2, 12, 5000),
    ],
    ids=["signs", "ties", "collisions", "continuous"],
)
def test_stable_order_equals_a_stable_argsort(values):
    np.testing.assert_array_equal(stable_order(values), np.argsort(values + 0.0, kind="stable"))


def test_three_loan_curve(three_loans, loan_economics):
    """Points: nobody, A, A+B, all; the optimum is 0.10 with 70.3960."""
    curve = profit_curve(three_loans, loan_economics)
    assert curve.cutoff[0] == np.nextafter(0.05, -1)  # approves nobody, yet a valid cut-off
    assert curve.at(float(curve.cutoff[0])).n_approved == 0
    np.testing.assert_allclose(curve.cutoff[1:], [0.05, 0.10, 0.30])
    np.testing.assert_allclose(
        curve.net_profit,
        [0.0, NET["A"], NET["A"] + NET["B"], sum(NET.values())],
        atol=1e-5,
    )
    best = curve.optimum()
    assert best.cutoff == pytest.approx(0.10)
    assert best.net_profit == pytest.approx(NET["A"] + NET["B"], abs=1e-5)
    assert curve.frontier.tolist() == [False, False, True, True]
    # average loan: net if good (20.1320 + 50.2640 + 20.1320) / 3 = 30.1760, net if bad
    # (-333.3551 - 656.7102 - 333.3551) / 3 = -441.1402; break-even 30.1760 / 471.3162
    assert curve.break_even_pd == pytest.approx(0.0640250, abs=1e-6)


def test_constraints_are_respected(loan_economics):
    book = random_book(500, seed=5)
    curve = profit_curve(book, loan_economics)
    free = curve.optimum()
    for kwargs in (
        {"min_approval_rate": 0.95},
        {"max_bad_rate": 0.05},
        {"max_volume": 200_000.0},
        {"min_approval_rate": 0.5, "max_bad_rate": 0.12},
    ):
        result = curve.optimum(**kwargs)
        assert result.approval_rate >= kwargs.get("min_approval_rate", 0)
        assert (result.bad_rate if result.n_approved else 0) <= kwargs.get("max_bad_rate", 1)
        assert result.volume <= kwargs.get("max_volume", math.inf)
        assert result.net_profit <= free.net_profit + 1e-9
        # no feasible point earns more
        ok = np.ones(len(curve), dtype=bool)
        if "min_approval_rate" in kwargs:
            ok &= curve.approval_rate >= kwargs["min_approval_rate"]
        if "max_bad_rate" in kwargs:
            ok &= np.nan_to_num(curve.bad_rate) <= kwargs["max_bad_rate"]
        if "max_volume" in kwargs:
            ok &= curve.volume <= kwargs["max_volume"]
        assert result.net_profit == pytest.approx(curve.net_profit[ok].max())


def test_infeasible_constraints_say_what_is_reachable(loan_economics):
    curve = profit_curve(random_book(200, seed=2), loan_economics)
    with pytest.raises(InfeasibleError, match="no cut-off meets the constraints.*Relax"):
        curve.optimum(min_approval_rate=0.9, max_bad_rate=0.01)


def test_frontier_points_are_not_dominated(loan_economics):
    curve = profit_curve(random_book(300, seed=4), loan_economics)
    frontier = curve.frontier
    assert frontier[-1] and frontier[curve.optimal_index]
    for i in range(len(curve)):
        later = curve.net_profit[i + 1 :]
        dominated = later.size > 0 and later.max() >= curve.net_profit[i]
        assert frontier[i] == (not dominated)


@pytest.mark.parametrize("on", ["pd", "points"])
def test_losing_book_is_best_left_unlent(three_loans, on):
    costly = Economics(mode="simple", gain_per_good=0.0, loss_per_bad=0.5)
    curve = profit_curve(three_loans, costly, on=on)
    best = curve.optimum()
    assert curve.optimal_index == 0 and best.n_approved == 0
    assert evaluate(three_loans, costly, CutoffPolicy(best.cutoff, on=on)).n_approved == 0


def test_query_validates_and_frames(three_loans, loan_economics):
    curve = profit_curve(three_loans, loan_economics)
    with pytest.raises(PolicyError, match="`cutoff` must be a number"):
        curve.at(float("nan"))
    frame = curve.to_frame()
    assert list(frame.columns[:3]) == ["cutoff", "approval_rate", "bad_rate"]
    assert len(frame) == 4
    big = profit_curve(random_book(2000, seed=1, ties=False), loan_economics)
    thin = big.to_frame(max_points=50)
    assert len(thin) <= 51
    assert thin["net_profit"].max() == pytest.approx(big.net_profit.max())  # optimum kept
