"""Policies on the 3-loan book (see conftest): one cut-off, the review lane, the baseline."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import make_scorer

from data.spec import BaselineRule
from simulation.economics import Economics
from simulation.errors import EconomicsError, PolicyError
from simulation.policy import (
    BaselinePolicy,
    CutoffPolicy,
    ReferPolicy,
    baseline_approved,
    evaluate,
)
from simulation.scoring import max_profit, profit_at_cutoff

from .conftest import NET


def test_one_cutoff_on_pd(three_loans, loan_economics):
    """Cut-off 0.10 approves A and B: net 20.1320 + 50.2640 = 70.3960 on 3,000 lent."""
    result = evaluate(three_loans, loan_economics, CutoffPolicy(0.10))
    assert (result.n_approved, result.n_declined, result.n_bad_approved) == (2, 1, 0)
    assert result.approval_rate == pytest.approx(2 / 3)
    assert result.bad_rate == 0.0
    assert result.volume == 3000.0
    assert result.net_profit == pytest.approx(NET["A"] + NET["B"], abs=1e-5)
    assert result.return_on_volume == pytest.approx((NET["A"] + NET["B"]) / 3000)
    assert result.fee_income == pytest.approx(30.0)
    assert result.operating_cost == pytest.approx(20.0)
    assert result.realised_loss == 0.0
    assert result.expected_loss == pytest.approx(16.831133 + 67.324533, abs=1e-5)


def test_everyone_approved_reports_loss_and_bad_rate(three_loans, loan_economics):
    result = evaluate(three_loans, loan_economics, CutoffPolicy(1.0))
    assert result.bad_rate == pytest.approx(1 / 3)
    assert result.credit_loss == pytest.approx(336.622664, abs=1e-5)
    assert result.net_profit == pytest.approx(sum(NET.values()), abs=1e-5)


def test_nobody_approved_has_no_rates(three_loans, loan_economics):
    result = evaluate(three_loans, loan_economics, CutoffPolicy(0.01))
    assert result.n_approved == 0 and result.net_profit == 0
    assert math.isnan(result.bad_rate) and math.isnan(result.return_on_volume)


def test_cutoff_on_points_approves_at_or_above(three_loans, loan_economics):
    result = evaluate(three_loans, loan_economics, CutoffPolicy(620.0, on="points"))
    assert result.n_approved == 2
    assert result.net_profit == pytest.approx(NET["A"] + NET["B"], abs=1e-5)


def test_review_lane_with_capacity(three_loans, loan_economics):
    """A approved; B and C referred; capacity 1 reviews B (lower PD), C is declined.

    B is good, approved with probability 0.9: net 20.1320 + 0.9 * 50.2640 - 5 (review)
    = 60.3696; 1.9 expected approvals; volume 1,000 + 0.9 * 2,000 = 2,800.
    """
    policy = ReferPolicy(
        0.05, 0.30, review_capacity=1, cost_per_review=5.0, accuracy_bad=0.8, accuracy_good=0.9
    )
    result = evaluate(three_loans, loan_economics, policy)
    assert (result.n_referred, result.n_reviewed) == (2, 1)
    assert result.n_approved == pytest.approx(1.9)
    assert result.volume == pytest.approx(2800.0)
    assert result.review_cost == 5.0
    assert result.net_profit == pytest.approx(NET["A"] + 0.9 * NET["B"] - 5.0, abs=1e-5)


def test_review_lane_without_capacity_lets_some_bad_through(three_loans, loan_economics):
    """C (bad) is reviewed too and approved with probability 1 - 0.8 = 0.2."""
    policy = ReferPolicy(0.05, 0.30, cost_per_review=5.0, accuracy_bad=0.8, accuracy_good=0.9)
    result = evaluate(three_loans, loan_economics, policy)
    assert result.n_approved == pytest.approx(2.1)
    assert result.n_bad_approved == pytest.approx(0.2)
    assert result.bad_rate == pytest.approx(0.2 / 2.1)
    expected = NET["A"] + 0.9 * NET["B"] + 0.2 * NET["C"] - 10.0
    assert result.net_profit == pytest.approx(expected, abs=1e-5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"approve_cutoff": 0.3, "decline_cutoff": 0.1}, "must be at most `decline_cutoff`"),
        ({"accuracy_bad": 1.2}, r"`accuracy_bad` must be a fraction in \[0, 1\]"),
        ({"review_capacity": -1}, "`review_capacity` must be a whole number"),
        ({"cost_per_review": -2.0}, "`cost_per_review` must be at least 0"),
        ({"on": "score"}, "`on` must be 'pd' or 'points'"),
    ],
)
def test_invalid_review_lanes(kwargs, message):
    values = {"approve_cutoff": 0.1, "decline_cutoff": 0.2}
    values.update(kwargs)
    with pytest.raises(PolicyError, match=message):
        ReferPolicy(**values)


def test_points_policy_needs_points(loan_economics):
    from simulation.book import Book

    book = Book(pd=[0.1], outcome=[0], amount=[1.0])
    with pytest.raises(PolicyError, match="needs score points"):
        evaluate(book, loan_economics, CutoffPolicy(600, on="points"))


def test_baseline_rule_and_missing_values(three_loans, loan_economics):
    """bureau = 700, missing, 550: at least 600 approves A; missing follows the rule."""
    decline = BaselineRule("bureau >= 600", "bureau", 600.0, "decline")
    approve = BaselineRule("bureau >= 600", "bureau", 600.0, "approve")
    assert baseline_approved(three_loans, decline).tolist() == [True, False, False]
    assert baseline_approved(three_loans, approve).tolist() == [True, True, False]
    assert baseline_approved(three_loans, BaselineRule()).all()
    result = evaluate(three_loans, loan_economics, BaselinePolicy(decline))
    assert result.net_profit == pytest.approx(NET["A"], abs=1e-5)
    assert result.label == "bureau >= 600"
    with pytest.raises(PolicyError, match="must give `min_value`"):
        baseline_approved(three_loans, BaselineRule("x", "bureau", None))


def test_scorers_are_higher_is_better_money(three_loans, loan_economics):
    args = (three_loans.outcome, three_loans.pd)
    amount = three_loans.amount
    at = profit_at_cutoff(*args, economics=loan_economics, cutoff=0.10, amount=amount)
    assert at == pytest.approx(NET["A"] + NET["B"], abs=1e-5)
    assert max_profit(*args, economics=loan_economics, amount=amount) == pytest.approx(at)
    with pytest.raises(EconomicsError, match="`amount` must be given"):
        max_profit(*args, economics=loan_economics)


def test_scorer_works_with_scikit_learn():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    y = (rng.uniform(size=300) < 1 / (1 + np.exp(-(X[:, 0] * 2 - 2)))).astype(int)
    model = LogisticRegression().fit(X, y)
    economics = Economics(mode="simple", gain_per_good=0.1, loss_per_bad=0.5, default_amount=1000)
    scorer = make_scorer(max_profit, response_method="predict_proba", economics=economics)
    score = scorer(model, X, y)
    direct = max_profit(y, model.predict_proba(X)[:, 1], economics=economics)
    assert score == pytest.approx(direct) and score > 0
