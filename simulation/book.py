"""The lending book: held-out applicants as read-only arrays, the simulator's only input data.

A :class:`Book` holds, per applicant, the model's probability of default, the observed
outcome (1 = bad), the amount asked for, and optionally score points, risk band, application
date and extra columns (segments, protected attributes, the baseline rule's column). Build it
from arrays, or from a model's holdout frame with :func:`book_from_holdout`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from data.spec import DatasetSpec
from simulation.errors import BookError

HOLDOUT_COLUMNS: tuple[str, ...] = ("id", "pd", "outcome", "amount", "points", "band")


def _readonly(values: np.ndarray) -> np.ndarray:
    values = np.array(values, copy=True)
    values.setflags(write=False)
    return values


def _float_array(name: str, values: Any, n: int | None) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise BookError(f"`{name}` must be numeric; got values that are not: {exc}.") from exc
    if array.ndim != 1:
        raise BookError(f"`{name}` must be one-dimensional; got shape {array.shape!r}.")
    if n is not None and array.shape[0] != n:
        raise BookError(f"`{name}` must have one value per applicant ({n}); got {array.shape[0]}.")
    if not np.all(np.isfinite(array)):
        bad = int(np.flatnonzero(~np.isfinite(array))[0])
        raise BookError(
            f"`{name}` must be finite; got {array[bad]!r} at position {bad}. "
            "Fill or drop missing values first."
        )
    return array


@dataclass(frozen=True, eq=False)
class Book:
    """Held-out applicants with known outcomes, as read-only arrays of shape (n,).

    Parameters
    ----------
    pd : array-like of shape (n,)
        Model probability of default, a fraction in [0, 1].
    outcome : array-like of shape (n,)
        Observed outcome: 1 for bad (defaulted), 0 for good.
    amount : array-like of shape (n,)
        Loan amount asked for, in ``currency``; at least 0.
    points : array-like of shape (n,), optional
        Score points (higher is safer), for cut-offs on points.
    band : array-like of shape (n,), optional
        Risk band label per applicant, for risk-based pricing.
    date : array-like of shape (n,), optional
        Application date; the replay runs in this order.
    ids : array-like of shape (n,), optional
        Applicant ids as text; row positions when absent.
    columns : mapping of str to array-like of shape (n,), optional
        Extra columns: segments, protected attributes, the baseline rule's column.
    segments, protected : tuple of str
        Names in ``columns`` that are business segments and protected attributes.
    currency : str
        Currency of ``amount`` and of every money figure computed from the book.
    """

    pd: np.ndarray
    outcome: np.ndarray
    amount: np.ndarray
    points: np.ndarray | None = None
    band: np.ndarray | None = None
    date: np.ndarray | None = None
    ids: np.ndarray | None = None
    columns: Mapping[str, np.ndarray] = field(default_factory=dict)
    segments: tuple[str, ...] = ()
    protected: tuple[str, ...] = ()
    currency: str = ""

    def __post_init__(self) -> None:
        pd_values = _float_array("pd", self.pd, None)
        n = pd_values.shape[0]
        if n == 0:
            raise BookError("`pd` must hold at least one applicant; got an empty array.")
        if pd_values.min() < 0 or pd_values.max() > 1:
            raise BookError(
                f"`pd` must lie in [0, 1]; got values from {pd_values.min()!r} to "
                f"{pd_values.max()!r}. Pass probabilities, not scores."
            )
        outcome = _float_array("outcome", self.outcome, n)
        if not np.all((outcome == 0) | (outcome == 1)):
            shown = sorted(set(np.unique(outcome).tolist()) - {0.0, 1.0})[:5]
            raise BookError(f"`outcome` must be 0 (good) or 1 (bad); got also {shown}.")
        amount = _float_array("amount", self.amount, n)
        if amount.min() < 0:
            raise BookError(f"`amount` must be at least 0; got {amount.min()!r}.")
        set_ = object.__setattr__
        set_(self, "pd", _readonly(pd_values))
        set_(self, "outcome", _readonly(outcome.astype(np.int8)))
        set_(self, "amount", _readonly(amount))
        if self.points is not None:
            set_(self, "points", _readonly(_float_array("points", self.points, n)))
        for name in ("band", "ids"):
            value = getattr(self, name)
            if value is not None:
                array = np.asarray(value, dtype=object).astype(str)
                if array.shape != (n,):
                    raise BookError(f"`{name}` must have shape ({n},); got {array.shape!r}.")
                set_(self, name, _readonly(array))
        if self.date is not None:
            dates = pd.to_datetime(pd.Series(np.asarray(self.date)), errors="coerce")
            if len(dates) != n:
                raise BookError(f"`date` must have shape ({n},); got ({len(dates)},).")
            set_(self, "date", _readonly(dates.to_numpy(dtype="datetime64[ns]")))
        columns = {}
        for name, values in dict(self.columns).items():
            array = np.asarray(values)
            if array.shape != (n,):
                raise BookError(f"column `{name}` must have shape ({n},); got {array.shape!r}.")
            columns[str(name)] = _readonly(array)
        missing = [c for c in (*self.segments, *self.protected) if c not in columns]
        if missing:
            raise BookError(
                f"segment and protected names must be keys of `columns`; missing {missing}."
            )
        set_(self, "columns", MappingProxyType(columns))
        set_(self, "segments", tuple(self.segments))
        set_(self, "protected", tuple(self.protected))

    def __len__(self) -> int:
        return int(self.pd.shape[0])

    @property
    def n(self) -> int:
        """Number of applicants."""
        return len(self)

    def column(self, name: str) -> np.ndarray:
        """Extra column ``name``; :class:`BookError` listing the known columns when absent."""
        if name not in self.columns:
            raise BookError(
                f"column `{name}` must be one of the book's columns {sorted(self.columns)}; "
                "add it to the holdout or pick another column."
            )
        return self.columns[name]

    def order(self) -> np.ndarray:
        """Applicant positions in application-date order (stable; file order without dates)."""
        if self.date is None:
            return np.arange(self.n)
        return np.argsort(self.date, kind="stable")


def book_from_holdout(frame: pd.DataFrame, spec: DatasetSpec) -> Book:
    """Build a :class:`Book` from a model's holdout frame.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``id``, ``pd``, ``outcome``, ``amount``, ``points``, ``band``, optionally
        ``date``, plus one column per spec segment, protected attribute and the baseline
        rule's column, under their original names.
    spec : data.spec.DatasetSpec
        The dataset spec (segments, protected attributes, baseline column, currency).

    Raises
    ------
    BookError
        When a required column is missing or a value is out of range.
    """
    extra = [*spec.segments, *spec.protected]
    if spec.baseline.column and spec.baseline.column not in extra:
        extra.append(spec.baseline.column)
    required = ["pd", "outcome", "amount"]
    missing = [c for c in (*required, *extra) if c not in frame.columns]
    if missing:
        raise BookError(
            f"the holdout frame must have columns {required + extra}; missing {missing}. "
            "Retrain the model so its holdout keeps these columns."
        )

    def optional(name: str) -> np.ndarray | None:
        return frame[name].to_numpy() if name in frame.columns else None

    return Book(
        pd=frame["pd"].to_numpy(dtype=np.float64),
        outcome=frame["outcome"].to_numpy(dtype=np.float64),
        amount=frame["amount"].to_numpy(dtype=np.float64),
        points=(frame["points"].to_numpy(dtype=np.float64) if "points" in frame else None),
        band=optional("band"),
        date=optional("date"),
        ids=optional("id"),
        columns={c: frame[c].to_numpy() for c in extra},
        segments=tuple(spec.segments),
        protected=tuple(spec.protected),
        currency=spec.currency,
    )
