"""The ingestion gate: every CSV read exactly as its author meant, or refused with the reason.

Public API: :class:`ColumnRule`, :func:`rules_from_spec`, :class:`IngestLimits`,
:func:`ingest` -> :class:`IngestReport`, :func:`ingest_chunks` -> iterable of
:class:`IngestChunk` for files too large to hold, and :class:`IngestError`.
See ``docs/ingestion.md`` for the rules.
"""

from __future__ import annotations

from data.ingest.errors import IngestError
from data.ingest.gate import ReportBuilder, ingest, refused_report
from data.ingest.limits import IngestLimits
from data.ingest.read import ChunkedIngest, ingest_chunks
from data.ingest.report import IngestChunk, IngestReport
from data.ingest.rules import ColumnRule, match_columns, normalise_name, rules_from_spec

__all__ = [
    "ChunkedIngest",
    "ColumnRule",
    "IngestChunk",
    "IngestError",
    "IngestLimits",
    "IngestReport",
    "ReportBuilder",
    "ingest",
    "ingest_chunks",
    "match_columns",
    "normalise_name",
    "refused_report",
    "rules_from_spec",
]
