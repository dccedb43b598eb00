"""``ingest``: one file in, one :class:`IngestReport` out, never an unhandled exception for bad
input (a refused file is a report with verdict ``refused``, not an exception).

:class:`ReportBuilder` is the aggregation ``ingest`` uses; callers that consume
:func:`data.ingest.read.ingest_chunks` themselves (batch scoring) can use it too, so that the
verdict and messages are the same everywhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from data.ingest.errors import IngestError
from data.ingest.limits import IngestLimits
from data.ingest.read import CHUNK_BYTES, ChunkedIngest
from data.ingest.report import IngestChunk, IngestReport, empty_failures, warning_message
from data.ingest.rules import ColumnRule


def refused_report(error: IngestError) -> IngestReport:
    """The report of a file refused at file level."""
    return IngestReport(verdict="refused", errors=(str(error),), check_counts={error.check: 1},
                        **error.details)


class ReportBuilder:
    """Add the chunks of a :class:`ChunkedIngest` one by one; then build the file's report.

    Parameters
    ----------
    stream : ChunkedIngest
        The file being read (its encoding, dialect, column match and file-level warnings).
    max_failures : int
        Failures kept for the report's table (all are counted).
    keep_frames : bool
        Keep each chunk's valid rows for ``report().frame``; False when the caller processes
        and drops them (the report's frame is then empty, its counts still complete).
    """

    def __init__(self, stream: ChunkedIngest, *, max_failures: int = 1000,
                 keep_frames: bool = True) -> None:
        self.stream = stream
        self.max_failures = max_failures
        self.keep_frames = keep_frames
        self._frames: list[pd.DataFrame] = []
        self._lines: list[np.ndarray] = []
        self._failures: list[pd.DataFrame] = []
        self._kept_failures = 0
        self._counts: Counter[str] = Counter()
        self._tallies: dict[tuple[str, str], tuple[int, tuple[str, ...]]] = {}
        self.rows_read = 0
        self.rows_valid = 0

    def add(self, chunk: IngestChunk) -> None:
        """Count one chunk (and keep its rows when ``keep_frames``)."""
        if self.keep_frames:
            self._frames.append(chunk.frame)
            self._lines.append(chunk.line_numbers)
        if len(chunk.failures) and self._kept_failures < self.max_failures:
            self._failures.append(chunk.failures)
            self._kept_failures += len(chunk.failures)
        self._counts.update(chunk.check_counts)
        self.rows_read += chunk.rows_read
        self.rows_valid += chunk.rows_valid
        for key, (count, examples) in chunk.warning_tallies.items():
            seen, kept = self._tallies.get(key, (0, ()))
            self._tallies[key] = (seen + count, tuple(dict.fromkeys(kept + examples))[:5])

    def report(self) -> IngestReport:
        """The file's report from the chunks added so far (see the policy in ``report.py``)."""
        stream = self.stream
        rules = {r.name: r for r in stream.rules}
        warnings = list(stream.warnings) + [
            warning_message(rules[column], check, count, list(examples))
            for (column, check), (count, examples) in sorted(self._tallies.items())
        ]
        counts = Counter(self._counts)
        errors: tuple[str, ...] = ()
        if self.rows_read == 0:
            errors = ("The file has a header but no data rows; add rows below the header.",)
            counts["no_rows"] += 1
        elif self.rows_valid == 0:
            errors = (f"No valid rows: all {self.rows_read:,} rows were rejected (see the "
                      "failure table); fix the data and upload it again.",)
        if errors:
            verdict = "refused"
        elif warnings or self.rows_valid < self.rows_read:
            verdict = "warnings"
        else:
            verdict = "ok"
        frames = self._frames
        frame = (pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]) \
            if frames else pd.DataFrame()
        return IngestReport(
            verdict=verdict, errors=errors, warnings=tuple(warnings),
            encoding=stream.encoding.label, encoding_fallback=bool(stream.encoding.fallback),
            delimiter=stream.dialect.delimiter, decimal=stream.dialect.decimal,
            rows_read=self.rows_read, rows_valid=self.rows_valid,
            rows_rejected=self.rows_read - self.rows_valid, check_counts=dict(counts),
            failures=(pd.concat(self._failures, ignore_index=True).head(self.max_failures)
                      if self._failures else empty_failures()),
            missing_columns=(*stream.match.missing_required, *stream.match.missing_optional),
            extra_columns=stream.match.extra, suggestions=dict(stream.match.suggestions),
            frame=frame,
            line_numbers=np.concatenate(self._lines) if self._lines else np.empty(0, np.int64),
        )


def ingest(
    source: bytes | Path,
    rules: Sequence[ColumnRule] | None,
    *,
    limits: IngestLimits,
    progress: Callable[[float], None] | None = None,
    max_failures: int = 1000,
    chunk_bytes: int = CHUNK_BYTES,
) -> IngestReport:
    """Read and validate a CSV file against ``rules``.

    Parameters
    ----------
    source : bytes or Path
        The uploaded bytes, or the path of the file.
    rules : sequence of ColumnRule or None
        What the columns must hold (see :func:`data.ingest.rules.rules_from_spec`); None reads
        every named column as optional text (used to infer a spec from a new file).
    limits : IngestLimits
        Size limits, checked before parsing.
    progress : callable, optional
        Called with the fraction done (0 to 1) after each chunk.
    max_failures : int
        How many failing cells/rows the report lists (all are counted).
    chunk_bytes : int
        Text bytes parsed per chunk.

    Returns
    -------
    IngestReport
        Verdict, counts, failures, warnings and the valid rows.
    """
    try:
        stream = ChunkedIngest(source, rules, limits=limits, chunk_bytes=chunk_bytes,
                               max_failures=max_failures)
        builder = ReportBuilder(stream, max_failures=max_failures)
        for chunk in stream:
            builder.add(chunk)
            if progress is not None:
                progress(chunk.progress)
    except IngestError as error:
        return refused_report(error)
    return builder.report()
