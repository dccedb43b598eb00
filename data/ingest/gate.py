"""``ingest``: one file in, one :class:`IngestReport` out, never an unhandled exception for bad
input (a refused file is a report with verdict ``refused``, not an exception)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from data.ingest.errors import IngestError
from data.ingest.limits import IngestLimits
from data.ingest.read import CHUNK_BYTES, ChunkedIngest
from data.ingest.report import IngestReport, empty_failures, warning_message
from data.ingest.rules import ColumnRule


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
    except IngestError as error:
        return IngestReport(verdict="refused", errors=(str(error),),
                            check_counts={error.check: 1}, **error.details)
    frames: list[pd.DataFrame] = []
    lines: list[np.ndarray] = []
    failures: list[pd.DataFrame] = []
    counts: Counter[str] = Counter()
    tallies: dict[tuple[str, str], tuple[int, tuple[str, ...]]] = {}
    rows_read = 0
    base = dict(encoding=stream.encoding.label, encoding_fallback=bool(stream.encoding.fallback),
                delimiter=stream.dialect.delimiter, decimal=stream.dialect.decimal,
                missing_columns=(*stream.match.missing_required, *stream.match.missing_optional),
                extra_columns=stream.match.extra, suggestions=dict(stream.match.suggestions))
    try:
        for chunk in stream:
            frames.append(chunk.frame)
            lines.append(chunk.line_numbers)
            if len(chunk.failures):
                failures.append(chunk.failures)
            counts.update(chunk.check_counts)
            rows_read += chunk.rows_read
            for key, (count, examples) in chunk.warning_tallies.items():
                seen, kept = tallies.get(key, (0, ()))
                tallies[key] = (seen + count, tuple(dict.fromkeys(kept + examples))[:5])
            if progress is not None:
                progress(chunk.progress)
    except IngestError as error:
        return IngestReport(verdict="refused", errors=(str(error),),
                            check_counts={error.check: 1}, **base)
    frame = (pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]) if frames \
        else pd.DataFrame()
    line_numbers = np.concatenate(lines) if lines else np.empty(0, np.int64)
    rule_by_name = {r.name: r for r in stream.rules}
    warnings = list(stream.warnings) + [
        warning_message(rule_by_name[column], check, count, list(examples))
        for (column, check), (count, examples) in sorted(tallies.items())
    ]
    errors: tuple[str, ...] = ()
    rows_valid = len(frame)
    if rows_read == 0:
        errors = ("The file has a header but no data rows; add rows below the header.",)
        counts["no_rows"] += 1
    elif rows_valid == 0:
        errors = (f"No valid rows: all {rows_read:,} rows were rejected (see the failure "
                  "table); fix the data and upload it again.",)
    if errors:
        verdict = "refused"
    elif warnings or rows_valid < rows_read:
        verdict = "warnings"
    else:
        verdict = "ok"
    table = pd.concat(failures, ignore_index=True).head(max_failures) if failures \
        else empty_failures()
    return IngestReport(
        verdict=verdict, errors=errors, warnings=tuple(warnings), rows_read=rows_read,
        rows_valid=rows_valid, rows_rejected=rows_read - rows_valid, check_counts=dict(counts),
        failures=table, frame=frame, line_numbers=line_numbers, **base,
    )
