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


#: Money components, in the order of :class:`UnitMoney`'s arrays.
COMPONENTS: tuple[str, ...] = ("interest", "fee", "funding_cost", "operating_cost", "credit_loss")
_SIGN = np.array([1.0, 1.0, -1.0, -1.0, -1.0])  # net = interest + fee - costs - loss


@dataclass(frozen=True, eq=False)
class UnitMoney:
    """One loan's money as ``amount * per_amount + per_loan``, were it good or were it bad.

    Arrays of shape (5,) follow :data:`COMPONENTS`; ``el_per_amount`` and ``el_per_loan``
    give the expected loss per unit of PD. Every component of a loan is linear in its
    amount, so sums over any set of loans need only the sums of amounts, bad amounts,
    bad counts and PD-weighted amounts (this is what makes the profit curve fast).
    """

    good_per_amount: np.ndarray
    bad_per_amount: np.ndarray
    good_per_loan: np.ndarray
    bad_per_loan: np.ndarray
    el_per_amount: float
    el_per_loan: float

    def net(self) -> tuple[float, float, float, float]:
        """Net of a good loan and of a bad loan: (good per amount, bad per amount,
        good per loan, bad per loan)."""
        return (
            float(_SIGN @ self.good_per_amount),
            float(_SIGN @ self.bad_per_amount),
            float(_SIGN @ self.good_per_loan),
            float(_SIGN @ self.bad_per_loan),
        )


def unit_money(economics: Economics, annual_rate: float) -> UnitMoney:
    """:class:`UnitMoney` of a loan at ``annual_rate`` under ``economics`` (formulas in the
    docs: instalment, balance at default, balance-months for funding)."""
    zero = np.zeros(5)
    if economics.mode == "simple":
        gain, loss = float(economics.gain_per_good), float(economics.loss_per_bad)
        interest_loss = np.array([gain, 0.0, 0.0, 0.0, 0.0]), np.array([0.0, 0, 0, 0, loss])
        if economics.simple_units == "fraction":
            return UnitMoney(*interest_loss, zero, zero, el_per_amount=loss, el_per_loan=0.0)
        return UnitMoney(zero, zero, *interest_loss, el_per_amount=0.0, el_per_loan=loss)
    term, month = economics.term_months, economics.months_to_default
    funding = economics.annual_funding_cost / 12.0
    pay = float(instalment(1.0, annual_rate, term))
    exposure = float(balance(1.0, annual_rate, term, month - 1))
    fee = economics.origination_fee
    good = [
        pay * term - 1.0,
        fee,
        funding * float(balance_months(1.0, annual_rate, term, term)),
        0.0,
        0.0,
    ]
    bad = [
        pay * (month - 1) - (1.0 - exposure),
        fee,
        funding * float(balance_months(1.0, annual_rate, term, month)),
        0.0,
        economics.lgd * exposure,
    ]
    per_loan = np.array([0.0, 0.0, 0.0, economics.operating_cost_per_loan, 0.0])
    return UnitMoney(
        np.array(good),
        np.array(bad),
        per_loan,
        per_loan.copy(),
        el_per_amount=economics.lgd * exposure,
        el_per_loan=0.0,
    )


def band_index(book: Book, economics: Economics) -> tuple[np.ndarray, np.ndarray] | None:
    """Rate of each band and each applicant's band position, or None for one rate.

    Raises
    ------
    EconomicsError
        When pricing is by band and the book has no bands or a band has no rate.
    """
    rates = economics.band_rates
    if not rates or economics.mode == "simple":
        return None
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
    return np.array([rates[str(label)] for label in labels]), inverse


def loan_rates(book: Book, economics: Economics) -> np.ndarray:
    """Annual rate per applicant, shape (n,): by band when ``rate_by_band`` is set."""
    bands = band_index(book, economics)
    if bands is None:
        return np.full(book.n, economics.annual_rate)
    return bands[0][bands[1]]


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
    bands = band_index(book, economics)
    if bands is None:
        unit = unit_money(economics, economics.annual_rate)
        ga, ba, gk, bk = (
            unit.good_per_amount,
            unit.bad_per_amount,
            unit.good_per_loan,
            unit.bad_per_loan,
        )
        el_a, el_k = unit.el_per_amount, unit.el_per_loan
    else:
        units = [unit_money(economics, rate) for rate in bands[0]]
        inverse = bands[1]

        def stack(name: str) -> np.ndarray:
            return np.stack([getattr(u, name) for u in units])[inverse].T  # (5, n)

        ga, ba = stack("good_per_amount"), stack("bad_per_amount")
        gk, bk = stack("good_per_loan"), stack("bad_per_loan")
        el_a = np.array([u.el_per_amount for u in units])[inverse]
        el_k = np.array([u.el_per_loan for u in units])[inverse]

    def part(index: int, per_amount: np.ndarray, per_loan: np.ndarray) -> np.ndarray:
        value = amount * per_amount[index] + per_loan[index]
        return np.broadcast_to(value, amount.shape).astype(np.float64)

    good_parts = [part(i, ga, gk) for i in range(5)]
    bad_parts = [part(i, ba, bk) for i in range(5)]
    good = 1.0 - bad
    interest = good * good_parts[0] + bad * bad_parts[0]
    fee = good_parts[1]
    funding_cost = good * good_parts[2] + bad * bad_parts[2]
    operating = good_parts[3]
    credit_loss = bad * bad_parts[4]
    net_good = good_parts[0] + fee - good_parts[2] - operating
    net_bad = bad_parts[0] + bad_parts[1] - bad_parts[2] - bad_parts[3] - bad_parts[4]
    return LoanValues(
        amount=amount,
        bad=bad,
        interest=interest,
        fee=fee,
        funding_cost=funding_cost,
        operating_cost=operating,
        credit_loss=credit_loss,
        expected_loss=pd * (amount * el_a + el_k),
        net=interest + fee - funding_cost - operating - credit_loss,
        interest_good=good_parts[0],
        interest_bad=bad_parts[0],
        funding_good=good_parts[2],
        funding_bad=bad_parts[2],
        loss_bad=bad_parts[4],
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
