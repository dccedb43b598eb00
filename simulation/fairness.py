"""Segments and the fairness screen: outcomes per group, and the adverse impact ratio.

The adverse impact ratio (AIR) of a group is its approval rate divided by the reference
group's (by default the group with the highest approval rate). The 0.80 threshold is the
"four-fifths rule" of US employment selection rules (29 CFR 1607.4(D)); in lending it is a
screening convention, not a legal test: a flag means "look closer", so every ratio is
reported with its counts, a Fisher exact test and a small-group warning.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import fisher_exact

from simulation.book import Book
from simulation.cashflow import LoanValues, loan_values
from simulation.economics import Economics
from simulation.errors import PolicyError
from simulation.policy import Policy, approve, net_per_applicant

AIR_THRESHOLD = 0.80
MISSING_GROUP = "(missing)"


MAX_GROUPS = 12


def group_labels(values: np.ndarray) -> np.ndarray:
    """Group label per applicant, shape (n,): the value as text, ``"(missing)"`` for missing.

    A numeric column with more than 12 distinct values (an age, an income) is cut into 5
    quantile groups labelled by their interval, e.g. ``"[25, 34)"``.
    """
    series = pd.Series(values, dtype=object)
    numeric = pd.to_numeric(series, errors="coerce")
    if numeric.notna().sum() == series.notna().sum() and numeric.nunique() > MAX_GROUPS:
        edges = np.unique(np.nanquantile(numeric.to_numpy(dtype=float), np.linspace(0, 1, 6)))
        codes = np.searchsorted(edges[1:-1], numeric.to_numpy(dtype=float), side="right")
        names = [
            f"[{lo:g}, {hi:g})" if i < len(edges) - 2 else f"[{lo:g}, {hi:g}]"
            for i, (lo, hi) in enumerate(zip(edges[:-1], edges[1:], strict=True))
        ]
        labels = np.array(names, dtype=object)[np.minimum(codes, len(names) - 1)]
        return np.where(numeric.isna(), MISSING_GROUP, labels).astype(str)
    return series.where(series.notna(), MISSING_GROUP).astype(str).to_numpy()


def group_outcomes(
    book: Book,
    economics: Economics,
    policy: Policy,
    column: str,
    *,
    reference: str | None = None,
    min_group: int = 30,
    alpha: float = 0.05,
    values: LoanValues | None = None,
) -> pd.DataFrame:
    """Approval rate, bad rate, profit and adverse impact ratio per group of ``column``.

    Parameters
    ----------
    book, economics, policy : Book, Economics, policy
        Applicants, money assumptions and the policy screened.
    column : str
        A segment or protected column of the book; missing values form ``"(missing)"``.
    reference : str, optional
        Reference group; when None, the group with the highest approval rate among groups
        of at least ``min_group`` applicants (among all groups if none is that large).
    min_group : int
        Groups with fewer applicants get ``small_group = True``: their ratios are noisy.
    alpha : float
        Significance level of the two-sided Fisher exact test on approved/declined counts
        (group against reference).

    Returns
    -------
    pandas.DataFrame
        One row per group: ``column``, ``group``, ``n``, ``n_approved``, ``approval_rate``,
        ``n_bad_approved``, ``bad_rate`` (NaN with no approvals), ``net_profit``
        (currency), ``air`` (NaN when the reference approves nobody), ``p_value``,
        ``flagged`` (``air < 0.80``), ``significant`` (``p_value < alpha``),
        ``small_group``, ``reference``.
    """
    values = loan_values(book, economics) if values is None else values
    approval = approve(book, policy, values)
    labels = group_labels(book.column(column))
    weight = approval.weight
    net = net_per_applicant(approval, values)
    groups, inverse = np.unique(labels, return_inverse=True)
    n = np.bincount(inverse, minlength=len(groups)).astype(np.float64)
    approved = np.bincount(inverse, weights=weight, minlength=len(groups))
    bad = np.bincount(inverse, weights=approval.bad, minlength=len(groups))
    profit = np.bincount(inverse, weights=net, minlength=len(groups))
    rate = approved / n
    if reference is None:
        # highest approval rate among groups large enough to be a stable yardstick
        eligible = n >= min_group if np.any(n >= min_group) else np.ones(len(groups), bool)
        ref = int(np.argmax(np.where(eligible, rate, -np.inf)))
    else:
        matches = np.flatnonzero(groups == str(reference))
        if matches.size == 0:
            raise PolicyError(
                f"`reference` must be a group of `{column}` {groups.tolist()[:20]}; "
                f"got {reference!r}."
            )
        ref = int(matches[0])
    ref_rate = rate[ref]
    rows = []
    for i, group in enumerate(groups):
        air = rate[i] / ref_rate if ref_rate > 0 else math.nan
        if i == ref:
            p_value = math.nan
        else:
            table = [
                [round(approved[i]), round(n[i] - approved[i])],
                [round(approved[ref]), round(n[ref] - approved[ref])],
            ]
            p_value = float(fisher_exact(table).pvalue)
        rows.append(
            {
                "column": column,
                "group": str(group),
                "n": int(n[i]),
                "n_approved": float(approved[i]),
                "approval_rate": float(rate[i]),
                "n_bad_approved": float(bad[i]),
                "bad_rate": float(bad[i] / approved[i]) if approved[i] > 0 else math.nan,
                "net_profit": float(profit[i]),
                "air": float(air),
                "p_value": p_value,
                "flagged": bool(air < AIR_THRESHOLD) if not math.isnan(air) else False,
                "significant": bool(p_value < alpha) if not math.isnan(p_value) else False,
                "small_group": bool(n[i] < min_group),
                "reference": i == ref,
            }
        )
    return pd.DataFrame(rows)


def fairness_screen(
    book: Book,
    economics: Economics,
    policy: Policy,
    *,
    columns: tuple[str, ...] | None = None,
    references: dict[str, str] | None = None,
    min_group: int = 30,
    alpha: float = 0.05,
    values: LoanValues | None = None,
) -> pd.DataFrame:
    """:func:`group_outcomes` for every segment and protected column, stacked.

    Parameters
    ----------
    columns : tuple of str, optional
        Columns screened; the book's segments then protected attributes when None.
    references : dict of str to str, optional
        Reference group per column; the highest approval rate where not given.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`group_outcomes` plus ``kind`` ("segment" or "protected").
    """
    values = loan_values(book, economics) if values is None else values
    columns = (*book.segments, *book.protected) if columns is None else tuple(columns)
    references = references or {}
    frames = []
    for column in columns:
        frame = group_outcomes(
            book,
            economics,
            policy,
            column,
            reference=references.get(column),
            min_group=min_group,
            alpha=alpha,
            values=values,
        )
        frame.insert(0, "kind", "protected" if column in book.protected else "segment")
        frames.append(frame)
    if not frames:
        return pd.DataFrame(
            columns=["kind", "column", "group", "n", "approval_rate", "air", "flagged"]
        )
    return pd.concat(frames, ignore_index=True)
