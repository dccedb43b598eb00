"""The profit curve: every distinct cut-off's result, computed once with one sort.

Sorting applicants by risk (PD, or minus points) and taking cumulative sums of their money
gives the result of approving everyone up to each distinct value, in O(n log n). A cut-off
query is then a binary search plus a handful of array reads (:meth:`ProfitCurve.at`), fast
enough to answer every slider move.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulation.book import Book
from simulation.cashflow import LoanValues, band_index, break_even_pd, loan_values, unit_money
from simulation.economics import Economics
from simulation.errors import InfeasibleError, PolicyError
from simulation.policy import On, PolicyResult, _check_on, _risk, result_from_sums


@dataclass(frozen=True, eq=False)
class ProfitCurve:
    """Results of every distinct cut-off, arrays of shape (k + 1,) in increasing approval.

    Point 0 approves nobody (its cut-off is the float just below the smallest PD, or just
    above the highest points, so it is a valid policy cut-off); point ``i``
    approves every applicant whose PD is at most ``cutoff[i]`` (points at least
    ``cutoff[i]``). Money in ``currency``, costs as positive numbers, ``net_profit`` higher
    is better.

    Attributes
    ----------
    cutoff : ndarray
        Cut-off of each point, in PD (fraction) or points.
    n_approved, n_bad, volume, interest, fee, funding_cost, operating_cost, credit_loss,
    expected_loss, net_profit : ndarray
        Cumulative counts and money of the approved loans.
    n_applicants : int
        Applicants in the book.
    on : {"pd", "points"}
        What the cut-off applies to.
    break_even_pd : float
        PD at which an average loan of the book breaks even:
        ``mean(net_good) / (mean(net_good) - mean(net_bad))``.
    """

    cutoff: np.ndarray
    n_approved: np.ndarray
    n_bad: np.ndarray
    volume: np.ndarray
    interest: np.ndarray
    fee: np.ndarray
    funding_cost: np.ndarray
    operating_cost: np.ndarray
    credit_loss: np.ndarray
    expected_loss: np.ndarray
    net_profit: np.ndarray
    n_applicants: int
    on: On
    break_even_pd: float
    currency: str = ""
    risk_keys: np.ndarray = field(repr=False, default_factory=lambda: np.empty(0))
    sorted_net: np.ndarray = field(repr=False, default_factory=lambda: np.empty(0))
    sorted_bad: np.ndarray = field(repr=False, default_factory=lambda: np.empty(0))
    group_end: np.ndarray = field(repr=False, default_factory=lambda: np.empty(0, dtype=int))

    def __len__(self) -> int:
        return int(self.cutoff.shape[0])

    @property
    def approval_rate(self) -> np.ndarray:
        """Share of applicants approved at each point."""
        return self.n_approved / self.n_applicants

    @property
    def bad_rate(self) -> np.ndarray:
        """Share of approved loans that went bad (NaN at point 0)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.n_approved > 0, self.n_bad / self.n_approved, np.nan)

    @property
    def return_on_volume(self) -> np.ndarray:
        """Net profit per unit lent (NaN where nothing is lent)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.volume > 0, self.net_profit / self.volume, np.nan)

    @property
    def frontier(self) -> np.ndarray:
        """Efficient frontier mask: no point approves more and earns at least as much."""
        later_best = np.maximum.accumulate(self.net_profit[::-1])[::-1]
        return self.net_profit > np.r_[later_best[1:], -np.inf]

    def index(self, cutoff: float) -> int:
        """Curve point of a cut-off: the last point whose cut-off the value reaches."""
        key = cutoff if self.on == "pd" else -cutoff
        return int(np.searchsorted(self.risk_keys, key, side="right"))

    def result(self, i: int, *, cutoff: float | None = None) -> PolicyResult:
        """The full :class:`PolicyResult` of point ``i``."""
        label_cut = float(self.cutoff[i]) if cutoff is None else float(cutoff)
        sign = "<=" if self.on == "pd" else ">="
        return result_from_sums(
            label=f"Approve {self.on} {sign} {label_cut:g}",
            cutoff=label_cut,
            n_applicants=self.n_applicants,
            approved=float(self.n_approved[i]),
            bad=float(self.n_bad[i]),
            volume=float(self.volume[i]),
            interest=float(self.interest[i]),
            fee=float(self.fee[i]),
            funding=float(self.funding_cost[i]),
            operating=float(self.operating_cost[i]),
            loss=float(self.credit_loss[i]),
            expected_loss=float(self.expected_loss[i]),
            currency=self.currency,
        )

    def at(self, cutoff: float) -> PolicyResult:
        """Result of approving at ``cutoff`` (PD at most, or points at least); microseconds."""
        if not isinstance(cutoff, int | float | np.floating | np.integer) or math.isnan(cutoff):
            raise PolicyError(f"`cutoff` must be a number; got {cutoff!r}.")
        return self.result(self.index(float(cutoff)), cutoff=float(cutoff))

    @property
    def optimal_index(self) -> int:
        """Point of highest net profit (the fewest approvals among ties)."""
        return int(np.argmax(self.net_profit))

    def optimum(
        self,
        *,
        min_approval_rate: float | None = None,
        max_bad_rate: float | None = None,
        max_volume: float | None = None,
    ) -> PolicyResult:
        """Most profitable point meeting every given constraint.

        Parameters
        ----------
        min_approval_rate : float, optional
            Approve at least this share of applicants (fraction).
        max_bad_rate : float, optional
            Bad rate among approved at most this (fraction); approving nobody meets it.
        max_volume : float, optional
            Lend at most this much (currency).

        Raises
        ------
        InfeasibleError
            When no cut-off meets every constraint; the message gives what is reachable.
        """
        return self.result(
            self.optimum_index(
                min_approval_rate=min_approval_rate,
                max_bad_rate=max_bad_rate,
                max_volume=max_volume,
            )
        )

    def optimum_index(
        self,
        *,
        min_approval_rate: float | None = None,
        max_bad_rate: float | None = None,
        max_volume: float | None = None,
    ) -> int:
        """Point of :meth:`optimum`."""
        feasible = np.ones(len(self), dtype=bool)
        if min_approval_rate is not None:
            feasible &= self.approval_rate >= min_approval_rate - 1e-12
        if max_bad_rate is not None:
            feasible &= np.nan_to_num(self.bad_rate, nan=0.0) <= max_bad_rate + 1e-12
        if max_volume is not None:
            feasible &= self.volume <= max_volume
        if not feasible.any():
            bad = np.nan_to_num(self.bad_rate, nan=0.0)
            reach = self.approval_rate[bad <= (max_bad_rate if max_bad_rate is not None else 1)]
            raise InfeasibleError(
                "no cut-off meets the constraints "
                f"(min approval rate {min_approval_rate}, max bad rate {max_bad_rate}, "
                f"max volume {max_volume}); the highest approval rate within the bad-rate "
                f"limit is {reach.max():.1%}. Relax a constraint."
            )
        profit = np.where(feasible, self.net_profit, -np.inf)
        return int(np.argmax(profit))

    def to_frame(self, *, max_points: int | None = None) -> pd.DataFrame:
        """Table of the curve (optionally thinned to about ``max_points`` rows for charts).

        Thinning keeps evenly spaced points plus the first, the last and the optimum.
        """
        rows = np.arange(len(self))
        if max_points is not None and len(self) > max_points:
            rows = np.unique(
                np.r_[np.linspace(0, len(self) - 1, max_points).astype(int), self.optimal_index]
            )
        return pd.DataFrame(
            {
                "cutoff": self.cutoff[rows],
                "approval_rate": self.approval_rate[rows],
                "bad_rate": self.bad_rate[rows],
                "volume": self.volume[rows],
                "net_profit": self.net_profit[rows],
                "return_on_volume": self.return_on_volume[rows],
                "expected_loss": self.expected_loss[rows],
                "credit_loss": self.credit_loss[rows],
                "on_frontier": self.frontier[rows],
            }
        )


def stable_order(risk: np.ndarray) -> np.ndarray:
    """Positions sorting ``risk`` ascending, ties in file order (like a stable argsort)."""
    return _sorted(risk)[0]


def _sorted(risk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Stable sort order of ``risk`` and the sorted values.

    Sorts one uint64 key per applicant (the float's order-preserving bits, truncated, with
    the position in the low bits), which numpy sorts several times faster than an argsort;
    the rare neighbours the truncation leaves out of order are then sorted exactly.
    """
    values = np.ascontiguousarray(risk, dtype=np.float64) + 0.0  # -0.0 sorts as 0.0
    n = values.shape[0]
    bits = max(1, (n - 1).bit_length())
    if bits > 40:
        order = np.argsort(values, kind="stable")
        return order, values[order]
    raw = values.view(np.uint64)
    if values.min() >= 0:
        ordered = raw  # non-negative floats already sort like their bits
    else:
        sign = np.uint64(1 << 63)
        ordered = np.where(raw >= sign, ~raw, raw | sign)  # monotone map of float to uint64
    low = np.uint64((1 << bits) - 1)
    key = ordered & ~low
    key |= np.arange(n, dtype=np.uint64)
    key.sort()
    order = (key & low).astype(np.intp)
    sorted_values = values[order]
    if np.any(sorted_values[1:] < sorted_values[:-1]):
        truncated = key & ~low
        shared = (
            np.r_[truncated[1:] == truncated[:-1], False]
            | np.r_[False, truncated[1:] == truncated[:-1]]
        )
        where = np.flatnonzero(shared)
        members = order[where]
        order[where] = members[np.lexsort((members, values[members], truncated[where]))]
        sorted_values = values[order]
    return order, sorted_values


