"""Approval policies and what one policy earns on a book.

Three policies: one cut-off (approve at or below a PD, or at or above a score), two cut-offs
with a manual-review lane in between (capacity, cost per review, reviewer accuracy), and the
baseline rule to beat (approve everyone, or a column at least a value). Each policy turns
into an approval weight per applicant in [0, 1] (the probability the applicant is lent to),
and a :class:`PolicyResult` is a weighted sum of :class:`~simulation.cashflow.LoanValues`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from data.spec import BaselineRule
from simulation.book import Book
from simulation.cashflow import LoanValues, loan_values
from simulation.economics import Economics
from simulation.errors import PolicyError

On = Literal["pd", "points"]


def _check_on(on: str) -> None:
    if on not in ("pd", "points"):
        raise PolicyError(f"`on` must be 'pd' or 'points'; got {on!r}.")


def _check_finite(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PolicyError(f"`{name}` must be a finite number; got {value!r}.")


def _check_unit(name: str, value: Any) -> None:
    _check_finite(name, value)
    if not 0.0 <= value <= 1.0:
        raise PolicyError(f"`{name}` must be a fraction in [0, 1]; got {value!r}.")


@dataclass(frozen=True)
class CutoffPolicy:
    """Approve at or below ``cutoff`` PD (``on="pd"``) or at or above ``cutoff`` points."""

    cutoff: float
    on: On = "pd"

    def __post_init__(self) -> None:
        _check_on(self.on)
        _check_finite("cutoff", self.cutoff)

    @property
    def label(self) -> str:
        """Short description for tables and memos."""
        sign = "<=" if self.on == "pd" else ">="
        return f"Approve {self.on} {sign} {self.cutoff:g}"


@dataclass(frozen=True)
class ReferPolicy:
    """Two cut-offs: approve, refer to manual review, decline.

    With ``on="pd"``: approve when ``pd <= approve_cutoff``, decline when
    ``pd > decline_cutoff``, refer in between. With ``on="points"``: approve when
    ``points >= approve_cutoff``, decline when ``points < decline_cutoff``.

    Parameters
    ----------
    review_capacity : int or None
        Most referrals reviewed; the safest referrals (lowest PD, highest points) are reviewed
        first and the rest are declined. None for no limit.
    cost_per_review : float
        Currency per reviewed application, whatever the reviewer decides.
    accuracy_bad : float
        Probability a reviewer declines a referred applicant who turns out bad.
    accuracy_good : float
        Probability a reviewer approves a referred applicant who turns out good.
    """

    approve_cutoff: float
    decline_cutoff: float
    on: On = "pd"
    review_capacity: int | None = None
    cost_per_review: float = 0.0
    accuracy_bad: float = 0.7
    accuracy_good: float = 0.9

    def __post_init__(self) -> None:
        _check_on(self.on)
        _check_finite("approve_cutoff", self.approve_cutoff)
        _check_finite("decline_cutoff", self.decline_cutoff)
        ordered = (
            self.approve_cutoff <= self.decline_cutoff
            if self.on == "pd"
            else self.approve_cutoff >= self.decline_cutoff
        )
        if not ordered:
            word = "at most" if self.on == "pd" else "at least"
            raise PolicyError(
                f"`approve_cutoff` must be {word} `decline_cutoff` on {self.on}; got "
                f"{self.approve_cutoff!r} and {self.decline_cutoff!r}. Swap them."
            )
        if self.review_capacity is not None and (
            isinstance(self.review_capacity, bool)
            or not isinstance(self.review_capacity, int)
            or self.review_capacity < 0
        ):
            raise PolicyError(
                f"`review_capacity` must be a whole number at least 0 or None; "
                f"got {self.review_capacity!r}."
            )
        _check_finite("cost_per_review", self.cost_per_review)
        if self.cost_per_review < 0:
            raise PolicyError(
                f"`cost_per_review` must be at least 0; got {self.cost_per_review!r}."
            )
        _check_unit("accuracy_bad", self.accuracy_bad)
        _check_unit("accuracy_good", self.accuracy_good)

    @property
    def label(self) -> str:
        """Short description for tables and memos."""
        cuts = f"{self.approve_cutoff:g}/{self.decline_cutoff:g}"
        return f"Approve/refer/decline on {self.on} at {cuts}"


@dataclass(frozen=True)
class BaselinePolicy:
    """Today's policy: approve when ``column >= min_value`` (everyone when ``column`` is "")."""

    rule: BaselineRule = BaselineRule()

    @property
    def label(self) -> str:
        """The rule's own label."""
        return self.rule.label


Policy = CutoffPolicy | ReferPolicy | BaselinePolicy


