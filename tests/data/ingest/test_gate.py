"""The gate end to end on small files: verdicts, counts, line numbers, typed frames."""

from __future__ import annotations

import numpy as np
import pytest

from data.ingest import ColumnRule, IngestLimits, ingest, ingest_chunks
from data.ingest.errors import IngestError

LIMITS = IngestLimits()
RULES = (
    ColumnRule("id", kind="id", missing="reject", unique=True),
    ColumnRule("income", min_value=0),
    ColumnRule("age", min_value=18, max_value=120, warn_max=80),
    ColumnRule("channel", kind="categorical", categories=("web", "branch")),
)


def test_clean_file_is_ok_and_typed():
    report = ingest(b"id,income,age,channel\n001,1000.5,30,web\n002,,41,branch\n", RULES,
                    limits=LIMITS)
    assert report.verdict == "ok"
    assert report.summary() == {"verdict": "ok", "rows_read": 2, "rows_valid": 2,
                                "rows_rejected": 0, "errors": {}}
    assert report.frame["id"].tolist() == ["001", "002"]
    assert report.frame["income"].dtype == np.float64
    assert np.isnan(report.frame["income"].iloc[1])
    assert report.line_numbers.tolist() == [2, 3]
    assert list(report.frame.columns) == ["id", "income", "age", "channel"]


def test_row_errors_drop_rows_keep_others_with_file_line_numbers():
    data = (b"id,income,age,channel,extra\n001,1000,30,web,x\n002,-5,300,fax,y\n"
            b"003,inf,85,branch\n004,\"1,200\",40,web,z\n005,S/ 1200,40,web,z\n\n"
            b"006,abc,,web,q\n001,5,85,web,q\n")
    report = ingest(data, RULES, limits=LIMITS)
    assert report.verdict == "warnings"
    assert report.rows_read == 7 and report.rows_valid == 3 and report.rows_rejected == 4
    assert dict(report.check_counts) == {"currency": 1, "max_value": 1, "min_value": 1,
                                         "too_few_fields": 1, "type": 1}
    assert report.frame["income"].tolist() == [1000.0, 1200.0, 5.0]
    assert report.line_numbers.tolist() == [2, 5, 9]
    failures = report.failures
    assert failures[["row", "column", "check"]].values.tolist() == [
        [3, "age", "max_value"], [3, "income", "min_value"], [4, "", "too_few_fields"],
        [6, "income", "currency"], [8, "income", "type"]]
    assert "extra" in report.extra_columns and "extra" not in report.frame.columns
    assert any("training maximum 80" in w for w in report.warnings)
    assert any("share a value" in w for w in report.warnings)


def test_chunks_cover_the_file_with_correct_line_numbers():
    lines = [b"id,income,age,channel"] + [b"%d,%d,30,web" % (i, i) for i in range(5000)]
    lines[1234] = b"x,-1,30,web"
    data = b"\n".join(lines) + b"\n"
    stream = ingest_chunks(data, RULES, limits=LIMITS, chunk_bytes=1024)
    chunks = list(stream)
    assert len(chunks) > 10
    assert sum(c.rows_read for c in chunks) == 5000
    assert sum(c.rows_valid for c in chunks) == 4999
    numbers = np.concatenate([c.line_numbers for c in chunks])
    assert numbers.tolist() == [n for n in range(2, 5002) if n != 1235]
    failures = [f for c in chunks for f in c.failures.itertuples()]
    assert [(f.row, f.check) for f in failures] == [(1235, "min_value")]
    assert chunks[-1].progress == 1.0


def test_ingest_chunks_raises_for_a_refused_file():
    with pytest.raises(IngestError, match="missing 'age'"):
        ingest_chunks(b"id,income,channel\n1,2,web\n", RULES, limits=LIMITS)


def test_chunk_edges_never_split_a_quoted_record(tmp_path):
    rules = (ColumnRule("id", kind="id"), ColumnRule("note", kind="text"), ColumnRule("n"))
    rows = [b'%d,"line one\nline, two",%d' % (i, i) for i in range(400)]
    rows[199] = b'199,"bad",-x'
    path = tmp_path / "notes.csv"
    path.write_bytes(b"id,note,n\r\n" + b"\r\n".join(rows) + b"\r\n")
    progress: list[float] = []
    report = ingest(path, rules, limits=LIMITS, chunk_bytes=1024, progress=progress.append)
    assert report.rows_read == 400 and report.rows_valid == 399
    assert report.failures[["row", "column", "check"]].values.tolist() == [[400, "n", "type"]]
    assert report.line_numbers[:3].tolist() == [2, 4, 6]
    assert report.frame["note"].iloc[0] == "line one\nline, two"
    assert len(progress) > 5 and progress == sorted(progress) and progress[-1] == 1.0


