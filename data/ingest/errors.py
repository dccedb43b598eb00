"""The ingestion gate's user-facing error."""

from __future__ import annotations

from data.errors import LendscopeError


class IngestError(LendscopeError):
    """A file cannot be read as a CSV Lendscope accepts; the message names the reason.

    ``check`` is the machine-readable name of the file-level check that failed (for
    example ``"encoding"`` or ``"duplicate_columns"``); it keys the report's check counts.
    """

    def __init__(self, message: str, *, check: str) -> None:
        super().__init__(message)
        self.check = check
