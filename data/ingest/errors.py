"""The ingestion gate's user-facing error."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from data.errors import LendscopeError


class IngestError(LendscopeError):
    """A file cannot be read as a CSV Lendscope accepts; the message names the reason.

    ``check`` is the machine-readable name of the file-level check that failed (for
    example ``"encoding"`` or ``"duplicate_columns"``); it keys the report's check counts.
    ``details`` holds report fields known when the file was refused (for a column mismatch:
    ``missing_columns``, ``extra_columns``, ``suggestions``, the encoding and delimiter).
    """

    def __init__(self, message: str, *, check: str, details: Mapping[str, Any] | None = None,
                 ) -> None:
        super().__init__(message)
        self.check = check
        self.details: dict[str, Any] = dict(details or {})
