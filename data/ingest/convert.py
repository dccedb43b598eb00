"""Text cells to typed columns, with a failure for every cell that is not what its rule says.

Numbers (see ``docs/ingestion.md``): surrounding spaces are ignored; the decimal mark is the
file's (``.`` or ``,``); a thousands separator (the other mark) is accepted only in strict
groups of three digits (``1,234,567.5`` or ``1.234.567,5``); exponents are accepted; ``inf``,
``Infinity`` and overflowing values such as ``1e309`` parse as infinite and are then rejected by
the ``finite`` check. A currency symbol or code (``$``, ``S/``, ``USD``...) or a percent sign
rejects the cell: Lendscope does not guess currencies or scales.

Missing values: an empty cell or one of :data:`MISSING_TOKENS` (any letter case, surrounding
spaces ignored) is missing in every column kind, except that a categorical column keeps a
value that is one of its known categories exactly (a model trained on the level ``None``
scores ``None`` as that level, not as missing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data.ingest.rules import ColumnRule

MISSING_TOKENS: tuple[str, ...] = ("", "na", "n/a", "nan", "null", "none", "#n/a")
ARROW_NULL_VALUES: list[str] = sorted(
    {form for token in MISSING_TOKENS for form in (token, token.upper(), token.title())}
    | {"NaN", "N/a"}
)
_PLAIN = {
    ".": r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$",
    ",": r"^[+-]?(\d+,?\d*|,\d+)([eE][+-]?\d+)?$",
}
_GROUPED = {
    ".": r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$",
    ",": r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$",
}
_INFINITE = r"^[+-]?(inf|infinity)$"
_CURRENCY = r"[$€£¥₹₩₽¢]|S/|R\$|(?i:\b(usd|eur|gbp|pen|brl|mxn|cop|clp|ars|jpy)\b)|%"
_ISO_DATE = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$"


@dataclass(frozen=True)
class CellFailures:
    """Cells of one column that failed conversion.

    Attributes
    ----------
    positions : ndarray of shape (n_failures,), int64
        Row positions in the chunk.
    checks : ndarray of shape (n_failures,), object
        Check name per failure (``"type"``, ``"currency"``, ``"date"``, ``"cell_too_long"``).
    """

    column: str
    positions: np.ndarray
    checks: np.ndarray


def _missing(trimmed: pa.ChunkedArray) -> pa.ChunkedArray:
    low = pc.utf8_lower(trimmed)
    return pc.or_kleene(pc.is_null(trimmed), pc.is_in(low, value_set=pa.array(MISSING_TOKENS)))


def _mask(array: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def to_float(text: pa.ChunkedArray, decimal: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse a text column as numbers.

    Returns
    -------
    values : ndarray of shape (n_rows,), float64
        NaN where missing or unparseable.
    bad : ndarray of shape (n_rows,), bool
        Cells that are neither missing nor numbers.
    checks : ndarray of shape (n_bad,), object
        ``"currency"`` or ``"type"`` for each bad cell.
    """
    candidate = text
    if decimal == ",":
        if pc.any(pc.match_substring(text, ".")).as_py():
            candidate = None
        else:
            candidate = pc.replace_substring(text, ",", ".")
    if candidate is not None:
        try:
            values = pc.cast(candidate, pa.float64()).to_numpy(zero_copy_only=False)
            return np.asarray(values, dtype=np.float64), np.zeros(len(text), bool), np.empty(
                0, object)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    trimmed = pc.utf8_trim_whitespace(text)
    missing = _missing(trimmed)
    plain = pc.match_substring_regex(trimmed, _PLAIN[decimal])
    grouped = pc.match_substring_regex(trimmed, _GROUPED[decimal])
    infinite = pc.match_substring_regex(trimmed, _INFINITE, ignore_case=True)
    separator = "," if decimal == "." else "."
    normal = pc.if_else(grouped, pc.replace_substring(trimmed, separator, ""), trimmed)
    if decimal == ",":
        normal = pc.replace_substring(normal, ",", ".")
    valid = pc.or_kleene(pc.or_kleene(plain, grouped), infinite)
    valid = pc.and_kleene(valid, pc.invert(missing))
    good = _mask(valid)
    values = pc.cast(pc.if_else(valid, normal, pa.scalar(None, pa.string())), pa.float64())
    bad = ~good & ~_mask(missing)
    checks = np.full(int(bad.sum()), "type", dtype=object)
    if len(checks):
        bad_text = pc.filter(trimmed, pa.array(bad))
        currency = _mask(pc.match_substring_regex(bad_text, _CURRENCY))
        checks[currency] = "currency"
    return (np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64), bad, checks)