@dataclass(frozen=True)
class PolicyResult:
    """What one policy earns on a book. Money in ``currency``; costs as positive numbers.

    Counts of approved applicants are expected counts (fractional) when a review lane
    decides some of them; ``n_referred`` counts referrals, ``n_reviewed`` those reviewed.
    ``bad_rate`` is among approved (NaN when none are), ``return_on_volume`` is
    ``net_profit / volume`` (NaN when nothing is lent), ``expected_loss`` is the model's
    ``pd * lgd * exposure`` over approved loans, ``realised_loss`` the loss from outcomes.
    """

    label: str
    cutoff: float | None
    n_applicants: int
    n_approved: float
    n_referred: int
    n_reviewed: int
    n_declined: float
    approval_rate: float
    n_bad_approved: float
    bad_rate: float
    volume: float
    interest_income: float
    fee_income: float
    funding_cost: float
    operating_cost: float
    review_cost: float
    credit_loss: float
    net_profit: float
    return_on_volume: float
    expected_loss: float
    currency: str = ""

    @property
    def realised_loss(self) -> float:
        """Credit loss from observed outcomes (same as ``credit_loss``)."""
        return self.credit_loss

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping of every field plus ``realised_loss``."""
        values = asdict(self)
        values["realised_loss"] = self.credit_loss
        return values


def result_from_sums(
    *,
    label: str,
    cutoff: float | None,
    n_applicants: int,
    approved: float,
    bad: float,
    volume: float,
    interest: float,
    fee: float,
    funding: float,
    operating: float,
    loss: float,
    expected_loss: float,
    review_cost: float = 0.0,
    n_referred: int = 0,
    n_reviewed: int = 0,
    currency: str = "",
) -> PolicyResult:
    """Assemble a :class:`PolicyResult` from sums over approved loans (derived rates here)."""
    net = interest + fee - funding - operating - loss - review_cost
    return PolicyResult(
        label=label,
        cutoff=cutoff,
        n_applicants=n_applicants,
        n_approved=approved,
        n_referred=n_referred,
        n_reviewed=n_reviewed,
        n_declined=n_applicants - approved,
        approval_rate=approved / n_applicants if n_applicants else math.nan,
        n_bad_approved=bad,
        bad_rate=bad / approved if approved > 0 else math.nan,
        volume=volume,
        interest_income=interest,
        fee_income=fee,
        funding_cost=funding,
        operating_cost=operating,
        review_cost=review_cost,
        credit_loss=loss,
        net_profit=net,
        return_on_volume=net / volume if volume > 0 else math.nan,
        expected_loss=expected_loss,
        currency=currency,
    )


def _risk(book: Book, on: str) -> np.ndarray:
    """Key where lower is safer: PD, or minus points."""
    if on == "pd":
        return book.pd
    if book.points is None:
        raise PolicyError("a cut-off on points needs score points; the book has none. Use on='pd'.")
    return -book.points


def baseline_approved(book: Book, rule: BaselineRule) -> np.ndarray:
    """Approval (bool, shape (n,)) under a baseline rule; everyone when the rule has no column.

    Non-numeric and missing values count as missing and follow ``rule.missing``.
    """
    if not rule.column:
        return np.ones(book.n, dtype=bool)
    if rule.min_value is None:
        raise PolicyError(f"baseline rule on `{rule.column}` must give `min_value`; got None.")
    if rule.missing not in ("approve", "decline"):
        raise PolicyError(
            f"baseline `missing` must be 'approve' or 'decline'; got {rule.missing!r}."
        )
    values = pd.to_numeric(pd.Series(book.column(rule.column)), errors="coerce").to_numpy(
        dtype=np.float64
    )
    missing = np.isnan(values)
    return np.where(missing, rule.missing == "approve", values >= rule.min_value)


@dataclass(frozen=True, eq=False)
class Approval:
    """Who a policy lends to: expected approved good and bad mass per applicant, shape (n,).

    For a plain decision ``good = a * (1 - bad)`` and ``bad = a * bad`` with ``a`` 0 or 1;
    a reviewer approves a referred good applicant with probability ``accuracy_good`` and a
    referred bad one with ``1 - accuracy_bad``.
    """

    good: np.ndarray
    bad: np.ndarray
    n_referred: int = 0
    n_reviewed: int = 0
    review_cost: float = 0.0
    cost_per_review: float = 0.0
    reviewed: np.ndarray | None = None

    @property
    def weight(self) -> np.ndarray:
        """Probability each applicant is lent to, shape (n,)."""
        return self.good + self.bad


def _plain(approved: np.ndarray, values: LoanValues) -> Approval:
    approved = approved.astype(np.float64)
    return Approval(good=approved * (1.0 - values.bad), bad=approved * values.bad)


def approve(book: Book, policy: Policy, values: LoanValues) -> Approval:
    """Apply ``policy`` to ``book``: who is lent to, and the review lane's counts and cost."""
    if isinstance(policy, BaselinePolicy):
        return _plain(baseline_approved(book, policy.rule), values)
    if isinstance(policy, CutoffPolicy):
        limit = policy.cutoff if policy.on == "pd" else -policy.cutoff
        return _plain(_risk(book, policy.on) <= limit, values)
    if not isinstance(policy, ReferPolicy):
        raise PolicyError(
            f"`policy` must be a CutoffPolicy, ReferPolicy or BaselinePolicy; "
            f"got {type(policy).__name__}."
        )
    risk = _risk(book, policy.on)
    sign = 1.0 if policy.on == "pd" else -1.0
    low, high = sign * policy.approve_cutoff, sign * policy.decline_cutoff
    plain = _plain(risk <= low, values)
    good, bad = plain.good.copy(), plain.bad.copy()
    referred = np.flatnonzero((risk > low) & (risk <= high))
    referred = referred[np.argsort(risk[referred], kind="stable")]
    capacity = len(referred) if policy.review_capacity is None else policy.review_capacity
    reviewed = referred[:capacity]
    good[reviewed] = (1.0 - values.bad[reviewed]) * policy.accuracy_good
    bad[reviewed] = values.bad[reviewed] * (1.0 - policy.accuracy_bad)
    return Approval(
        good=good,
        bad=bad,
        n_referred=int(len(referred)),
        n_reviewed=int(len(reviewed)),
        review_cost=float(len(reviewed) * policy.cost_per_review),
        cost_per_review=float(policy.cost_per_review),
        reviewed=np.isin(np.arange(book.n), reviewed),
    )


