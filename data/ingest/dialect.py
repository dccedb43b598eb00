"""Delimiter, decimal mark and header, read from the head of the file.

The delimiter is the candidate among comma, semicolon, tab and pipe that splits the header into
more than one field and splits the most sample rows into the header's number of fields (ties:
more fields, then the order listed). ``csv.Sniffer`` is not used: on a one-column file it invents
delimiters. When no candidate gives more than one field the file has one column.

The decimal mark is ``.`` in comma-separated files. In semicolon-separated files it is ``,``
unless the sample holds numbers with a decimal point and none with a decimal comma; in tab- and
pipe-separated files it is ``.`` unless the sample holds decimal commas and no decimal points.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass

from data.ingest.errors import IngestError

DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
SAMPLE_ROWS = 200
_DOT = re.compile(r"^[+-]?\d*\.\d+$")
_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_COMMA_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")


def delimiter_name(delimiter: str) -> str:
    """``"comma"``, ``"semicolon"``, ``"tab"`` or ``"pipe"``."""
    return _NAMES.get(delimiter, repr(delimiter))


@dataclass(frozen=True)
class Dialect:
    """How the file is laid out.

    Attributes
    ----------
    delimiter : str
        Field separator.
    decimal : str
        Decimal mark of numbers, ``"."`` or ``","``.
    header : tuple of str
        Column names as in the file, with surrounding whitespace removed.
    """

    delimiter: str
    decimal: str
    header: tuple[str, ...]


def check_header_width(first_line: str, max_columns: int) -> None:
    """Refuse a header with more than ``max_columns`` fields for any candidate delimiter.

    Counting separators in the first line is enough: it needs no parsing, so a
    200,000-column header is refused in milliseconds.
    """
    widest = max(first_line.count(d) for d in DELIMITERS) + 1
    if widest > max_columns:
        raise IngestError(
            f"The header must have at most {max_columns:,} columns; got at least {widest:,}. "
            "Keep only the columns the model needs, or raise LENDSCOPE_MAX_COLUMNS.",
            check="too_many_columns",
        )


def _rows(sample: str, delimiter: str, complete: bool) -> list[list[str]]:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    try:
        rows = list(itertools.islice(reader, SAMPLE_ROWS + 1))
    except csv.Error:
        return []
    if not complete and len(rows) > 1:
        rows = rows[:-1]  # the head may end inside the last row
    return [row for row in rows if row]


def detect_dialect(sample: str, *, complete: bool) -> Dialect:
    """Detect delimiter, decimal mark and header from the decoded head of a file.

    Parameters
    ----------
    sample : str
        The start of the file as text, line ends normalised to ``\\n``.
    complete : bool
        True when ``sample`` is the whole file.
    """
    best: tuple[float, int, int] | None = None
    chosen = ","
    chosen_rows: list[list[str]] = []
    for order, delimiter in enumerate(DELIMITERS):
        rows = _rows(sample, delimiter, complete)
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        data = rows[1:]
        consistency = sum(len(r) == width for r in data) / len(data) if data else 1.0
        score = (consistency, width, -order)
        if best is None or score > best:
            best, chosen, chosen_rows = score, delimiter, rows
    if best is None:
        chosen_rows = _rows(sample, ",", complete)
    header = tuple(name.strip().lstrip("\ufeff").strip() for name in (chosen_rows or [[]])[0])
    return Dialect(delimiter=chosen, decimal=_decimal(chosen, chosen_rows[1:]), header=header)


def _decimal(delimiter: str, rows: list[list[str]]) -> str:
    if delimiter == ",":
        return "."
    cells = [cell.strip() for row in rows for cell in row]
    dots = sum(bool(_DOT.match(c)) for c in cells)
    commas = sum(bool(_COMMA.match(c)) and not _COMMA_GROUPED.match(c) for c in cells)
    grouped = sum(bool(_COMMA_GROUPED.match(c)) for c in cells)
    if delimiter == ";":
        return "." if dots and not (commas or (grouped and not dots)) else ","
    return "," if commas and not dots else "."


def looks_separated_by(field: str) -> str | None:
    """The candidate delimiter a single header field seems to contain, if any."""
    counts = {d: field.count(d) for d in DELIMITERS}
    delimiter, count = max(counts.items(), key=lambda item: item[1])
    return delimiter if count else None
