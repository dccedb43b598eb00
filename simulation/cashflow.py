"""Money per applicant if lent: amortisation in closed form, vectorised over the book.

Sign convention: every income and every cost is a non-negative amount in the book's
currency; ``net = interest + fee - funding_cost - operating_cost - credit_loss`` is higher
is better. Nothing is discounted. Formulas (with a worked example) are in
``docs/simulation.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.book import Book
from simulation.economics import Economics
from simulation.errors import EconomicsError


def instalment(
    amount: np.ndarray | float, annual_rate: np.ndarray | float, term_months: int
) -> np.ndarray:
    """Level monthly instalment of an amortising loan.

    ``M = A r / (1 - (1 + r) ** -T)`` with monthly rate ``r = annual_rate / 12``
    (``M = A / T`` when ``r = 0``). Currency per month, shape of the broadcast inputs.
    """
    amount = np.asarray(amount, dtype=np.float64)
    r = np.asarray(annual_rate, dtype=np.float64) / 12.0
    safe = np.where(r > 0, r, 1.0)
    factor = np.where(r > 0, safe / (1.0 - (1.0 + safe) ** -term_months), 1.0 / term_months)
    return amount * factor


def balance(
    amount: np.ndarray | float, annual_rate: np.ndarray | float, term_months: int, paid: int
) -> np.ndarray:
    """Balance outstanding after ``paid`` instalments (currency).

    ``B_k = A g**k - M (g**k - 1) / r`` with ``g = 1 + r``; ``A (1 - k / T)`` when ``r = 0``.
    """
    amount = np.asarray(amount, dtype=np.float64)
    r = np.asarray(annual_rate, dtype=np.float64) / 12.0
    safe = np.where(r > 0, r, 1.0)
    growth = (1.0 + safe) ** paid
    pay = instalment(1.0, annual_rate, term_months)
    unit = np.where(r > 0, growth - pay * (growth - 1.0) / safe, 1.0 - paid / term_months)
    return amount * np.maximum(unit, 0.0)


def balance_months(
    amount: np.ndarray | float, annual_rate: np.ndarray | float, term_months: int, months: int
) -> np.ndarray:
    """Sum of the balances outstanding at the start of months 1..``months`` (currency-months).

    ``S_n = sum_{k=0}^{n-1} B_k = A (g**n - 1) / r - M ((g**n - 1) / r - n) / r``;
    ``A (n - n (n - 1) / (2 T))`` when ``r = 0``. Funding cost is ``annual_funding_cost / 12``
    times this sum.
    """
    amount = np.asarray(amount, dtype=np.float64)
    r = np.asarray(annual_rate, dtype=np.float64) / 12.0
    safe = np.where(r > 0, r, 1.0)
    geometric = ((1.0 + safe) ** months - 1.0) / safe
    pay = instalment(1.0, annual_rate, term_months)
    unit = np.where(
        r > 0,
        geometric - pay * (geometric - months) / safe,
        months - months * (months - 1) / (2.0 * term_months),
    )
    return amount * unit


@dataclass(frozen=True, eq=False)
class LoanValues:
    """Money per applicant if lent, arrays of shape (n,) in currency (costs as positives).

    Attributes
    ----------
    amount : volume lent.
    bad : bad weight in [0, 1] (the outcome, or its stressed expectation).
    interest : interest received (simple mode: the gain on a good loan).
    fee : origination fee received.
    funding_cost : cost of funding the outstanding balance.
    operating_cost : cost of originating and servicing the loan.
    credit_loss : realised loss, ``bad * lgd * balance at default``.
    expected_loss : model's expected loss, ``pd * lgd * balance at default``.
    net : ``interest + fee - funding_cost - operating_cost - credit_loss``.
    interest_good, interest_bad, funding_good, funding_bad : the same were the loan good, bad.
    loss_bad : ``lgd * balance at default`` (the credit loss were the loan bad).
    net_good, net_bad : net of the loan were it good, were it bad.
    """

    amount: np.ndarray
    bad: np.ndarray
    interest: np.ndarray
    fee: np.ndarray
    funding_cost: np.ndarray
    operating_cost: np.ndarray
    credit_loss: np.ndarray
    expected_loss: np.ndarray
    net: np.ndarray
    interest_good: np.ndarray
    interest_bad: np.ndarray
    funding_good: np.ndarray
    funding_bad: np.ndarray
    loss_bad: np.ndarray
    net_good: np.ndarray
    net_bad: np.ndarray


def loan_rates(book: Book, economics: Economics) -> np.ndarray:
    """Annual rate per applicant: by band when ``rate_by_band`` is set, else one rate.

    Raises
    ------
    EconomicsError
        When pricing is by band and the book has no bands or a band has no rate.
    """
    rates = economics.band_rates
    if not rates:
        return np.full(book.n, economics.annual_rate)
    if book.band is None:
        raise EconomicsError(
            "`rate_by_band` needs a band per applicant; the book has none. "
            "Remove `rate_by_band` or score the book with bands."
        )
    labels, inverse = np.unique(book.band, return_inverse=True)
    missing = [str(label) for label in labels if str(label) not in rates]
    if missing:
        raise EconomicsError(
            f"`rate_by_band` must give a rate for every band in the book; missing {missing} "
            f"(priced bands: {sorted(rates)})."
        )
    return np.array([rates[str(label)] for label in labels])[inverse]


def loan_values(
    book: Book,
    economics: Economics,
    *,
    pd: np.ndarray | None = None,
    bad: np.ndarray | None = None,
) -> LoanValues:
    """Money each applicant would bring if lent, under ``economics``.

    Parameters
    ----------
    book : Book
        Applicants (amounts, bands, outcomes, PDs).
    economics : Economics
        Assumptions; see ``docs/simulation.md`` for the formulas.
    pd : ndarray of shape (n,), optional
        PDs used for the expected loss; ``book.pd`` when None (scenarios pass stressed PDs).
    bad : ndarray of shape (n,), optional
        Bad weight in [0, 1]; ``book.outcome`` when None (scenarios pass expectations).

    Returns
    -------
    LoanValues
        Arrays of shape (n,), currency, costs as positive numbers.
    """
    amount = book.amount
    pd = book.pd if pd is None else np.asarray(pd, dtype=np.float64)
    bad = book.outcome.astype(np.float64) if bad is None else np.asarray(bad, dtype=np.float64)
    good = 1.0 - bad
    if economics.mode == "simple":
        scale = amount if economics.simple_units == "fraction" else 1.0
        gain = np.broadcast_to(economics.gain_per_good * scale, amount.shape).astype(np.float64)
        loss = np.broadcast_to(economics.loss_per_bad * scale, amount.shape).astype(np.float64)
        zero = np.zeros_like(amount)
        return LoanValues(
            amount=amount,
            bad=bad,
            interest=good * gain,
            fee=zero,
            funding_cost=zero,
            operating_cost=zero,
            credit_loss=bad * loss,
            expected_loss=pd * loss,
            net=good * gain - bad * loss,
            interest_good=gain,
            interest_bad=zero,
            funding_good=zero,
            funding_bad=zero,
            loss_bad=loss,
            net_good=gain,
            net_bad=-loss,
        )
    term = economics.term_months
    month = economics.months_to_default
    rate = loan_rates(book, economics)
    funding = economics.annual_funding_cost / 12.0
    pay = instalment(amount, rate, term)
    exposure = balance(amount, rate, term, month - 1)  # balance when the loan stops paying
    interest_good = pay * term - amount
    interest_bad = pay * (month - 1) - (amount - exposure)
    funding_good = funding * balance_months(amount, rate, term, term)
    funding_bad = funding * balance_months(amount, rate, term, month)
    fee = economics.origination_fee * amount
    operating = np.full(amount.shape, float(economics.operating_cost_per_loan))
    loss_bad = economics.lgd * exposure
    net_good = interest_good + fee - funding_good - operating
    net_bad = interest_bad + fee - funding_bad - operating - loss_bad
    interest = good * interest_good + bad * interest_bad
    funding_cost = good * funding_good + bad * funding_bad
    credit_loss = bad * loss_bad
    return LoanValues(
        amount=amount,
        bad=bad,
        interest=interest,
        fee=fee,
        funding_cost=funding_cost,
        operating_cost=operating,
        credit_loss=credit_loss,
        expected_loss=pd * loss_bad,
        net=interest + fee - funding_cost - operating - credit_loss,
        interest_good=interest_good,
        interest_bad=interest_bad,
        funding_good=funding_good,
        funding_bad=funding_bad,
        loss_bad=loss_bad,
        net_good=net_good,
        net_bad=net_bad,
    )


def break_even_pd(net_good: float, net_bad: float) -> float:
    """PD at which a loan's expected net is zero: ``G / (G - N_bad)`` for ``G = net_good``.

    1.0 when a bad loan still makes money; 0.0 when a good loan loses money.
    """
    if net_bad >= 0:
        return 1.0
    if net_good <= 0:
        return 0.0
    return float(net_good / (net_good - net_bad))