def summarise(
    approval: Approval,
    values: LoanValues,
    *,
    label: str,
    cutoff: float | None = None,
    currency: str = "",
    rows: np.ndarray | None = None,
) -> PolicyResult:
    """Sum the money of approved loans (optionally only ``rows``, an index or mask).

    For a subset of rows, ``n_referred`` is not tracked (0) and the review cost is that of
    the reviewed rows in the subset.
    """
    take = slice(None) if rows is None else rows
    good, bad = approval.good[take], approval.bad[take]
    both = good + bad
    n = int(np.asarray(values.amount[take]).shape[0])
    n_reviewed, review_cost = approval.n_reviewed, approval.review_cost
    if rows is not None:
        n_reviewed = 0 if approval.reviewed is None else int(approval.reviewed[take].sum())
        review_cost = n_reviewed * approval.cost_per_review
    return result_from_sums(
        label=label,
        cutoff=cutoff,
        n_applicants=n,
        approved=float(both.sum()),
        bad=float(bad.sum()),
        volume=float(both @ values.amount[take]),
        interest=float(good @ values.interest_good[take] + bad @ values.interest_bad[take]),
        fee=float(both @ values.fee[take]),
        funding=float(good @ values.funding_good[take] + bad @ values.funding_bad[take]),
        operating=float(both @ values.operating_cost[take]),
        loss=float(bad @ values.loss_bad[take]),
        expected_loss=float(both @ values.expected_loss[take]),
        review_cost=review_cost,
        n_referred=approval.n_referred if rows is None else 0,
        n_reviewed=n_reviewed,
        currency=currency,
    )


def net_per_applicant(approval: Approval, values: LoanValues) -> np.ndarray:
    """Expected net profit each applicant brings under ``approval`` (currency, shape (n,)).

    A reviewed applicant also carries the cost of the review, so the sum equals the policy's
    ``net_profit``.
    """
    net = approval.good * values.net_good + approval.bad * values.net_bad
    if approval.reviewed is not None:
        net = net - approval.reviewed * approval.cost_per_review
    return net


def evaluate(
    book: Book,
    economics: Economics,
    policy: Policy,
    *,
    values: LoanValues | None = None,
) -> PolicyResult:
    """What ``policy`` earns on ``book`` under ``economics``.

    Parameters
    ----------
    book : Book
        Held-out applicants.
    economics : Economics
        Money assumptions.
    policy : CutoffPolicy, ReferPolicy or BaselinePolicy
        Decision rule.
    values : LoanValues, optional
        Precomputed money per applicant (a stress scenario passes its own).

    Returns
    -------
    PolicyResult
        Counts, rates and money of the approved loans; the review cost is subtracted
        from the net profit.
    """
    values = loan_values(book, economics) if values is None else values
    approval = approve(book, policy, values)
    cutoff = getattr(policy, "cutoff", None)
    return summarise(
        approval,
        values,
        label=policy.label,
        cutoff=None if cutoff is None else float(cutoff),
        currency=book.currency,
    )
