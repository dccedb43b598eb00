"""Pandera schemas built from column rules, and per-cell failures extracted from them.

Two schemas are built: ``errors`` holds the hard checks (a failure rejects the row: missing
where the policy is ``reject``, non-finite numbers, hard limits, whole numbers, allowed values);
the soft ones (training range, known categories, unique ids) are pandera checks too, but they are
evaluated one by one (``check(series).check_output``): a soft failure is only counted and
sampled, so pandera's per-failure error report is not needed. The error schema runs with
``lazy=True`` so every failing cell is reported, not only the first.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from data.ingest.rules import ColumnRule

FAILURE_COLUMNS: tuple[str, ...] = ("position", "column", "check")


_LARGEST = float(np.finfo(np.float64).max)


def _distinct(series: pd.Series) -> pd.Series:
    return ~series.duplicated(keep=False)


def _whole(series: pd.Series) -> pd.Series:
    values = series.to_numpy(dtype=np.float64)
    return pd.Series(~np.isfinite(values) | (values == np.floor(values)), index=series.index)


@dataclass(frozen=True)
class RuleSchemas:
    """The error and warning schemas of a rule set, with our name for each pandera check.

    Attributes
    ----------
    errors : pandera.DataFrameSchema
        Hard checks.
    soft : tuple of (column, check name, pandera.Check)
        Soft checks.
    check_names : dict
        ``(column, check_number)`` -> Lendscope check name for the error schema.
    bounds, soft_bounds : dict
        Column -> (low, high) of the hard and soft range checks, to name each failure
        (``finite``, ``min_value``, ``max_value``; ``below_range``, ``above_range``).
    """

    errors: pa.DataFrameSchema
    soft: tuple[tuple[str, str, pa.Check], ...]
    check_names: dict[tuple[str, int], str]
    bounds: dict[str, tuple[float, float]]
    soft_bounds: dict[str, tuple[float, float]]


def build_schemas(rules: Sequence[ColumnRule]) -> RuleSchemas:
    """Build both pandera schemas for the columns of ``rules`` (all assumed present)."""
    error_columns: dict[str, pa.Column] = {}
    soft_checks: list[tuple[str, str, pa.Check]] = []
    bounds: dict[str, tuple[float, float]] = {}
    soft_bounds: dict[str, tuple[float, float]] = {}
    names: dict[tuple[str, int], str] = {}
    for rule in rules:
        hard: list[tuple[str, pa.Check]] = []
        soft: list[tuple[str, pa.Check]] = []
        if rule.kind == "numeric":
            dtype: str | None = "float64"
            # One range check covers finiteness and both hard limits: +-inf and NaN-free
            # values outside [low, high] fail it; failures are then told apart by value.
            low = rule.min_value if rule.min_value is not None else -_LARGEST
            high = rule.max_value if rule.max_value is not None else _LARGEST
            hard.append(("range", pa.Check.in_range(low, high)))
            bounds[rule.name] = (low, high)
            if rule.integer:
                hard.append(("integer", pa.Check(_whole, name="integer")))
            if rule.warn_min is not None or rule.warn_max is not None:
                soft_low = rule.warn_min if rule.warn_min is not None else -np.inf
                soft_high = rule.warn_max if rule.warn_max is not None else np.inf
                soft.append(("soft_range", pa.Check.in_range(soft_low, soft_high)))
                soft_bounds[rule.name] = (soft_low, soft_high)
        elif rule.kind == "date":
            dtype = None
        else:
            dtype = "str"
        if rule.allowed is not None:
            hard.append(("allowed", pa.Check.isin(list(rule.allowed))))
        if rule.categories is not None and rule.kind != "numeric":
            soft.append(("unseen_category", pa.Check.isin([str(c) for c in rule.categories])))
        if rule.unique:
            soft.append(("duplicate", pa.Check(_distinct, name="duplicate")))
        for number, (name, _check) in enumerate(hard):
            names[(f"E:{rule.name}", number)] = name
        soft_checks += [(rule.name, name, check) for name, check in soft]
        error_columns[rule.name] = pa.Column(
            dtype, checks=[c for _, c in hard], nullable=rule.missing == "allow",
            required=False, coerce=False,
        )
    return RuleSchemas(
        errors=pa.DataFrameSchema(error_columns, unique_column_names=True),
        soft=tuple(soft_checks),
        check_names=names,
        bounds=bounds,
        soft_bounds=soft_bounds,
    )


def _failures(
    schema: pa.DataFrameSchema, frame: pd.DataFrame, names: dict[tuple[str, int], str],
) -> pd.DataFrame:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            schema.validate(frame, lazy=True, inplace=True)
    except SchemaErrors as error:
        cases = error.failure_cases
    else:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "position" else "str")
                             for c in FAILURE_COLUMNS})
    cases = cases[cases["index"].notna()]
    columns = cases["column"].astype("str").to_numpy(dtype=object)
    raw = cases["check"].astype("str").to_numpy(dtype=object)
    numbers = pd.to_numeric(cases["check_number"], errors="coerce").to_numpy(dtype=np.float64)
    checks = raw.copy()
    checks[raw == "not_nullable"] = "missing"
    checks[raw == "field_uniqueness"] = "duplicate"
    numbered = np.flatnonzero(~np.isnan(numbers))
    if len(numbered):
        pairs = pd.DataFrame({"column": columns[numbered], "number": numbers[numbered]})
        for (column, number), rows in pairs.groupby(["column", "number"]).indices.items():
            key = (f"E:{column}", int(number))
            checks[numbered[rows]] = names.get(key, str(raw[numbered[rows[0]]]))
    return pd.DataFrame({
        "position": cases["index"].astype("int64").to_numpy(),
        "column": columns,
        "check": checks,
    })


def _name_range_failures(failures: pd.DataFrame, frame: pd.DataFrame, check: str,
                         bounds: dict[str, tuple[float, float]],
                         names: tuple[str, str, str | None]) -> pd.DataFrame:
    """Replace ``check`` by (below, above, non-finite) names, judged from the values."""
    checks = failures["check"].to_numpy(dtype=object)
    ranged = checks == check
    if not ranged.any():
        return failures
    checks = checks.copy()
    columns = failures["column"].to_numpy(dtype=object)
    positions = failures["position"].to_numpy()
    for column in pd.unique(columns[ranged]):
        rows = np.flatnonzero(ranged & (columns == column))
        values = frame[column].to_numpy(dtype=np.float64)[positions[rows]]
        low, _high = bounds[column]
        named = np.where(values < low, names[0], names[1]).astype(object)
        if names[2] is not None:
            named[~np.isfinite(values)] = names[2]
        checks[rows] = named
    return failures.assign(check=checks)


def error_failures(schemas: RuleSchemas, frame: pd.DataFrame) -> pd.DataFrame:
    """Cells failing a hard check: columns ``position``, ``column``, ``check``."""
    failures = _failures(schemas.errors, frame, schemas.check_names)
    return _name_range_failures(failures, frame, "range", schemas.bounds,
                                ("min_value", "max_value", "finite"))


def warning_failures(schemas: RuleSchemas, frame: pd.DataFrame) -> pd.DataFrame:
    """Cells failing a soft check (kept rows): columns ``position``, ``column``, ``check``."""
    positions: list[np.ndarray] = []
    labels: list[tuple[str, str, int]] = []
    for column, name, check in schemas.soft:
        if column not in frame.columns or not len(frame):
            continue
        output = check(frame[column]).check_output
        failing = output.index[~output.to_numpy(dtype=bool)].to_numpy()
        if len(failing):
            positions.append(failing.astype("int64"))
            labels.append((column, name, len(failing)))
    if not positions:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "position" else "str")
                             for c in FAILURE_COLUMNS})
    # One frame for all soft failures (building one per check cost more than the checks).
    failures = pd.DataFrame({
        "position": np.concatenate(positions),
        "column": pd.array(np.repeat([c for c, _, _ in labels], [n for _, _, n in labels]),
                           dtype="str"),
        "check": pd.array(np.repeat([k for _, k, _ in labels], [n for _, _, n in labels]),
                          dtype="str"),
    })
    return _name_range_failures(failures, frame, "soft_range",
                                schemas.soft_bounds, ("below_range", "above_range", None))
