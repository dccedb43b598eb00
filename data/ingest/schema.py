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


def _finite(series: pd.Series) -> pd.Series:
    return pd.Series(np.isfinite(series.to_numpy(dtype=np.float64)), index=series.index)


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
    """

    errors: pa.DataFrameSchema
    soft: tuple[tuple[str, str, pa.Check], ...]
    check_names: dict[tuple[str, int], str]


def build_schemas(rules: Sequence[ColumnRule]) -> RuleSchemas:
    """Build both pandera schemas for the columns of ``rules`` (all assumed present)."""
    error_columns: dict[str, pa.Column] = {}
    soft_checks: list[tuple[str, str, pa.Check]] = []
    names: dict[tuple[str, int], str] = {}
    for rule in rules:
        hard: list[tuple[str, pa.Check]] = []
        soft: list[tuple[str, pa.Check]] = []
        if rule.kind == "numeric":
            dtype: str | None = "float64"
            hard.append(("finite", pa.Check(_finite, name="finite")))
            if rule.min_value is not None:
                hard.append(("min_value", pa.Check.ge(rule.min_value)))
            if rule.max_value is not None:
                hard.append(("max_value", pa.Check.le(rule.max_value)))
            if rule.integer:
                hard.append(("integer", pa.Check(_whole, name="integer")))
            if rule.warn_min is not None:
                soft.append(("below_range", pa.Check.ge(rule.warn_min)))
            if rule.warn_max is not None:
                soft.append(("above_range", pa.Check.le(rule.warn_max)))
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
    checks = []
    for column, check, number in zip(cases["column"], cases["check"], cases["check_number"],
                                     strict=True):
        if check == "not_nullable":
            checks.append("missing")
        elif check == "field_uniqueness":
            checks.append("duplicate")
        elif number is not None and not pd.isna(number):
            checks.append(names.get((f"E:{column}", int(number)), str(check)))
        else:
            checks.append(str(check))
    return pd.DataFrame({
        "position": cases["index"].astype("int64").to_numpy(),
        "column": cases["column"].astype("str").to_numpy(),
        "check": pd.array(checks, dtype="str"),
    })


def error_failures(schemas: RuleSchemas, frame: pd.DataFrame) -> pd.DataFrame:
    """Cells failing a hard check: columns ``position``, ``column``, ``check``."""
    return _failures(schemas.errors, frame, schemas.check_names)


def warning_failures(schemas: RuleSchemas, frame: pd.DataFrame) -> pd.DataFrame:
    """Cells failing a soft check (kept rows): columns ``position``, ``column``, ``check``."""
    parts: list[pd.DataFrame] = []
    for column, name, check in schemas.soft:
        if column not in frame.columns or not len(frame):
            continue
        output = check(frame[column]).check_output
        failing = output.index[~output.to_numpy(dtype=bool)].to_numpy()
        if len(failing):
            parts.append(pd.DataFrame({"position": failing.astype("int64"), "column": column,
                                       "check": name}))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "position" else "str")
                             for c in FAILURE_COLUMNS})
    return pd.concat(parts, ignore_index=True)
