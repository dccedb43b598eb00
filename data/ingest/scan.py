"""Record boundaries, field counts and line numbers of a CSV chunk, vectorised with numpy.

Quoting follows RFC 4180: a double quote opens a quoted field and the next one closes it (a
doubled quote inside a quoted field closes and reopens it, which leaves the same parity), so a
byte is inside quotes exactly when an odd number of quotes precede it in the record. Line feeds
and delimiters outside quotes separate records and fields. The input has ``\\n`` line ends only
(see :func:`data.ingest.decode.utf8_blocks`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from data.ingest.errors import IngestError

_LF = 10
_QUOTE = 34


@dataclass(frozen=True)
class Records:
    """The complete, non-blank records at the start of a chunk.

    Attributes
    ----------
    starts, ends : ndarray of shape (n_records,), int64
        Byte offsets of each record in the chunk; ``ends`` excludes the line feed.
    fields : ndarray of shape (n_records,), int64
        Number of fields in each record.
    lines : ndarray of shape (n_records,), int64
        File line number where each record starts (the header is line 1).
    consumed : int
        Bytes of the chunk covered by complete records (and blank lines).
    next_line : int
        Line number of the first byte after ``consumed``.
    quoted_newlines : bool
        True when some record holds a line feed inside quotes.
    """

    starts: np.ndarray
    ends: np.ndarray
    fields: np.ndarray
    lines: np.ndarray
    consumed: int
    next_line: int
    quoted_newlines: bool


def scan_records(buf: bytes, delimiter: str, *, final: bool, first_line: int,
                 with_fields: bool = True) -> Records:
    """Split ``buf`` (which starts at a record boundary) into records.

    Parameters
    ----------
    buf : bytes
        UTF-8 text with ``\\n`` line ends.
    delimiter : str
        One ASCII character.
    final : bool
        True when ``buf`` runs to the end of the file: a last record without a line feed
        counts, and a quoted field still open is an error.
    first_line : int
        File line number of ``buf``'s first byte.
    with_fields : bool
        Count the fields of each record; when False ``fields`` is all -1 (cheaper: the
        parser then reports ragged rows, and only then are fields counted).

    Raises
    ------
    IngestError
        With check ``"unclosed_quote"`` when ``final`` and a quoted field never closes.
    """
    data = np.frombuffer(buf, dtype=np.uint8)
    quotes = np.flatnonzero(data == _QUOTE) if b'"' in buf else np.empty(0, np.int64)
    is_lf = data == _LF
    all_lf = np.flatnonzero(is_lf)
    quoted = bool(len(quotes))
    if quoted:
        if final and len(quotes) % 2:
            opened = int(quotes[-1])
            line = first_line + int(np.searchsorted(all_lf, opened))
            raise IngestError(
                f"Line {line:,} opens a quoted field (a '\"') that is never closed, so the rest "
                "of the file cannot be split into rows. Remove the stray quote or close it.",
                check="unclosed_quote",
            )
        lf = all_lf[_outside(all_lf, quotes)]
    else:
        lf = all_lf
    ends = lf
    starts = np.concatenate(([0], lf[:-1] + 1)).astype(np.int64) if len(lf) else lf
    consumed = int(lf[-1]) + 1 if len(lf) else 0
    if final and consumed < len(data):
        starts = np.append(starts, consumed)
        ends = np.append(ends, len(data))
        consumed = len(data)
    if not quoted:
        lines = first_line + np.arange(len(starts), dtype=np.int64)
    else:
        lines = first_line + np.searchsorted(all_lf, starts)
    next_line = first_line + int(np.searchsorted(all_lf, consumed))
    keep = ends > starts
    starts, ends, lines = starts[keep], ends[keep], lines[keep]
    records = Records(
        starts=starts.astype(np.int64),
        ends=ends.astype(np.int64),
        fields=np.full(len(starts), -1, dtype=np.int64),
        lines=lines.astype(np.int64),
        consumed=consumed,
        next_line=next_line,
        quoted_newlines=bool(len(lf) != len(all_lf)),
    )
    if with_fields:
        return replace(records, fields=count_fields(buf, records, delimiter))
    return records


def _outside(positions: np.ndarray, quotes: np.ndarray) -> np.ndarray:
    """Mask of ``positions`` (offsets of bytes that are not quotes) lying outside quotes.

    A byte is outside quotes when an even number of quotes precede it; counting them with a
    binary search costs per position, not per byte of the chunk.
    """
    return np.searchsorted(quotes, positions) % 2 == 0


def count_fields(buf: bytes, records: Records, delimiter: str) -> np.ndarray:
    """Fields per record of ``records`` (delimiters outside quotes, plus one)."""
    data = np.frombuffer(buf, dtype=np.uint8)[: records.consumed]
    positions = np.flatnonzero(data == ord(delimiter))
    if b'"' in buf[: records.consumed]:
        positions = positions[_outside(positions, np.flatnonzero(data == _QUOTE))]
    counts = np.searchsorted(positions, records.ends) - np.searchsorted(positions, records.starts)
    return (counts + 1).astype(np.int64)


def keep_bytes(buf: bytes, records: Records, keep: np.ndarray) -> bytes:
    """The bytes of the records where ``keep`` is true, each ended by a line feed."""
    if keep.all() and len(records.starts):
        return buf[int(records.starts[0]) : records.consumed]
    data = np.frombuffer(buf, dtype=np.uint8)
    starts, ends = records.starts[keep], records.ends[keep]
    if not len(starts):
        return b""
    lengths = ends - starts + 1
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    index = np.arange(int(lengths.sum()), dtype=np.int64) + offsets
    padded = np.append(data, np.uint8(_LF))
    index = np.minimum(index, len(data))
    out = padded[index]
    out[np.cumsum(lengths) - 1] = _LF
    return out.tobytes()
