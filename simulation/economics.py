"""Lending economics: the explicit, validated assumptions that turn a decision into money.

Defaults per dataset live in the dataset spec's ``[economics]`` table and are read with
:func:`economics_from_spec`; overrides (a JSON file, the app's inputs) go through
:func:`economics_from_mapping` so every source is checked the same way. The keys, their
units and the formulas that use them are in ``docs/simulation.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

from data.spec import DatasetSpec
from simulation.errors import EconomicsError

MODES: tuple[str, ...] = ("loan", "simple")
SIMPLE_UNITS: tuple[str, ...] = ("currency", "fraction")
MAX_RATE = 5.0  # 500% a year: anything above is almost surely a percentage typed as a number

#: Keys accepted in a spec's ``[economics]`` table or an economics JSON file.
KEYS: tuple[str, ...] = (
    "mode",
    "annual_rate",
    "term_months",
    "lgd",
    "annual_funding_cost",
    "operating_cost_per_loan",
    "origination_fee",
    "default_month",
    "gain_per_good",
    "loss_per_bad",
    "simple_units",
    "rate_by_band",
)
#: Also accepted in a mapping (a saved strategy); normally taken from the dataset spec.
SPEC_KEYS: tuple[str, ...] = ("currency", "default_amount")


@dataclass(frozen=True)
class Economics:
    """Assumptions of a lending simulation, with units. Hashable: usable as a cache key.

    Parameters
    ----------
    mode : {"loan", "simple"}
        ``loan``: amortising loans (every field below except ``gain_per_good``,
        ``loss_per_bad``, ``simple_units``). ``simple``: a fixed gain per good loan and a
        fixed loss per bad loan, nothing else.
    annual_rate : float
        Nominal interest rate, a fraction per year (0.45 for 45%); the monthly rate is
        ``annual_rate / 12``.
    term_months : int
        Number of monthly instalments.
    lgd : float
        Loss given default, a fraction in [0, 1] of the balance outstanding at default.
    annual_funding_cost : float
        Lender's cost of funds, a fraction per year of the outstanding balance.
    operating_cost_per_loan : float
        Cost of originating and servicing one loan, in currency, once per loan.
    origination_fee : float
        Fee charged at disbursement, a fraction of the amount.
    default_month : int or None
        Month in which a bad loan misses its first instalment (1 to ``term_months``): it
        paid ``default_month - 1`` instalments. None means ``ceil(term_months / 2)``.
    gain_per_good, loss_per_bad : float or None
        Simple mode only: fractions of the amount (``simple_units="fraction"``, the default;
        gain at most 5, loss at most 1) or money per loan (``"currency"``); at least 0.
    simple_units : {"fraction", "currency"}
        How ``gain_per_good`` and ``loss_per_bad`` are expressed.
    rate_by_band : tuple of (str, float)
        Risk-based pricing: the annual rate of each band label; empty for one rate.
    currency : str
        Currency of every money figure (taken from the dataset spec).
    default_amount : float or None
        Loan amount (currency) assumed by the scorers when no amounts are given (taken from
        the dataset spec's ``default_amount``).
    """

    mode: Literal["loan", "simple"] = "loan"
    annual_rate: float = 0.30
    term_months: int = 12
    lgd: float = 0.60
    annual_funding_cost: float = 0.08
    operating_cost_per_loan: float = 0.0
    origination_fee: float = 0.0
    default_month: int | None = None
    gain_per_good: float | None = None
    loss_per_bad: float | None = None
    simple_units: Literal["currency", "fraction"] = "fraction"
    rate_by_band: tuple[tuple[str, float], ...] = ()
    currency: str = ""
    default_amount: float | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise EconomicsError(f"`mode` must be one of {list(MODES)}; got {self.mode!r}.")
        _check_fraction("annual_rate", self.annual_rate, MAX_RATE)
        _check_fraction("annual_funding_cost", self.annual_funding_cost, MAX_RATE)
        _check_fraction("lgd", self.lgd, 1.0)
        _check_fraction("origination_fee", self.origination_fee, 1.0)
        _check_number("operating_cost_per_loan", self.operating_cost_per_loan)
        if self.default_amount is not None:
            _check_number("default_amount", self.default_amount)
        if (
            isinstance(self.term_months, bool)
            or not isinstance(self.term_months, int)
            or not (1 <= self.term_months <= 600)
        ):
            raise EconomicsError(
                f"`term_months` must be a whole number of months from 1 to 600; "
                f"got {self.term_months!r}."
            )
        if self.default_month is not None and (
            isinstance(self.default_month, bool)
            or not isinstance(self.default_month, int)
            or not 1 <= self.default_month <= self.term_months
        ):
            raise EconomicsError(
                f"`default_month` must be a whole month from 1 to term_months "
                f"({self.term_months}); got {self.default_month!r}."
            )
        if self.simple_units not in SIMPLE_UNITS:
            raise EconomicsError(
                f"`simple_units` must be one of {list(SIMPLE_UNITS)}; got {self.simple_units!r}."
            )
        if self.mode == "simple":
            for name in ("gain_per_good", "loss_per_bad"):
                value = getattr(self, name)
                if value is None:
                    raise EconomicsError(
                        f"`{name}` must be given in simple mode; got none. "
                        'Add it to the economics or use mode = "loan".'
                    )
                _check_number(name, value)
                if self.simple_units == "fraction":
                    upper = MAX_RATE if name == "gain_per_good" else 1.0
                    if value > upper:
                        raise EconomicsError(
                            f"`{name}` must be a fraction of the amount from 0 to {upper:g}; "
                            f'got {value!r}. For money per loan set simple_units = "currency".'
                        )
        bands = [band for band, _ in self.rate_by_band]
        if len(set(bands)) != len(bands):
            raise EconomicsError(f"`rate_by_band` must name each band once; got {bands}.")
        for band, rate in self.rate_by_band:
            _check_fraction(f"rate_by_band[{band!r}]", rate, MAX_RATE)

    @property
    def months_to_default(self) -> int:
        """Month of default actually used (``default_month`` or half the term, rounded up)."""
        if self.default_month is not None:
            return self.default_month
        return math.ceil(self.term_months / 2)

    @property
    def band_rates(self) -> dict[str, float]:
        """``rate_by_band`` as a dict (empty for one rate)."""
        return dict(self.rate_by_band)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping; :func:`economics_from_mapping` reads it back."""
        values = asdict(self)
        values["rate_by_band"] = self.band_rates
        return values

    def replace(self, **changes: Any) -> Economics:
        """A validated copy with ``changes`` applied."""
        return replace(self, **changes)


def _check_number(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise EconomicsError(f"`{name}` must be a finite number; got {value!r}.")
    if value < 0:
        raise EconomicsError(f"`{name}` must be at least 0; got {value!r}.")


def _check_fraction(name: str, value: Any, upper: float) -> None:
    _check_number(name, value)
    if value > upper:
        raise EconomicsError(
            f"`{name}` must be a fraction from 0 to {upper:g} (0.35 for 35%); got {value!r}."
        )


def economics_from_mapping(
    raw: Mapping[str, Any], *, currency: str = "", base: Economics | None = None
) -> Economics:
    """Build :class:`Economics` from a mapping of :data:`KEYS` (a TOML table, a JSON file).

    Parameters
    ----------
    raw : mapping
        Values for some of :data:`KEYS`; absent keys keep the value of ``base``.
    currency : str
        Currency of money values; empty keeps ``base``'s.
    base : Economics, optional
        Starting point (the dataset's defaults); the class defaults when None.

    Raises
    ------
    EconomicsError
        On an unknown key or a value out of range, naming the key.
    """
    if not isinstance(raw, Mapping):
        raise EconomicsError(f"economics must be a table of keys; got {type(raw).__name__}.")
    unknown = sorted(set(raw) - set(KEYS) - set(SPEC_KEYS))
    if unknown:
        raise EconomicsError(
            f"economics keys must be among {list(KEYS)}; got unknown {unknown}. "
            "Check the spelling (see docs/simulation.md)."
        )
    values = dict(raw)
    if "rate_by_band" in values:
        bands = values["rate_by_band"] or {}
        if not isinstance(bands, Mapping):
            raise EconomicsError(
                f"`rate_by_band` must be a table of band = annual rate; got {bands!r}."
            )
        values["rate_by_band"] = tuple((str(k), v) for k, v in bands.items())
    for key in ("term_months", "default_month"):  # 12.0 from a JSON or a widget means 12
        value = values.get(key)
        if isinstance(value, float) and value.is_integer():
            values[key] = int(value)
    start = base if base is not None else Economics()
    if currency:
        values["currency"] = currency
    try:
        return replace(start, **values)
    except TypeError as exc:  # pragma: no cover - keys are filtered above
        raise EconomicsError(f"economics could not be read: {exc}.") from exc


def economics_from_spec(spec: DatasetSpec) -> Economics:
    """The default economics of a dataset, from its spec's ``[economics]`` table.

    Raises
    ------
    EconomicsError
        Naming the dataset, when a key is unknown or a value out of range.
    """
    try:
        base = Economics(currency=spec.currency, default_amount=spec.default_amount)
        return economics_from_mapping(spec.economics, currency=spec.currency, base=base)
    except EconomicsError as exc:
        raise EconomicsError(f"Spec '{spec.name}' [economics]: {exc}") from exc
