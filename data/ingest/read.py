"""The gate: file-level checks, then chunked parsing, conversion and validation of rows.

:func:`ingest` reads a whole file into an :class:`IngestReport`. :func:`ingest_chunks` runs the
same file-level checks up front (raising :class:`IngestError` for a refused file) and returns a
:class:`ChunkedIngest` whose iteration yields one :class:`IngestChunk` per slice of about
``chunk_bytes`` bytes, so a file of a million rows is checked in bounded memory.
"""

from __future__ import annotations

import codecs
import itertools
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from data.ingest.convert import convert_columns
from data.ingest.decode import Encoding, Source, resolve_encoding, sniff_encoding, utf8_blocks
from data.ingest.dialect import (
    Dialect,
    check_header_width,
    delimiter_name,
    detect_dialect,
    looks_separated_by,
)
from data.ingest.errors import IngestError
from data.ingest.limits import HEAD_BYTES, IngestLimits, check_not_binary, check_size
from data.ingest.parse import Layout, read_slow, read_table, split_record
from data.ingest.report import IngestChunk, empty_failures, failure_message
from data.ingest.rules import ColumnMatch, ColumnRule, duplicate_names, match_columns
from data.ingest.scan import Records, count_fields, keep_bytes, scan_records
from data.ingest.schema import build_schemas, error_failures, warning_failures

HEADER_PROBE_BYTES = 4 * 1024 * 1024
"""Bytes read to count the header's fields (no parsing): 4 MiB."""
CHUNK_BYTES = 32 * 1024 * 1024
"""Default bytes of text per chunk (32 MiB, about 150,000 rows of 30 columns)."""