def to_text(
    text: pa.ChunkedArray, *, trim: bool = True, keep: tuple[object, ...] | None = None,
) -> pd.Series:
    """Text (trimmed unless ``trim`` is False) with missing tokens as NA, dtype ``str``.

    Values equal to one of ``keep`` (a column's known categories) are never missing.
    """
    trimmed = pc.utf8_trim_whitespace(text)
    missing = _missing(trimmed)
    known = [str(value) for value in keep or () if isinstance(value, str)]
    if known:
        missing = pc.and_kleene(missing, pc.invert(pc.is_in(trimmed, value_set=pa.array(known))))
    cleaned = pc.if_else(missing, pa.scalar(None, pa.string()), trimmed if trim else text)
    return pd.Series(cleaned.to_pandas(), dtype="str")


def to_date(text: pa.ChunkedArray) -> tuple[pd.Series, np.ndarray]:
    """ISO 8601 dates (``YYYY-MM-DD``, optional time); returns the values and the bad cells."""
    trimmed = pc.utf8_trim_whitespace(text)
    missing = _mask(_missing(trimmed))
    iso = _mask(pc.match_substring_regex(trimmed, _ISO_DATE))
    series = pd.Series(pc.if_else(pa.array(iso), trimmed, pa.scalar(None, pa.string()))
                       .to_pandas(), dtype="str")
    values = pd.to_datetime(series, format="ISO8601", errors="coerce")
    bad = ~missing & values.isna().to_numpy()
    return values, bad


def convert_columns(
    table: pa.Table, rules: list[ColumnRule], *, decimal: str, max_cell_chars: int | None,
) -> tuple[pd.DataFrame, list[CellFailures]]:
    """Typed frame (one column per rule, in rule order) and the conversion failures.

    Parameters
    ----------
    table : pyarrow.Table
        Text columns named by rule, missing tokens already null where the parser knew them.
    rules : list of ColumnRule
        Rules of the columns present in ``table``.
    decimal : str
        The file's decimal mark.
    max_cell_chars : int or None
        Longest accepted cell; None skips the check (the caller knows no line is that long).
    """
    columns: dict[str, pd.Series | np.ndarray] = {}
    failures: list[CellFailures] = []
    for rule in rules:
        text = table.column(rule.name)
        if max_cell_chars is not None and pa.types.is_string(text.type):
            long = _mask(pc.greater(pc.utf8_length(text), max_cell_chars))
            if long.any():
                failures.append(CellFailures(rule.name, np.flatnonzero(long),
                                             np.full(int(long.sum()), "cell_too_long", object)))
                text = pc.if_else(pa.array(long), pa.scalar(None, pa.string()), text)
        if rule.kind == "numeric" and pa.types.is_floating(text.type):
            columns[rule.name] = np.asarray(text.to_numpy(zero_copy_only=False), np.float64)
            continue
        if rule.kind == "numeric":
            values, bad, checks = to_float(text, decimal)
            columns[rule.name] = values
        elif rule.kind == "date":
            series, bad = to_date(text)
            checks = np.full(int(bad.sum()), "date", object)
            columns[rule.name] = series
        else:
            keep = rule.categories if rule.kind == "categorical" else None
            columns[rule.name] = to_text(text, trim=rule.kind != "text", keep=keep)
            bad, checks = np.zeros(len(text), bool), np.empty(0, object)
        if bad.any():
            failures.append(CellFailures(rule.name, np.flatnonzero(bad), checks))
    frame = pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))
    return frame, failures
