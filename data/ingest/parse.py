"""Text records to an Arrow table: pyarrow's multi-threaded CSV reader, with the ``csv`` module
as a fall-back when the two disagree about where fields end.

Numeric rule columns are converted by the reader itself (fast); when any cell of them is not a
plain number the chunk is read again with every column as text and converted cell by cell
(:mod:`data.ingest.convert`), so each bad cell gets its own failure.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

from data.ingest.convert import ARROW_NULL_VALUES
from data.ingest.scan import Records


@dataclass(frozen=True)
class Layout:
    """Where the rule columns are and how the file writes numbers.

    Attributes
    ----------
    width : int
        Fields per row (the header's).
    delimiter, decimal : str
    columns : Mapping[int, str]
        File position -> rule name, for the columns the rules use.
    numeric : frozenset of str
        Rule names of numeric columns.
    """

    width: int
    delimiter: str
    decimal: str
    columns: Mapping[int, str]
    numeric: frozenset[str]


def read_table(data: bytes, layout: Layout, *, quoted_newlines: bool,
               typed: bool = True) -> tuple[pa.Table | None, int]:
    """Parse ``data`` (whole records) into rule-named columns.

    Returns
    -------
    table : pyarrow.Table or None
        None when the reader refused the bytes.
    invalid : int
        Rows the reader found with another number of fields than ``layout.width``.
    """
    names = [f"f{i}" for i in range(layout.width)]
    wanted = {f"f{p}": name for p, name in layout.columns.items()}
    invalid = [0]

    def on_invalid(_row: object) -> str:
        invalid[0] += 1
        return "skip"

    types = {key: (pa.float64() if typed and name in layout.numeric else pa.string())
             for key, name in wanted.items()}
    if not data:
        return pa.table({name: pa.array([], types[key]) for key, name in wanted.items()}), 0
    try:
        table = pcsv.read_csv(
            io.BytesIO(data),
            read_options=pcsv.ReadOptions(column_names=names, use_threads=True),
            parse_options=pcsv.ParseOptions(
                delimiter=layout.delimiter, quote_char='"', double_quote=True,
                escape_char=False, newlines_in_values=quoted_newlines, ignore_empty_lines=True,
                invalid_row_handler=on_invalid),
            convert_options=pcsv.ConvertOptions(
                column_types=types, include_columns=list(wanted), null_values=ARROW_NULL_VALUES,
                # Text columns keep every cell as written: missing tokens are resolved later
                # per rule, so a known category spelt like a token ("None") survives.
                strings_can_be_null=False, quoted_strings_can_be_null=False,
                decimal_point=layout.decimal))
    except pa.ArrowInvalid as error:
        if typed and "conversion error" in str(error):
            return read_table(data, layout, quoted_newlines=quoted_newlines, typed=False)
        return None, invalid[0]
    return table.rename_columns([wanted[n] for n in table.column_names]), invalid[0]


def read_slow(buffer: bytes, records: Records, keep: np.ndarray,
              layout: Layout) -> tuple[pa.Table, np.ndarray]:
    """Split each kept record with the ``csv`` module (text columns only).

    Returns the table of the records that split into ``layout.width`` fields, and the field
    count of every kept record.
    """
    positions = list(layout.columns)
    columns: list[list[str | None]] = [[] for _ in positions]
    indices = np.flatnonzero(keep)
    counts = np.zeros(len(indices), np.int64)
    for row, index in enumerate(indices):
        fields = split_record(buffer, records, int(index), layout.delimiter)
        counts[row] = len(fields)
        if len(fields) != layout.width:
            continue
        for column, position in zip(columns, positions, strict=True):
            value = fields[position]
            column.append(value)
    table = pa.table({layout.columns[p]: pa.array(c, pa.string())
                      for p, c in zip(positions, columns, strict=True)})
    return table, counts


def split_record(buffer: bytes, records: Records, index: int, delimiter: str) -> list[str]:
    """The fields of record ``index`` as the ``csv`` module reads them."""
    text = buffer[records.starts[index]:records.ends[index]].decode("utf-8", errors="replace")
    return next(csv.reader([text], delimiter=delimiter, strict=False), [])
