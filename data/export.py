"""The one CSV writer for everything Lendscope emits (scored files, failure tables, exports).

Formula safety (OWASP CSV injection guidance; ASVS 5.0 section 1.2.10): a text cell or header
that starts with ``=``, ``+``, ``-``, ``@``, tab, carriage return, line feed or NUL gets a
leading apostrophe, so spreadsheets show it as text instead of running it. Numbers are written
as numbers (a float ``-3.5`` stays ``-3.5``; only text is prefixed, so a negative score stays
numeric). Missing values are empty cells. Quoting follows RFC 4180: fields holding a comma, a
double quote, CR or LF are quoted, quotes are doubled, records end with CRLF. Text is UTF-8,
optionally with a byte-order mark so Excel detects the encoding.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import os
import tempfile
from pathlib import Path

import pandas as pd

TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")
"""First characters that make a spreadsheet treat a cell as a formula or a control."""
_TRIGGER_PATTERN = r"^[=+\-@\t\r\n\x00]"


def neutralise(text: str) -> str:
    """``text`` with a leading apostrophe when it starts with a formula trigger."""
    return "'" + text if text.startswith(TRIGGERS) else text


def _safe_column(series: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_numeric_dtype(series.dtype):
        return series
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series
    if isinstance(series.dtype, pd.StringDtype) or pd.api.types.is_string_dtype(series.dtype):
        if series.dtype == object:
            return series.map(lambda v: neutralise(v) if isinstance(v, str) else v)
        values = series.astype("str")
        triggered = values.str.match(_TRIGGER_PATTERN).fillna(False).to_numpy(dtype=bool)
        if not triggered.any():
            return series
        return values.where(~triggered, "'" + values)
    return series.astype(object).map(lambda v: neutralise(v) if isinstance(v, str) else v)


def to_safe_csv_bytes(frame: pd.DataFrame, *, excel_bom: bool = False) -> bytes:
    """The formula-safe CSV of ``frame`` (index not written).

    Parameters
    ----------
    frame : DataFrame
        Any frame; column names are written as text.
    excel_bom : bool
        Start with the UTF-8 byte-order mark (Excel then reads accents correctly).

    Returns
    -------
    bytes
        UTF-8 CSV with CRLF line ends.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"`frame` must be a pandas DataFrame; got {type(frame)!r}.")
    safe = pd.DataFrame(
        {i: _safe_column(frame.iloc[:, i]) for i in range(frame.shape[1])},
        index=pd.RangeIndex(len(frame)),
    )
    safe.columns = [neutralise(str(name)) for name in frame.columns]
    text = safe.to_csv(index=False, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL,
                       na_rep="", date_format="%Y-%m-%dT%H:%M:%S")
    if frame.shape[1] == 0:
        text = "\r\n" * (len(frame) + 1)
    data = text.encode("utf-8")
    return codecs.BOM_UTF8 + data if excel_bom else data


def write_safe_csv(frame: pd.DataFrame, path: str | os.PathLike[str], *,
                   excel_bom: bool = False) -> Path:
    """Write :func:`to_safe_csv_bytes` to ``path`` atomically and return the path.

    The bytes go to a temporary file in the same folder, are flushed to disk, then renamed
    over ``path``: readers see the old file or the complete new one, never half of it.
    """
    target = Path(path)
    data = to_safe_csv_bytes(frame, excel_bom=excel_bom)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial",
                                         dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return target


__all__ = ["TRIGGERS", "neutralise", "to_safe_csv_bytes", "write_safe_csv"]