class ChunkedIngest:
    """A file that passed the file-level checks, read chunk by chunk when iterated.

    Attributes
    ----------
    encoding : Encoding
    dialect : Dialect
    match : ColumnMatch
    rules : tuple of ColumnRule
        Rules of the columns present in the file, in rule order. With ``rules=None`` every
        named column of the header is read as optional text.
    warnings : tuple of str
        File-level warnings (encoding fall-back, ignored extra columns).
    """

    def __init__(self, source: bytes | Path, rules: Sequence[ColumnRule] | None, *,
                 limits: IngestLimits, chunk_bytes: int = CHUNK_BYTES,
                 max_failures: int = 1000) -> None:
        if rules is not None and not rules:
            raise ValueError("`rules` must name at least one column; got none.")
        self.limits = limits
        self.chunk_bytes = max(int(chunk_bytes), 1024)
        self.max_failures = max_failures
        self._source = Source(source)
        check_size(self._source.size, limits)
        head = self._source.head(HEAD_BYTES)
        announced = sniff_encoding(head)
        check_not_binary(head, utf16=announced is not None and announced.wide)
        probe = self._source.head(HEADER_PROBE_BYTES)
        if announced is not None and announced.wide:
            first = probe[announced.bom:].decode(announced.codec, errors="ignore")
        else:
            first = probe.decode("latin-1")
        first_line = first.replace("\r", "\n").split("\n", 1)[0]
        check_header_width(first_line, limits.max_columns)
        if len(first_line) == len(first) and len(probe) < self._source.size:
            raise IngestError(
                f"The header line must end within the first {HEADER_PROBE_BYTES:,} bytes; it "
                "does not. Check that this is a CSV file with one header row.",
                check="header_too_long")
        self.encoding: Encoding = resolve_encoding(self._source, head)
        self._prepass()
        width = 4 if announced is not None and announced.wide else 1
        sample = probe[: (len(first_line) + 1) * width + HEAD_BYTES]  # header + sample rows
        self.dialect: Dialect = self._dialect(sample)
        if rules is None:  # every named column, as text (for inferring a spec)
            rules = tuple(ColumnRule(name, kind="text", required=False)
                          for name in self.dialect.header if name)
        self.match: ColumnMatch = self._match(rules)
        self.rules = tuple(r for r in rules if r.name in self.match.positions)
        self._all_rules = {r.name: r for r in rules}
        self._schemas = build_schemas(self.rules)
        self._layout = Layout(
            width=len(self.dialect.header), delimiter=self.dialect.delimiter,
            decimal=self.dialect.decimal,
            columns={self.match.positions[r.name]: r.name for r in self.rules},
            numeric=frozenset(r.name for r in self.rules if r.kind == "numeric"))
        warnings = [self.encoding.fallback] if self.encoding.fallback else []
        if self.match.extra:
            hints = [f"{e!r} (did you mean {self.match.suggestions[e]!r}?)"
                     if e in self.match.suggestions else repr(e) for e in self.match.extra]
            warnings.append(f"Ignored {len(hints):,} column(s) no rule uses: {_few(hints)}.")
        self.warnings = tuple(warnings)

    # -- file-level checks -------------------------------------------------------------
    def _prepass(self) -> None:
        """One streaming pass: NUL characters, line count, quote parity, longest line."""
        lines = 0
        quotes = 0
        last_quote_line = 0
        longest = 0
        run = 0
        total = 0
        for block in utf8_blocks(self._source, self.encoding):
            nul = block.find(b"\x00")
            if nul >= 0:
                at_line = lines + block.count(b"\n", 0, nul) + 1
                raise IngestError(
                    f"The file contains a NUL character at line {at_line:,} (text offset "
                    f"{total + nul:,}): it is binary, not CSV text. Export it as CSV again.",
                    check="nul_byte")
            count = block.count(b'"')
            if count:
                quotes += count
                last_quote_line = lines + block.count(b"\n", 0, block.rfind(b'"')) + 1
            newlines = np.flatnonzero(np.frombuffer(block, np.uint8) == 10)
            if len(newlines):
                longest = max(longest, run + int(newlines[0]),
                              int(np.diff(newlines).max(initial=0)) - 1)
                run = len(block) - int(newlines[-1]) - 1
            else:
                run += len(block)
            lines += len(newlines)
            total += len(block)
        longest = max(longest, run)
        self._text_bytes = total
        self._longest_line = longest
        rows = lines + (1 if run else 0) - 1
        if rows > self.limits.max_rows:
            raise IngestError(
                f"The file must have at most {self.limits.max_rows:,} data rows; got about "
                f"{rows:,}. Split it, or raise LENDSCOPE_MAX_ROWS.", check="too_many_rows")
        if quotes % 2:
            raise IngestError(
                f"Line {last_quote_line:,} holds an unbalanced double quote ('\"'): the file has "
                f"an odd number of quotes ({quotes:,}), so a quoted field never closes. Remove "
                "the stray quote or close the field.", check="unclosed_quote")

    def _dialect(self, head: bytes) -> Dialect:
        decoder = codecs.getincrementaldecoder(self.encoding.codec)(errors="strict")
        complete = len(head) >= self._source.size
        text = decoder.decode(head[self.encoding.bom:], final=complete)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        dialect = detect_dialect(text, complete=complete)
        if not any(dialect.header):
            raise IngestError("The file has no header row: it holds only blank lines. Upload a "
                              "CSV whose first line names the columns.", check="no_header")
        width = len(dialect.header)
        if width > self.limits.max_columns:
            check_header_width(dialect.delimiter.join(dialect.header), self.limits.max_columns)
        if not self._longest_line <= self.limits.max_cell_chars * width + width:
            raise IngestError(
                f"A line of the file is {self._longest_line:,} characters long: cells must be at "
                f"most {self.limits.max_cell_chars:,} characters. Remove the oversized value.",
                check="cell_too_long")
        duplicates = duplicate_names(dialect.header)
        if duplicates:
            raise IngestError(
                f"Column names must be unique; got duplicates {duplicates} (names are compared "
                "ignoring case and spaces). Rename or remove the repeated columns.",
                check="duplicate_columns")
        return dialect

    def _match(self, rules: Sequence[ColumnRule]) -> ColumnMatch:
        header = self.dialect.header
        match = match_columns(header, rules)
        if not match.missing_required:
            return match
        missing = list(match.missing_required)
        if len(header) == 1 and len(rules) > 1:
            looks = looks_separated_by(header[0])
            hint = (f": the file looks {delimiter_name(looks)}-separated ('{looks}') but its "
                    "rows do not split evenly; check the delimiter and quoting"
                    if looks else "; is the file really comma-, semicolon-, tab- or "
                    "pipe-separated?")
            raise IngestError(
                f"Found 1 column {header[0]!r} where {len(rules)} are expected{hint}. "
                f"Missing columns: {missing}.", check="missing_columns",
                details=self._details(match))
        hints = [f"{m!r} (the file has {match.suggestions[m]!r})" if m in match.suggestions
                 else repr(m) for m in missing]
        required = len([r for r in rules if r.required])
        raise IngestError(
            f"The file must have all {required:,} required columns; missing "
            f"{_few(hints)}; unexpected {_few([repr(e) for e in match.extra])}. Rename the "
            "columns (case and spaces do not matter) or choose the dataset or model the file "
            "belongs to.", check="missing_columns", details=self._details(match))

    def _details(self, match: ColumnMatch) -> dict[str, object]:
        return {"encoding": self.encoding.label, "encoding_fallback": bool(
            self.encoding.fallback), "delimiter": self.dialect.delimiter,
            "decimal": self.dialect.decimal,
            "missing_columns": (*match.missing_required, *match.missing_optional),
            "extra_columns": match.extra, "suggestions": dict(match.suggestions)}

    # -- chunks ------------------------------------------------------------------------
    def __iter__(self) -> Iterator[IngestChunk]:
        pending: list[bytes] = []
        pending_bytes = 0
        line = 1
        header_pending = True
        done = 0
        budget = self.max_failures
        for block in itertools.chain(utf8_blocks(self._source, self.encoding), [None]):
            final = block is None
            if block is not None:
                pending.append(block)
                pending_bytes += len(block)
                if pending_bytes < self.chunk_bytes:
                    continue
            buffer = b"".join(pending)
            offset = 0
            while final or len(buffer) - offset >= self.chunk_bytes:
                piece = buffer[offset:] if final else buffer[offset:offset + self.chunk_bytes]
                records = scan_records(piece, self.dialect.delimiter, final=final,
                                       first_line=line, with_fields=False)
                if not final and records.consumed == 0:
                    piece = buffer[offset:]  # a record longer than a chunk: take it all
                    records = scan_records(piece, self.dialect.delimiter, final=False,
                                           first_line=line, with_fields=False)
                    if records.consumed == 0:
                        break  # wait for more bytes
                if header_pending and len(records.starts):
                    records = _drop_first(records)
                    header_pending = False
                done += records.consumed
                chunk = self._chunk(piece, records, budget,
                                    min(done / max(self._text_bytes, 1), 1.0))
                budget = max(budget - len(chunk.failures), 0)
                yield chunk
                offset += records.consumed
                line = records.next_line
                if final:
                    break
            rest = buffer[offset:]
            pending, pending_bytes = ([rest], len(rest)) if rest else ([], 0)

    def _chunk(self, buffer: bytes, records: Records, budget: int,
               progress: float) -> IngestChunk:
        layout = self._layout
        fields = np.full(len(records.starts), layout.width, dtype=np.int64)
        table, invalid = read_table(keep_bytes(buffer, records, fields > 0), layout,
                                    quoted_newlines=records.quoted_newlines)
        if table is None or invalid or table.num_rows != len(fields):
            fields = count_fields(buffer, records, layout.delimiter)
            keep = fields == layout.width
            table, invalid = read_table(keep_bytes(buffer, records, keep), layout,
                                        quoted_newlines=records.quoted_newlines)
            if table is None or invalid or table.num_rows != int(keep.sum()):
                table, counts = read_slow(buffer, records, keep, layout)
                fields[keep] = counts
        keep = fields == layout.width
        good = np.flatnonzero(keep)
        frame, conversion = convert_columns(
            table, list(self.rules), decimal=layout.decimal,
            max_cell_chars=self.limits.max_cell_chars
            if self._longest_line > self.limits.max_cell_chars or records.quoted_newlines
            else None)
        cells = [pd.DataFrame({"position": f.positions, "column": f.column,
                               "check": f.checks.astype(str)}) for f in conversion]
        cells.append(error_failures(self._schemas, frame))
        cells = [c for c in cells if len(c)]
        failed = (pd.concat(cells, ignore_index=True).drop_duplicates(["position", "column"])
                  if cells else None)
        bad = np.zeros(len(frame), bool)
        counts: Counter[str] = Counter()
        if failed is not None:
            bad[failed["position"].to_numpy()] = True
            counts.update(failed["check"].value_counts().to_dict())
        ragged = np.flatnonzero(~keep)
        for index in ragged:
            counts["too_many_fields" if fields[index] > layout.width else "too_few_fields"] += 1
        good_lines = records.lines[keep]
        valid = frame.loc[~bad].reset_index(drop=True) if bad.any() else frame
        return IngestChunk(
            frame=valid, line_numbers=good_lines[~bad],
            failures=self._failure_table(buffer, records, fields, failed, good, budget),
            rows_read=len(records.starts), check_counts=dict(counts),
            warning_tallies=self._tallies(frame, bad, buffer, records, good), progress=progress)

    def _cell(self, buffer: bytes, records: Records, index: int, column: str) -> str:
        fields = split_record(buffer, records, index, self.dialect.delimiter)
        position = self.match.positions[column]
        return fields[position].strip() if position < len(fields) else ""

    def _tallies(self, frame: pd.DataFrame, bad: np.ndarray, buffer: bytes, records: Records,
                 good: np.ndarray) -> dict[tuple[str, str], tuple[int, tuple[str, ...]]]:
        soft = warning_failures(self._schemas, frame)
        if not len(soft):
            return {}
        soft = soft[~bad[soft["position"].to_numpy()]]
        tallies: dict[tuple[str, str], tuple[int, tuple[str, ...]]] = {}
        for (column, check), group in soft.groupby(["column", "check"], sort=True):
            rows = np.unique(group["position"].to_numpy())
            examples = [self._cell(buffer, records, int(good[r]), str(column)) for r in rows[:50]]
            tallies[(str(column), str(check))] = (len(rows), tuple(dict.fromkeys(examples))[:5])
        return tallies

    def _failure_table(self, buffer: bytes, records: Records, fields: np.ndarray,
                       failed: pd.DataFrame | None, good: np.ndarray,
                       budget: int) -> pd.DataFrame:
        width = self._layout.width
        ragged = np.flatnonzero(fields != width)
        if budget <= 0 or (failed is None and not len(ragged)):
            return empty_failures()
        rows: list[tuple[int, str, str, str, str]] = []
        for index in ragged[:budget]:
            line = int(records.lines[index])
            text = buffer[records.starts[index]:records.ends[index]][:200].decode(
                "utf-8", errors="replace")
            check = "too_many_fields" if fields[index] > width else "too_few_fields"
            rows.append((line, "", text, check, f"Line {line:,}: " + failure_message(
                None, check, text, expected_fields=width, got_fields=int(fields[index]))))
        if failed is not None:
            failed = failed.sort_values(["position"], kind="stable").head(budget)
            for position, column, check in zip(failed["position"], failed["column"],
                                               failed["check"], strict=True):
                index = int(good[position])
                text = self._cell(buffer, records, index, str(column))
                rows.append((int(records.lines[index]), str(column), text, str(check),
                             failure_message(self._all_rules[str(column)], str(check), text,
                                             decimal=self.dialect.decimal,
                                             max_cell_chars=self.limits.max_cell_chars)))
        rows.sort(key=lambda r: (r[0], r[1]))
        rows = rows[:budget]
        return pd.DataFrame({
            name: pd.array([r[i] for r in rows], dtype="int64" if i == 0 else "str")
            for i, name in enumerate(("row", "column", "value", "check", "message"))
        })


def _few(items: Sequence[str], limit: int = 12) -> str:
    """``a, b, c`` or ``a, b, ... and 30 more``; ``none`` when empty."""
    if not items:
        return "none"
    shown = ", ".join(items[:limit])
    return shown if len(items) <= limit else f"{shown} ... and {len(items) - limit:,} more"


def _drop_first(records: Records) -> Records:
    return Records(starts=records.starts[1:], ends=records.ends[1:], fields=records.fields[1:],
                   lines=records.lines[1:], consumed=records.consumed,
                   next_line=records.next_line, quoted_newlines=records.quoted_newlines)


def ingest_chunks(source: bytes | Path, rules: Sequence[ColumnRule] | None, *, limits: IngestLimits,
                  chunk_bytes: int = CHUNK_BYTES, max_failures: int = 1000) -> ChunkedIngest:
    """Run the file-level checks now; iterate the result for the rows, chunk by chunk.

    Raises
    ------
    IngestError
        When the file is refused at file level (the message says why and what to do).
    """
    return ChunkedIngest(source, rules, limits=limits, chunk_bytes=chunk_bytes,
                         max_failures=max_failures)