def test_pinned_messages():
    report = ingest(b"id,income,age,channel\n1,abc,30,web\n2,5,17,web\n3,5,30,web\n", RULES,
                    limits=LIMITS)
    assert report.failures["message"].tolist() == [
        "`income` must be a number; got 'abc'. Use digits with '.' as the decimal mark, or "
        "leave the cell empty.",
        "`age` must be at least 18; got '17'.",
    ]
    report = ingest(b"id,income,monthly_revnue,age,channel\n1,5,5,30,web\n",
                    (*RULES, ColumnRule("monthly_revenue")), limits=LIMITS)
    assert report.errors == (
        "The file must have all 5 required columns; missing 'monthly_revenue' (the file has "
        "'monthly_revnue'); unexpected 'monthly_revnue'. Rename the columns (case and spaces do "
        "not matter) or choose the dataset or model the file belongs to.",)
    assert report.suggestions["monthly_revnue"] == "monthly_revenue"
    report = ingest(b"id,income,age,channel\n1,5,30,web\n1,5,30,web\n", RULES, limits=LIMITS)
    assert report.warnings == (
        "`id`: 2 rows share a value with another row (e.g. '1'); kept. Make ids unique to tell "
        "results apart.",)


def test_a_two_megabyte_cell_is_refused_before_parsing():
    data = b"id,income,age,channel\n1,5,30," + b"x" * 2_000_000 + b"\n"
    report = ingest(data, RULES, limits=LIMITS)
    assert report.verdict == "refused"
    assert report.check_counts == {"cell_too_long": 1}
    assert "cells must be at most 10,000 characters" in report.errors[0]


def test_limits_from_settings_and_validation():
    from config import Settings

    limits = IngestLimits.from_settings(Settings(max_upload_mb=2, max_columns=10, max_rows=5,
                                                 max_cell_chars=7))
    assert limits == IngestLimits(max_bytes=2_000_000, max_columns=10, max_rows=5,
                                  max_cell_chars=7)
    with pytest.raises(ValueError, match="`max_rows` must be a positive integer; got 0"):
        IngestLimits(max_rows=0)


def test_report_builder_counts_without_keeping_frames():
    from data.ingest import ReportBuilder

    lines = [b"id,income,age,channel"] + [b"%d,%d,30,web" % (i, i - 5) for i in range(300)]
    stream = ingest_chunks(b"\n".join(lines), RULES, limits=LIMITS, chunk_bytes=1024)
    builder = ReportBuilder(stream, max_failures=3, keep_frames=False)
    for chunk in stream:
        builder.add(chunk)
    report = builder.report()
    assert report.summary() == {"verdict": "warnings", "rows_read": 300, "rows_valid": 295,
                                "rows_rejected": 5, "errors": {"min_value": 5}}
    assert len(report.frame) == 0 and len(report.failures) == 3
    assert report.failures["row"].tolist() == [2, 3, 4]


def test_a_wide_header_longer_than_the_sniffed_head_is_read():
    names = [f"feature_with_a_rather_long_descriptive_name_{i:04d}" for i in range(1_900)]
    data = (",".join(names) + "\n" + ",".join("1" for _ in names) + "\n").encode()
    assert len(data) > 65_536
    report = ingest(data, [ColumnRule(names[-1]), ColumnRule(names[0])], limits=LIMITS)
    assert report.verdict == "warnings"
    assert report.warnings[0].startswith("Ignored 1,898 column(s) no rule uses: ")
    assert report.warnings[0].endswith("... and 1,886 more.")
    assert report.frame.iloc[0].tolist() == [1.0, 1.0]


def test_a_known_category_spelt_like_a_missing_token_is_kept():
    rules = (
        ColumnRule("presence", kind="categorical", categories=("None", "Website")),
        ColumnRule("sector", kind="categorical"),
        ColumnRule("income"),
    )
    data = b"presence,sector,income\nNone,None,NA\nWebsite,retail,10\n,N/A,null\nnone,x,1\n"
    report = ingest(data, rules, limits=LIMITS)
    frame = report.frame
    # The exact known category survives; other spellings and other columns are missing.
    assert frame["presence"].iloc[0] == "None"
    assert frame["presence"].iloc[1] == "Website"
    assert frame["presence"].iloc[2:].isna().all()
    assert frame["sector"].iloc[[0, 2]].isna().all()
    assert np.isnan(frame["income"].iloc[0]) and np.isnan(frame["income"].iloc[2])
