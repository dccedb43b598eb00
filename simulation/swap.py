"""Swap set against the baseline, and the inclusion view.

The swap set splits applicants four ways by what the new policy and the baseline decide:
kept approvals (both approve), swap-ins (only the policy approves), swap-outs (only the
baseline approves) and kept declines. Each cell reports its count, bad rate and the net
profit its applicants bring when lent to, so the cells add up to the whole book.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.book import Book
from simulation.cashflow import LoanValues, loan_values
from simulation.economics import Economics
from simulation.errors import PolicyError
from simulation.policy import (
    Approval,
    BaselinePolicy,
    CutoffPolicy,
    Policy,
    approve,
    net_per_applicant,
)

CELLS: tuple[str, ...] = ("kept_approvals", "swap_ins", "swap_outs", "kept_declines")


@dataclass(frozen=True)
class SwapCell:
    """One cell of the swap set.

    ``count`` and ``n_bad`` are expected counts (fractional under a review lane);
    ``bad_rate`` is ``n_bad / count`` (NaN for an empty cell); ``profit`` is the net profit
    (currency) these applicants bring when lent to: earned for kept approvals and swap-ins,
    given up for swap-outs, forgone (usually a loss avoided) for kept declines.
    """

    name: str
    count: float
    n_bad: float
    bad_rate: float
    profit: float


@dataclass(frozen=True)
class SwapSet:
    """The four cells; ``count`` sums to the book size and ``profit`` to the book's total."""

    kept_approvals: SwapCell
    swap_ins: SwapCell
    swap_outs: SwapCell
    kept_declines: SwapCell
    policy_label: str
    baseline_label: str

    def cells(self) -> tuple[SwapCell, ...]:
        """The cells in table order."""
        return (self.kept_approvals, self.swap_ins, self.swap_outs, self.kept_declines)

    def to_frame(self) -> pd.DataFrame:
        """One row per cell: ``cell``, ``count``, ``n_bad``, ``bad_rate``, ``profit``."""
        return pd.DataFrame(
            {
                "cell": [c.name for c in self.cells()],
                "count": [c.count for c in self.cells()],
                "n_bad": [c.n_bad for c in self.cells()],
                "bad_rate": [c.bad_rate for c in self.cells()],
                "profit": [c.profit for c in self.cells()],
            }
        )


def _plain_weight(approval: Approval, name: str) -> np.ndarray:
    if approval.reviewed is not None:
        raise PolicyError(
            f"`{name}` must be a one cut-off or baseline policy for the swap set; "
            "got a policy with a review lane."
        )
    return approval.weight


def _cell(name: str, good: np.ndarray, bad: np.ndarray, values: LoanValues) -> SwapCell:
    count = float(good.sum() + bad.sum())
    n_bad = float(bad.sum())
    profit = float(good @ values.net_good + bad @ values.net_bad)
    return SwapCell(
        name=name,
        count=count,
        n_bad=n_bad,
        bad_rate=n_bad / count if count > 0 else float("nan"),
        profit=profit,
    )


def swap_set(
    book: Book,
    economics: Economics,
    policy: Policy,
    baseline: CutoffPolicy | BaselinePolicy,
    *,
    values: LoanValues | None = None,
) -> SwapSet:
    """Compare ``policy`` with ``baseline`` applicant by applicant.

    Parameters
    ----------
    book, economics : Book, Economics
        Applicants and money assumptions.
    policy : CutoffPolicy, ReferPolicy or BaselinePolicy
        The new policy (a review lane gives expected, fractional counts).
    baseline : CutoffPolicy or BaselinePolicy
        Today's policy.
    values : LoanValues, optional
        Precomputed money per applicant.
    """
    values = loan_values(book, economics) if values is None else values
    new = approve(book, policy, values)
    old = _plain_weight(approve(book, baseline, values), "baseline")
    total_good, total_bad = 1.0 - values.bad, values.bad
    cells = {
        "kept_approvals": (new.good * old, new.bad * old),
        "swap_ins": (new.good * (1 - old), new.bad * (1 - old)),
        "swap_outs": ((total_good - new.good) * old, (total_bad - new.bad) * old),
        "kept_declines": ((total_good - new.good) * (1 - old), (total_bad - new.bad) * (1 - old)),
    }
    built = {name: _cell(name, good, bad, values) for name, (good, bad) in cells.items()}
    return SwapSet(**built, policy_label=policy.label, baseline_label=baseline.label)


def missing_mask(book: Book, column: str) -> np.ndarray:
    """Applicants whose ``column`` is missing or not numeric (e.g. thin file: no bureau score)."""
    values = pd.to_numeric(pd.Series(book.column(column)), errors="coerce")
    return values.isna().to_numpy()


def inclusion(
    book: Book,
    economics: Economics,
    policies: dict[str, Policy],
    group: np.ndarray,
    *,
    group_label: str = "group",
    values: LoanValues | None = None,
) -> pd.DataFrame:
    """How each policy treats one group of applicants (e.g. thin-file applicants).

    Parameters
    ----------
    policies : dict of str to policy
        Name shown in the table -> policy (typically the new policy and the baseline).
    group : ndarray of bool, shape (n,)
        Members of the group.

    Returns
    -------
    pandas.DataFrame
        One row per policy: ``policy``, ``group``, ``n_group``, ``n_approved``,
        ``approval_rate``, ``bad_rate``, ``net_profit`` (currency).
    """
    group = np.asarray(group, dtype=bool)
    if group.shape != (book.n,):
        raise PolicyError(f"`group` must be a mask of shape ({book.n},); got {group.shape!r}.")
    values = loan_values(book, economics) if values is None else values
    rows = []
    n_group = int(group.sum())
    for name, policy in policies.items():
        approval = approve(book, policy, values)
        good, bad = approval.good[group], approval.bad[group]
        approved = float(good.sum() + bad.sum())
        rows.append(
            {
                "policy": name,
                "group": group_label,
                "n_group": n_group,
                "n_approved": approved,
                "approval_rate": approved / n_group if n_group else float("nan"),
                "bad_rate": float(bad.sum()) / approved if approved > 0 else float("nan"),
                "net_profit": float(net_per_applicant(approval, values)[group].sum()),
            }
        )
    return pd.DataFrame(rows)
