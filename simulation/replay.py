"""Replay: the book lent applicant by applicant, in application-date order.

Cumulative approvals and net profit under the policy and under the baseline, one value per
applicant, ready for an animated chart. Without dates the replay follows file order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.book import Book
from simulation.cashflow import LoanValues, loan_values
from simulation.economics import Economics
from simulation.policy import Policy, approve, net_per_applicant


@dataclass(frozen=True, eq=False)
class Replay:
    """Cumulative results in replay order, arrays of shape (n,).

    Attributes
    ----------
    order : ndarray of int
        Book positions in replay order.
    date : ndarray of datetime64 or None
        Application date in replay order (None without dates).
    approved_policy, approved_baseline : ndarray
        Cumulative (expected) approvals after each applicant.
    profit_policy, profit_baseline : ndarray
        Cumulative net profit (currency) after each applicant; the last values equal the
        policies' ``net_profit``.
    """

    order: np.ndarray
    date: np.ndarray | None
    approved_policy: np.ndarray
    approved_baseline: np.ndarray
    profit_policy: np.ndarray
    profit_baseline: np.ndarray

    def to_frame(self, *, max_points: int | None = None) -> pd.DataFrame:
        """Table with ``step`` (1-based), ``date``, and the four cumulative columns.

        ``max_points`` keeps about that many evenly spaced steps (always the last) for
        animation frames.
        """
        n = self.order.shape[0]
        rows = np.arange(n)
        if max_points is not None and n > max_points:
            rows = np.unique(np.r_[np.linspace(0, n - 1, max_points).astype(int), n - 1])
        frame = pd.DataFrame(
            {
                "step": rows + 1,
                "approved_policy": self.approved_policy[rows],
                "approved_baseline": self.approved_baseline[rows],
                "profit_policy": self.profit_policy[rows],
                "profit_baseline": self.profit_baseline[rows],
            }
        )
        if self.date is not None:
            frame.insert(1, "date", self.date[rows])
        return frame


def replay(
    book: Book,
    economics: Economics,
    policy: Policy,
    baseline: Policy,
    *,
    values: LoanValues | None = None,
) -> Replay:
    """Lend the book in date order (file order without dates) under policy and baseline."""
    values = loan_values(book, economics) if values is None else values
    order = book.order()
    new = approve(book, policy, values)
    old = approve(book, baseline, values)
    return Replay(
        order=order,
        date=None if book.date is None else book.date[order],
        approved_policy=np.cumsum(new.weight[order]),
        approved_baseline=np.cumsum(old.weight[order]),
        profit_policy=np.cumsum(net_per_applicant(new, values)[order]),
        profit_baseline=np.cumsum(net_per_applicant(old, values)[order]),
    )
