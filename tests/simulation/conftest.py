"""Fixtures for the simulator: the 3-loan book worked out in docs/simulation.md, and a
random book for properties.

The 3-loan book (PEN), economics: annual rate 24% (2% a month), 3 monthly instalments,
origination fee 1%, funding cost 12% a year (1% a month) on the balance, operating cost
10 per loan, LGD 50%, a bad loan stops paying in month 2 (it paid one instalment).

=====  ======  ====  =======
loan   amount  pd    outcome
=====  ======  ====  =======
A      1,000   0.05  good
B      2,000   0.10  good
C      1,000   0.30  bad
=====  ======  ====  =======

Per 1,000 lent: instalment M = 1000 * 0.02 / (1 - 1.02**-3) = 346.7547; balances at the
start of months 1..3: 1000, 673.2453, 339.9556.
A (good): interest 3M - 1000 = 40.2640; fee 10; funding 0.01 * (1000 + 673.2453 +
339.9556) = 20.1320; operating 10; net 20.1320.
B (good, twice the amount): interest 80.5280, fee 20, funding 40.2640, operating 10;
net 50.2640.
C (bad): paid M, so interest 346.7547 - (1000 - 673.2453) = 20.0000; fee 10; funding
0.01 * (1000 + 673.2453) = 16.7325; operating 10; loss 0.5 * 673.2453 = 336.6227;
net -333.3551.
Expected loss pd * 0.5 * balance at default: A 16.8311, B 67.3245, C 100.9868.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulation.book import Book
from simulation.economics import Economics

NET = {"A": 20.132009, "B": 50.264018, "C": -333.355117}
EXPOSURE = 673.245327  # balance of 1,000 after one instalment


@pytest.fixture
def three_loans() -> Book:
    return Book(
        pd=[0.05, 0.10, 0.30],
        outcome=[0, 0, 1],
        amount=[1000.0, 2000.0, 1000.0],
        points=[640.0, 620.0, 580.0],
        band=["A", "B", "C"],
        ids=["A", "B", "C"],
        columns={"bureau": [700.0, np.nan, 550.0], "sex": ["F", "M", "F"]},
        protected=("sex",),
        currency="PEN",
    )


@pytest.fixture
def loan_economics() -> Economics:
    return Economics(
        mode="loan",
        annual_rate=0.24,
        term_months=3,
        lgd=0.5,
        annual_funding_cost=0.12,
        operating_cost_per_loan=10.0,
        origination_fee=0.01,
        default_month=2,
        currency="PEN",
    )


def random_book(n: int = 400, seed: int = 0, *, ties: bool = True) -> Book:
    """A book with realistic spread, ties in PD when ``ties``, segments and a bureau score."""
    rng = np.random.default_rng(seed)
    pd_values = rng.beta(2, 12, n)
    if ties:
        pd_values = np.round(pd_values, 2)
    outcome = (rng.uniform(size=n) < pd_values).astype(int)
    bureau = np.where(rng.uniform(size=n) < 0.3, np.nan, 700 - 800 * pd_values)
    return Book(
        pd=pd_values,
        outcome=outcome,
        amount=rng.uniform(500, 5000, n).round(0),
        points=600 - 40 * np.log(pd_values / (1 - pd_values) + 1e-9),
        band=np.where(pd_values < 0.1, "A", np.where(pd_values < 0.2, "B", "C")),
        date=np.datetime64("2024-01-01") + rng.permutation(n).astype("timedelta64[D]"),
        columns={
            "bureau": bureau,
            "region": rng.choice(["Lima", "Cusco", "Piura"], n),
            "sex": rng.choice(["F", "M"], n),
        },
        segments=("region",),
        protected=("sex",),
        currency="PEN",
    )


@pytest.fixture
def book() -> Book:
    return random_book()