def _cumulative(column: np.ndarray, ends: np.ndarray | None) -> np.ndarray:
    """Running sums of ``column`` at each group end, with a leading 0 (nobody approved)."""
    if ends is None:
        out = np.empty(column.shape[0] + 1)
        out[0] = 0.0
        np.cumsum(column, out=out[1:])
        return out
    return np.r_[0.0, np.cumsum(column)[ends]]


def profit_curve(
    book: Book,
    economics: Economics,
    *,
    on: On = "pd",
    values: LoanValues | None = None,
) -> ProfitCurve:
    """Result of every distinct one-cut-off policy on ``book``, in O(n log n).

    Parameters
    ----------
    book : Book
        Held-out applicants.
    economics : Economics
        Money assumptions.
    on : {"pd", "points"}
        Cut-off on PD (approve at or below) or on points (approve at or above).
    values : LoanValues, optional
        Precomputed money per applicant (stress scenarios pass their own).

    Returns
    -------
    ProfitCurve
        Arrays of shape (k + 1,) for the k distinct values plus "approve nobody".
    """
    _check_on(on)
    risk = _risk(book, on)
    order, keys = _sorted(risk)
    group_end = np.flatnonzero(np.r_[keys[1:] != keys[:-1], True])
    ends = None if group_end.shape[0] == book.n else group_end
    distinct = keys if ends is None else keys[group_end]
    count = np.empty(group_end.shape[0] + 1)
    count[0] = 0.0
    np.add(group_end, 1.0, out=count[1:])
    if values is None and band_index(book, economics) is None:
        sums, sorted_net, sorted_bad, net_good, net_bad = _linear_sums(
            book, economics, order, keys if on == "pd" else None, ends, count
        )
    else:
        values = loan_values(book, economics) if values is None else values
        sums = {
            name: _cumulative(getattr(values, field)[order], ends)
            for name, field in (
                ("n_bad", "bad"),
                ("volume", "amount"),
                ("interest", "interest"),
                ("fee", "fee"),
                ("funding_cost", "funding_cost"),
                ("operating_cost", "operating_cost"),
                ("credit_loss", "credit_loss"),
                ("expected_loss", "expected_loss"),
            )
        }
        sorted_net, sorted_bad = values.net[order], values.bad[order]
        net_good, net_bad = float(values.net_good.mean()), float(values.net_bad.mean())
    sums["net_profit"] = (
        sums["interest"]
        + sums["fee"]
        - sums["funding_cost"]
        - sums["operating_cost"]
        - sums["credit_loss"]
    )
    nobody = np.nextafter(distinct[0], -np.inf)  # approves no one, still a finite cut-off
    cutoff = np.r_[nobody, distinct] if on == "pd" else -np.r_[nobody, distinct]
    return ProfitCurve(
        cutoff=cutoff,
        n_approved=count,
        **sums,
        n_applicants=book.n,
        on=on,
        break_even_pd=break_even_pd(net_good, net_bad),
        currency=book.currency,
        risk_keys=distinct,
        sorted_net=sorted_net,
        sorted_bad=sorted_bad,
        group_end=group_end,
    )


