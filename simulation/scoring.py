"""Money as a scorer: the same profit definition for offline tuning and for the app.

Both functions follow scikit-learn's scorer shape ``(y_true, pd, *, economics) -> float``
and are higher is better (net profit in the economics' currency), so they can be wrapped
with ``sklearn.metrics.make_scorer(..., response_method="predict_proba", economics=...)``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from simulation.book import Book
from simulation.curve import profit_curve
from simulation.economics import Economics
from simulation.errors import EconomicsError


def _book(y_true: ArrayLike, pd: ArrayLike, economics: Economics, amount: ArrayLike | None) -> Book:
    pd = np.asarray(pd, dtype=np.float64)
    if pd.ndim == 2 and pd.shape[1] == 2:  # predict_proba output: take the bad column
        pd = pd[:, 1]
    if amount is None:
        if economics.default_amount is None:
            raise EconomicsError(
                "`amount` must be given when the economics have no `default_amount`; got None. "
                "Pass amount=<typical loan> or build the economics from the dataset spec."
            )
        amount = economics.default_amount
    amounts = np.broadcast_to(np.asarray(amount, dtype=np.float64), pd.shape)
    return Book(pd=pd, outcome=np.asarray(y_true), amount=amounts, currency=economics.currency)


def profit_at_cutoff(
    y_true: ArrayLike,
    pd: ArrayLike,
    *,
    economics: Economics,
    cutoff: float,
    amount: ArrayLike | None = None,
) -> float:
    """Net profit of approving every applicant with ``pd <= cutoff``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Outcome, 1 for bad.
    pd : array-like of shape (n_samples,) or (n_samples, 2)
        Probability of default (the second column of ``predict_proba``).
    economics : Economics
        Money assumptions (risk-based pricing needs bands: use the simulator instead).
    cutoff : float
        Approve at or below this PD.
    amount : float or array-like of shape (n_samples,), optional
        Loan amounts (currency); ``economics.default_amount`` when None.

    Returns
    -------
    float
        Net profit in currency; higher is better.
    """
    book = _book(y_true, pd, economics, amount)
    return float(profit_curve(book, economics).at(cutoff).net_profit)


def max_profit(
    y_true: ArrayLike,
    pd: ArrayLike,
    *,
    economics: Economics,
    amount: ArrayLike | None = None,
) -> float:
    """Net profit at the profit-optimal cut-off (0 when lending to nobody is best).

    A threshold-free measure of how much money a model's ranking can make; same arguments
    as :func:`profit_at_cutoff` without ``cutoff``. Higher is better.
    """
    book = _book(y_true, pd, economics, amount)
    return float(profit_curve(book, economics).net_profit.max())
