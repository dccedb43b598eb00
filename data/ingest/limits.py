"""Size limits, and the checks that refuse a file before any parser sees it.

Every check here looks only at raw bytes: the file's size, its first bytes (magic numbers of
archives, workbooks, executables, images and PDFs) and the share of control bytes in its head.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from data.ingest.errors import IngestError

HEAD_BYTES = 65_536
"""How many leading bytes the sniffers read (64 KiB)."""

# (magic prefix, what it is, remedy) for formats that are sometimes renamed ``.csv``.
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (an .xlsx workbook is one)",
     "open it in a spreadsheet and save it as CSV, or unzip it"),
    (b"PK\x05\x06", "an empty ZIP archive", "export the data as CSV"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel (.xls) or Office file",
     "open it in a spreadsheet and save it as CSV"),
    (b"\x1f\x8b", "a gzip-compressed file", "decompress it first"),
    (b"BZh", "a bzip2-compressed file", "decompress it first"),
    (b"\xfd7zXZ\x00", "an xz-compressed file", "decompress it first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "extract it first"),
    (b"Rar!\x1a\x07", "a RAR archive", "extract it first"),
    (b"\x28\xb5\x2f\xfd", "a zstd-compressed file", "decompress it first"),
    (b"PAR1", "a Parquet file", "export the data as CSV"),
    (b"%PDF", "a PDF document", "export the data as CSV"),
    (b"\x7fELF", "an executable (ELF)", "upload the CSV file instead"),
    (b"MZ", "a Windows executable", "upload the CSV file instead"),
    (b"\x89PNG", "a PNG image", "upload the CSV file instead"),
    (b"\xff\xd8\xff", "a JPEG image", "upload the CSV file instead"),
    (b"GIF8", "a GIF image", "upload the CSV file instead"),
    (b"SQLite format 3\x00", "an SQLite database", "export the table as CSV"),
)

# C0 control bytes other than tab, LF, CR, form feed and the DOS end-of-file mark.
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 26))
_CONTROL_SHARE = 0.01
"""A head with more than 1% control bytes is treated as binary."""


@dataclass(frozen=True)
class IngestLimits:
    """How much the gate accepts; anything larger is refused before parsing.

    Parameters
    ----------
    max_bytes : int
        Largest file, in bytes.
    max_columns : int
        Most columns in the header.
    max_rows : int
        Most data rows (the header excluded).
    max_cell_chars : int
        Longest cell, in characters.
    """

    max_bytes: int = 100_000_000
    max_columns: int = 2_000
    max_rows: int = 2_000_000
    max_cell_chars: int = 10_000

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_columns", "max_rows", "max_cell_chars"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"`{name}` must be a positive integer; got {value!r}.")

    @classmethod
    def from_settings(cls, settings: Any) -> IngestLimits:
        """Limits from a :class:`config.Settings` (``max_upload_bytes``, ``max_columns``...)."""
        return cls(
            max_bytes=int(settings.max_upload_bytes),
            max_columns=int(settings.max_columns),
            max_rows=int(settings.max_rows),
            max_cell_chars=int(settings.max_cell_chars),
        )


def check_size(size: int, limits: IngestLimits) -> None:
    """Refuse an empty file or one larger than ``limits.max_bytes``."""
    if size == 0:
        raise IngestError(
            "The file is empty (0 bytes); upload a CSV with a header row and data rows.",
            check="empty_file",
        )
    if size > limits.max_bytes:
        raise IngestError(
            f"The file must be at most {limits.max_bytes:,} bytes; got {size:,} bytes. "
            "Split it into smaller files or raise LENDSCOPE_MAX_UPLOAD_MB.",
            check="too_large",
        )


def check_not_binary(head: bytes, *, utf16: bool) -> None:
    """Refuse archives, workbooks, executables and other binary content from the file's head.

    Parameters
    ----------
    head : bytes
        The first bytes of the file (up to :data:`HEAD_BYTES`).
    utf16 : bool
        True when the head is UTF-16 or UTF-32 text, whose NUL bytes are legitimate.
    """
    for magic, what, remedy in _MAGIC:
        if head.startswith(magic):
            raise IngestError(
                f"The file is {what}, not a CSV text file; {remedy}.", check="binary"
            )
    if utf16:
        return
    nul = head.find(b"\x00")
    if nul >= 0:
        raise IngestError(
            f"The file contains a NUL byte at byte offset {nul}: it is binary, not CSV text. "
            "Export the data as CSV (UTF-8).",
            check="nul_byte",
        )
    control = len(head) - len(head.translate(None, _CONTROL))
    if head and control / len(head) > _CONTROL_SHARE:
        raise IngestError(
            f"The file's first {len(head):,} bytes hold {control:,} control bytes: it is "
            "binary, not CSV text. Export the data as CSV (UTF-8).",
            check="binary",
        )
