"""Loan money: amortisation against a month-by-month schedule, and the 3-loan book by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.book import Book
from simulation.cashflow import (
    balance,
    balance_months,
    break_even_pd,
    instalment,
    loan_values,
)
from simulation.economics import Economics
from simulation.errors import EconomicsError

from .conftest import EXPOSURE, NET


def _schedule(amount, annual_rate, term):
    """Month-by-month amortisation: balance at the start of each month, and the instalment."""
    r = annual_rate / 12
    pay = amount / term if r == 0 else amount * r / (1 - (1 + r) ** -term)
    balances = [amount]
    for _ in range(term):
        balances.append(balances[-1] * (1 + r) - pay)
    return pay, balances


@settings(max_examples=60, deadline=None)
@given(
    amount=st.floats(10, 1e6),
    annual_rate=st.one_of(st.just(0.0), st.floats(0.001, 2.0)),
    term=st.integers(1, 60),
    data=st.data(),
)
def test_closed_forms_match_the_schedule(amount, annual_rate, term, data):
    paid = data.draw(st.integers(0, term))
    pay, balances = _schedule(amount, annual_rate, term)
    assert float(instalment(amount, annual_rate, term)) == pytest.approx(pay, rel=1e-9)
    assert float(balance(amount, annual_rate, term, paid)) == pytest.approx(
        balances[paid], rel=1e-7, abs=1e-6 * amount
    )
    assert float(balance_months(amount, annual_rate, term, paid)) == pytest.approx(
        sum(balances[:paid]), rel=1e-7, abs=1e-6 * amount
    )
    assert abs(balances[term]) < 1e-6 * amount  # the schedule pays the loan off


def test_three_loan_book_in_loan_mode(three_loans, loan_economics):
    """Figures from the table in conftest's docstring (and docs/simulation.md)."""
    values = loan_values(three_loans, loan_economics)
    np.testing.assert_allclose(values.interest, [40.264018, 80.528036, 20.0], atol=1e-5)
    np.testing.assert_allclose(values.fee, [10.0, 20.0, 10.0])
    np.testing.assert_allclose(values.funding_cost, [20.132009, 40.264018, 16.732453], atol=1e-5)
    np.testing.assert_allclose(values.operating_cost, [10.0, 10.0, 10.0])
    np.testing.assert_allclose(values.credit_loss, [0.0, 0.0, 336.622664], atol=1e-5)
    np.testing.assert_allclose(values.net, [NET["A"], NET["B"], NET["C"]], atol=1e-5)
    np.testing.assert_allclose(
        values.expected_loss,
        [0.05 * 0.5 * EXPOSURE, 0.10 * 0.5 * 2 * EXPOSURE, 0.30 * 0.5 * EXPOSURE],
        atol=1e-5,
    )
    # a good loan's net is its net_good; a bad one's its net_bad
    np.testing.assert_allclose(values.net[:2], values.net_good[:2])
    assert values.net[2] == pytest.approx(values.net_bad[2])


def test_three_loan_book_in_simple_mode(three_loans):
    """Gain 10% of the amount on a good loan, lose 60% on a bad one: +100, +200, -600."""
    fraction = Economics(mode="simple", gain_per_good=0.1, loss_per_bad=0.6)
    np.testing.assert_allclose(loan_values(three_loans, fraction).net, [100.0, 200.0, -600.0])
    money = Economics(mode="simple", gain_per_good=50, loss_per_bad=400, simple_units="currency")
    values = loan_values(three_loans, money)
    np.testing.assert_allclose(values.net, [50.0, 50.0, -400.0])
    np.testing.assert_allclose(values.expected_loss, [20.0, 40.0, 120.0])
    assert values.funding_cost.sum() == 0 and values.fee.sum() == 0


def test_risk_based_pricing_uses_the_band_rate(three_loans, loan_economics):
    """Band A at 0% interest: A repays 1,000 in three instalments of 333.33, earns nothing."""
    priced = loan_economics.replace(rate_by_band=(("A", 0.0), ("B", 0.24), ("C", 0.24)))
    values = loan_values(three_loans, priced)
    assert values.interest[0] == pytest.approx(0.0, abs=1e-9)
    # funding on balances 1000, 666.67, 333.33 at 1% a month = 20.00
    assert values.funding_cost[0] == pytest.approx(20.0)
    np.testing.assert_allclose(values.net[1:], [NET["B"], NET["C"]], atol=1e-5)


def test_risk_based_pricing_needs_every_band(three_loans, loan_economics):
    priced = loan_economics.replace(rate_by_band=(("A", 0.2),))
    with pytest.raises(EconomicsError, match=r"missing \['B', 'C'\]"):
        loan_values(three_loans, priced)
    unbanded = Book(pd=[0.1], outcome=[0], amount=[1.0])
    with pytest.raises(EconomicsError, match="the book has none"):
        loan_values(unbanded, priced)


def test_break_even_pd():
    assert break_even_pd(20.0, -80.0) == pytest.approx(0.2)
    assert break_even_pd(20.0, 5.0) == 1.0
    assert break_even_pd(-1.0, -80.0) == 0.0
