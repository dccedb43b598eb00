"""Stress scenarios: what each one changes, precisely, and a side-by-side comparison.

Decisions never change under a scenario: the policy still reads the model's own PDs (the
model does not know about the stress). What each field changes:

- ``pd_multiplier`` (m > 0): stressed PD ``p' = min(1, m * p)``. It replaces the PD in the
  expected loss, and it re-weights outcomes to their expectation given the observed one:
  with m > 1 an observed good loan turns bad with probability ``(p' - p) / (1 - p)``; with
  m < 1 an observed bad loan turns good with probability ``1 - p' / p``. Bad rate, income,
  funding cost and credit loss move accordingly; amounts, fees and operating costs do not.
- ``lgd_shock``: added to ``lgd`` (fraction, result within [0, 1]); changes the credit loss
  and the expected loss only.
- ``rate_change``: added to the annual rate and to every band rate (fraction per year).
  Instalments change, hence interest income, the balance path, funding cost and the loss
  on defaulted balances; amounts, fees, operating cost and outcomes do not.
- ``funding_cost_change``: added to ``annual_funding_cost``; changes the funding cost only.

In simple mode only ``pd_multiplier`` applies; the others must stay 0.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from simulation.book import Book
from simulation.cashflow import LoanValues, loan_values
from simulation.curve import profit_curve
from simulation.economics import Economics
from simulation.errors import EconomicsError, ScenarioError
from simulation.policy import Policy, evaluate


@dataclass(frozen=True)
class Scenario:
    """A named stress: multiply PDs, shock LGD, shift the interest rate and the funding cost.

    Parameters
    ----------
    name : str
        Label in tables and memos.
    pd_multiplier : float
        Factor on the model's PDs (> 0; 1 for none).
    lgd_shock : float
        Added to LGD (fraction).
    rate_change : float
        Added to annual interest rates (fraction per year; 0.02 for +2 points).
    funding_cost_change : float
        Added to the annual funding cost (fraction per year).
    """

    name: str = "Base"
    pd_multiplier: float = 1.0
    lgd_shock: float = 0.0
    rate_change: float = 0.0
    funding_cost_change: float = 0.0

    def __post_init__(self) -> None:
        for key in ("pd_multiplier", "lgd_shock", "rate_change", "funding_cost_change"):
            value = getattr(self, key)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                raise ScenarioError(f"`{key}` must be a finite number; got {value!r}.")
        if self.pd_multiplier <= 0:
            raise ScenarioError(
                f"`pd_multiplier` must be greater than 0; got {self.pd_multiplier!r}."
            )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return asdict(self)

    @property
    def is_base(self) -> bool:
        """True when the scenario changes nothing."""
        return (self.pd_multiplier, self.lgd_shock, self.rate_change, self.funding_cost_change) == (
            1.0,
            0.0,
            0.0,
            0.0,
        )


#: A small standard set for the app and the memo.
STANDARD_SCENARIOS: tuple[Scenario, ...] = (
    Scenario("Base"),
    Scenario("Defaults +50%", pd_multiplier=1.5),
    Scenario("Recoveries fall (LGD +15 pts)", lgd_shock=0.15),
    Scenario("Funding +3 pts", funding_cost_change=0.03),
    Scenario(
        "Severe: PD x2, LGD +10, funding +3",
        pd_multiplier=2.0,
        lgd_shock=0.10,
        funding_cost_change=0.03,
    ),
)


def stressed_economics(economics: Economics, scenario: Scenario) -> Economics:
    """Economics with the scenario's LGD, rate and funding changes applied."""
    loan_only = (scenario.lgd_shock, scenario.rate_change, scenario.funding_cost_change)
    if economics.mode == "simple":
        if any(v != 0 for v in loan_only):
            raise ScenarioError(
                f"scenario '{scenario.name}' changes LGD, rates or funding, which simple mode "
                "does not model; use loan mode or a PD multiplier only."
            )
        return economics
    try:
        return replace(
            economics,
            lgd=economics.lgd + scenario.lgd_shock,
            annual_rate=economics.annual_rate + scenario.rate_change,
            annual_funding_cost=economics.annual_funding_cost + scenario.funding_cost_change,
            rate_by_band=tuple(
                (band, rate + scenario.rate_change) for band, rate in economics.rate_by_band
            ),
        )
    except EconomicsError as exc:
        raise ScenarioError(f"scenario '{scenario.name}' is out of range: {exc}") from exc


def stressed_outcomes(book: Book, multiplier: float) -> tuple[np.ndarray, np.ndarray]:
    """Stressed PDs and expected bad weights, shape (n,) each (see the module docstring)."""
    pd_values = book.pd
    stressed = np.minimum(1.0, multiplier * pd_values)
    bad = book.outcome.astype(np.float64)
    if multiplier >= 1.0:
        with np.errstate(invalid="ignore", divide="ignore"):
            turn = np.where(pd_values < 1.0, (stressed - pd_values) / (1.0 - pd_values), 0.0)
        bad = bad + (1.0 - bad) * turn
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            keep = np.where(pd_values > 0.0, stressed / pd_values, 1.0)
        bad = bad * keep
    return stressed, bad


def scenario_values(book: Book, economics: Economics, scenario: Scenario) -> LoanValues:
    """Money per applicant under ``scenario`` (pass it as ``values=`` to any evaluator)."""
    stressed = stressed_economics(economics, scenario)
    if scenario.pd_multiplier == 1.0:
        return loan_values(book, stressed)
    pd_values, bad = stressed_outcomes(book, scenario.pd_multiplier)
    return loan_values(book, stressed, pd=pd_values, bad=bad)


def compare_scenarios(
    book: Book,
    economics: Economics,
    policy: Policy,
    scenarios: tuple[Scenario, ...] = STANDARD_SCENARIOS,
) -> pd.DataFrame:
    """The same policy under each scenario, side by side, plus each scenario's best cut-off.

    Returns
    -------
    pandas.DataFrame
        One row per scenario: ``scenario``, ``approval_rate``, ``bad_rate``, ``volume``,
        ``net_profit``, ``return_on_volume``, ``expected_loss``, ``credit_loss`` (currency),
        ``optimal_cutoff`` (PD) and ``optimal_profit``: the profit-optimal cut-off were the
        scenario known.
    """
    rows = []
    for scenario in scenarios:
        values = scenario_values(book, economics, scenario)
        result = evaluate(book, economics, policy, values=values)
        curve = profit_curve(book, economics, values=values)
        best = curve.optimal_index
        rows.append(
            {
                "scenario": scenario.name,
                "approval_rate": result.approval_rate,
                "bad_rate": result.bad_rate,
                "volume": result.volume,
                "net_profit": result.net_profit,
                "return_on_volume": result.return_on_volume,
                "expected_loss": result.expected_loss,
                "credit_loss": result.credit_loss,
                "optimal_cutoff": float(curve.cutoff[best]) if best > 0 else math.nan,
                "optimal_profit": float(curve.net_profit[best]),
            }
        )
    return pd.DataFrame(rows)