def _combine(terms: tuple[tuple[float, np.ndarray], ...], like: np.ndarray) -> np.ndarray:
    """``sum(factor * running)`` over the non-zero factors, with one output array."""
    total: np.ndarray | None = None
    for factor, running in terms:
        if factor == 0.0:
            continue
        if total is None:
            total = running * factor
        else:
            total += running * factor
    return np.zeros_like(like) if total is None else total


def _linear_sums(
    book: Book,
    economics: Economics,
    order: np.ndarray,
    sorted_pd: np.ndarray | None,
    ends: np.ndarray | None,
    count: np.ndarray,
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, float, float]:
    """Cumulative money from four running sums, using :class:`UnitMoney`'s linearity.

    With ``S_A`` the running amount, ``S_AB`` the running bad amount, ``S_B`` the running
    bad count and ``N`` the count, a component is
    ``good_a (S_A - S_AB) + bad_a S_AB + good_k (N - S_B) + bad_k S_B``.
    """
    unit = unit_money(economics, economics.annual_rate)
    amount = book.amount[order]
    bad = book.outcome[order].astype(np.float64)
    pd_sorted = book.pd[order] if sorted_pd is None else sorted_pd
    bad_amount = amount * bad
    s_a = _cumulative(amount, ends)
    s_ab = _cumulative(bad_amount, ends)
    s_b = _cumulative(bad, ends)
    good_amount, good_count = s_a - s_ab, count - s_b
    sums = {}
    for i, name in enumerate(("interest", "fee", "funding_cost", "operating_cost", "credit_loss")):
        per_amount = (unit.good_per_amount[i], unit.bad_per_amount[i])
        per_loan = (unit.good_per_loan[i], unit.bad_per_loan[i])
        terms = []
        # a factor shared by good and bad loans applies to the whole running sum (one pass)
        for (good_f, bad_f), whole, good_part, bad_part in (
            (per_amount, s_a, good_amount, s_ab),
            (per_loan, count, good_count, s_b),
        ):
            if good_f == bad_f:
                terms.append((good_f, whole))
            else:
                terms += [(good_f, good_part), (bad_f, bad_part)]
        sums[name] = _combine(tuple(terms), s_a)
    sums["n_bad"] = s_b
    sums["volume"] = s_a
    expected = np.zeros_like(s_a)
    if unit.el_per_amount:
        expected += unit.el_per_amount * _cumulative(pd_sorted * amount, ends)
    if unit.el_per_loan:
        expected += unit.el_per_loan * _cumulative(pd_sorted, ends)
    sums["expected_loss"] = expected
    g_a, b_a, g_k, b_k = unit.net()
    sorted_net = amount * g_a + g_k + bad * ((b_a - g_a) * amount + (b_k - g_k))
    mean_amount = float(book.amount.mean())
    return sums, sorted_net, bad, mean_amount * g_a + g_k, mean_amount * b_a + b_k
