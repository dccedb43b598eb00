"""What the gate found: per-chunk results, the file's :class:`IngestReport`, and the messages.

Policy: a file-level error (size, encoding, binary content, header, columns, quoting) refuses
the whole file; a row-level error (a cell failing a hard check, a ragged row) rejects that row
and keeps the others; a warning (encoding fall-back, value outside the training range, unseen
category, duplicate id, ignored extra column) keeps everything. Verdict: ``refused`` for a
file-level error or when no row is valid; ``warnings`` when a row was rejected or a warning was
raised; ``ok`` otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

from data.ingest.rules import ColumnRule

Verdict = Literal["ok", "warnings", "refused"]
FAILURE_TABLE_COLUMNS: tuple[str, ...] = ("row", "column", "value", "check", "message")


def empty_failures() -> pd.DataFrame:
    """A failure table with no rows (columns ``row, column, value, check, message``)."""
    return pd.DataFrame({
        "row": pd.Series(dtype="int64"),
        "column": pd.Series(dtype="str"),
        "value": pd.Series(dtype="str"),
        "check": pd.Series(dtype="str"),
        "message": pd.Series(dtype="str"),
    })


def _number(value: float | None) -> str:
    if value is None:
        return "-inf"
    return f"{value:,g}" if abs(value) < 1e15 else repr(value)


def failure_message(rule: ColumnRule | None, check: str, value: str, *, decimal: str = ".",
                    expected_fields: int = 0, got_fields: int = 0,
                    max_cell_chars: int = 0) -> str:
    """The user-facing message of one failing cell (or ragged row when ``rule`` is None)."""
    shown = repr(value if len(value) <= 60 else value[:57] + "...")
    if rule is None:
        fields = "many" if check == "too_many_fields" else "few"
        return (f"The row must have {expected_fields} fields like the header; got "
                f"{got_fields} (too {fields}): {shown}. Quote values that contain the "
                "delimiter, and check for missing or extra separators.")
    name = f"`{rule.name}`"
    if check == "type":
        return (f"{name} must be a number; got {shown}. Use digits with '{decimal}' as the "
                "decimal mark, or leave the cell empty.")
    if check == "currency":
        return (f"{name} must be a plain number; got {shown}. Remove currency symbols, codes "
                "and % signs: amounts are in the dataset's currency.")
    if check == "finite":
        return (f"{name} must be a finite number; got {shown}. Replace it with a real value or "
                "leave the cell empty.")
    if check == "min_value":
        return f"{name} must be at least {_number(rule.min_value)}; got {shown}."
    if check == "max_value":
        return f"{name} must be at most {_number(rule.max_value)}; got {shown}."
    if check == "integer":
        return f"{name} must be a whole number; got {shown}."
    if check == "allowed":
        return f"{name} must be one of {list(rule.allowed or ())}; got {shown}."
    if check == "missing":
        return f"{name} must not be missing; got {shown}. Fill in the value or drop the row."
    if check == "date":
        return f"{name} must be an ISO 8601 date (YYYY-MM-DD); got {shown}."
    if check == "cell_too_long":
        return (f"{name} must be at most {max_cell_chars:,} characters long; got "
                f"{len(value):,} characters.")
    return f"{name} failed the check {check!r}; got {shown}."


def warning_message(rule: ColumnRule, check: str, count: int, examples: list[str]) -> str:
    """The user-facing text of one kind of soft-check failure in one column."""
    shown = ", ".join(repr(e) for e in examples[:5])
    rows = f"{count:,} row{'s' if count != 1 else ''}"
    if check in ("below_range", "above_range"):
        side = (f"below the training minimum {_number(rule.warn_min)}" if check == "below_range"
                else f"above the training maximum {_number(rule.warn_max)}")
        return (f"`{rule.name}`: {rows} {side} (e.g. {shown}); kept, but the model "
                "extrapolates there.")
    if check == "unseen_category":
        return (f"`{rule.name}`: {rows} with categories not seen in training ({shown}); kept "
                "and treated as unknown.")
    if check == "duplicate":
        return (f"`{rule.name}`: {rows} share a value with another row (e.g. {shown}); kept. "
                "Make ids unique to tell results apart.")
    return f"`{rule.name}`: {rows} failed the soft check {check!r} (e.g. {shown}); kept."


@dataclass(frozen=True)
class IngestChunk:
    """The result of one chunk of a file (see :func:`data.ingest.read.ingest_chunks`).

    Attributes
    ----------
    frame : DataFrame of shape (rows_valid, n_rule_columns)
        Valid rows, typed, rule columns only, index 0..rows_valid-1.
    line_numbers : ndarray of shape (rows_valid,), int64
        File line number of each valid row (the header is line 1).
    failures : DataFrame
        Up to the caller's budget of failures: ``row, column, value, check, message``.
    rows_read : int
        Data rows in the chunk (blank lines excluded), valid or not.
    check_counts : Mapping[str, int]
        Failing cells per check (a ragged row counts once).
    warning_tallies : Mapping[tuple[str, str], tuple[int, tuple[str, ...]]]
        ``(column, check)`` -> (rows, up to five example values) for soft checks.
    progress : float
        Fraction of the file done after this chunk, 0 to 1.
    """

    frame: pd.DataFrame
    line_numbers: np.ndarray
    failures: pd.DataFrame
    rows_read: int
    check_counts: Mapping[str, int]
    warning_tallies: Mapping[tuple[str, str], tuple[int, tuple[str, ...]]]
    progress: float

    @property
    def rows_valid(self) -> int:
        """Rows kept."""
        return len(self.frame)

    @property
    def rows_rejected(self) -> int:
        """Rows dropped for a row-level error."""
        return self.rows_read - len(self.frame)


@dataclass(frozen=True)
class IngestReport:
    """Everything the gate found in one file, and the valid rows.

    Attributes
    ----------
    verdict : {"ok", "warnings", "refused"}
        See the module docstring for the policy.
    errors : tuple of str
        File-level error messages (empty unless refused); a refusal for having no valid row
        is also listed here.
    warnings : tuple of str
        Warnings, kept apart from errors.
    encoding : str
        Encoding used, e.g. ``"UTF-8"`` or ``"Windows-1252 (fall-back)"``; empty if unknown.
    encoding_fallback : bool
        True when the file was not UTF-8 and a fall-back encoding was used.
    delimiter, decimal : str
        Field separator and decimal mark used (empty if unknown).
    rows_read, rows_valid, rows_rejected : int
        Data rows seen, kept and dropped.
    check_counts : Mapping[str, int]
        Failures per check: row-level checks count failing cells, file-level checks count 1.
    failures : DataFrame
        The first failures: ``row`` (file line, header = 1), ``column``, ``value``, ``check``,
        ``message``.
    missing_columns, extra_columns : tuple of str
        Rule columns absent from the file; file columns no rule uses (ignored).
    suggestions : Mapping[str, str]
        Close matches between missing and extra column names, both ways.
    frame : DataFrame
        Valid rows, typed (numbers float64, ids and categories text, dates datetime64),
        rule columns only.
    line_numbers : ndarray of shape (rows_valid,), int64
        File line of each row of ``frame``.
    """

    verdict: Verdict
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    encoding: str = ""
    encoding_fallback: bool = False
    delimiter: str = ""
    decimal: str = ""
    rows_read: int = 0
    rows_valid: int = 0
    rows_rejected: int = 0
    check_counts: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    failures: pd.DataFrame = field(default_factory=empty_failures)
    missing_columns: tuple[str, ...] = ()
    extra_columns: tuple[str, ...] = ()
    suggestions: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    line_numbers: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))

    @property
    def refused(self) -> bool:
        """True when the file as a whole was refused."""
        return self.verdict == "refused"

    def summary(self) -> dict[str, Any]:
        """The command line's JSON fields: verdict, row counts and errors counted by check."""
        return {
            "verdict": self.verdict,
            "rows_read": self.rows_read,
            "rows_valid": self.rows_valid,
            "rows_rejected": self.rows_rejected,
            "errors": dict(sorted(self.check_counts.items())),
        }

    def lines(self) -> list[str]:
        """The report as readable lines (for the command line and logs)."""
        out = [f"verdict: {self.verdict}"]
        if self.encoding:
            out.append(f"encoding: {self.encoding}; delimiter: {self.delimiter!r}; "
                       f"decimal: {self.decimal!r}")
        out.append(f"rows: {self.rows_read:,} read, {self.rows_valid:,} valid, "
                   f"{self.rows_rejected:,} rejected")
        out += [f"error: {message}" for message in self.errors]
        out += [f"warning: {message}" for message in self.warnings]
        if self.check_counts:
            counts = ", ".join(f"{k}={v:,}" for k, v in sorted(self.check_counts.items()))
            out.append(f"failures by check: {counts}")
        for row in self.failures.head(20).itertuples(index=False):
            out.append(f"  line {row.row}: {row.message}")
        if len(self.failures) > 20:
            out.append(f"  ... {len(self.failures) - 20:,} more in the failure table")
        return out
