"""Property tests: over 2,000 generated files per run, each ends in a report (a correct parse or
a user-facing refusal), never an unhandled exception; and writer -> gate round trips."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.export import neutralise, to_safe_csv_bytes
from data.ingest import ColumnRule, IngestLimits, ingest
from data.ingest.convert import MISSING_TOKENS

LIMITS = IngestLimits(max_bytes=100_000, max_columns=50, max_rows=1_000, max_cell_chars=200)
RULES = (
    ColumnRule("id", kind="id", missing="reject", unique=True),
    ColumnRule("income", min_value=0),
    ColumnRule("age", min_value=18, max_value=120, warn_max=90, integer=True),
    ColumnRule("channel", kind="categorical", categories=("web", "branch")),
    ColumnRule("note", kind="text", required=False),
)


def _budget(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _check_invariants(report) -> None:
    assert report.verdict in ("ok", "warnings", "refused")
    assert report.rows_valid + report.rows_rejected == report.rows_read
    assert len(report.frame) == report.rows_valid == len(report.line_numbers)
    if report.verdict == "refused":
        assert report.errors and all(isinstance(e, str) and e for e in report.errors)
    else:
        assert not report.errors
        assert set(report.frame.columns) <= {r.name for r in RULES}
        assert np.all(np.diff(report.line_numbers) > 0)
        assert report.frame["id"].notna().all()
        income = report.frame["income"].dropna()
        assert (income >= 0).all() and np.isfinite(income).all()
    assert set(report.failures.columns) == {"row", "column", "value", "check", "message"}
    assert report.failures["message"].map(lambda m: isinstance(m, str) and len(m) > 10).all()


@_budget(1200)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_end_in_a_report(data):
    _check_invariants(ingest(data, RULES, limits=LIMITS))


CSV_ALPHABET = st.sampled_from(list('0123456789,,,;;\t|"\n\n\r -.eEinfNAwebranchxé€') + ["\r\n"])


@_budget(600)
@given(st.lists(CSV_ALPHABET, max_size=200).map("".join),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
       st.sampled_from(["id,income,age,channel\n", "id;income;age;channel\n",
                        "ID , Income,AGE,channel,note\r\n", "id\tincome\tage\tchannel\n"]))
def test_csv_like_text_ends_in_a_report(body, encoding, header):
    data = (header + body).encode(encoding, errors="replace")
    _check_invariants(ingest(data, RULES, limits=LIMITS))


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\t"),
    max_size=15,
)
_ROW = st.tuples(
    st.text(alphabet="abcXYZ0123456789-_", min_size=1, max_size=8),
    st.one_of(st.none(), st.floats(min_value=0, max_value=1e12, allow_nan=False)),
    st.integers(min_value=18, max_value=120),
    st.sampled_from(["web", "branch"]),
    _TEXT,
)


@_budget(250)
@given(st.lists(_ROW, min_size=1, max_size=30, unique_by=lambda r: r[0]),
       st.booleans())
def test_safe_writer_round_trips_through_the_gate(rows, bom):
    frame = pd.DataFrame(rows, columns=["id", "income", "age", "channel", "note"])
    frame["income"] = frame["income"].astype("float64")
    report = ingest(to_safe_csv_bytes(frame, excel_bom=bom), RULES, limits=LIMITS)
    assert report.verdict != "refused", report.errors
    assert report.rows_rejected == 0, report.failures.to_dict("records")
    got = report.frame
    assert got["id"].tolist() == [neutralise(v) for v in frame["id"]]
    for mine, theirs in zip(got["income"], frame["income"], strict=True):
        assert (math.isnan(mine) and math.isnan(theirs)) or mine == theirs
    assert got["age"].tolist() == frame["age"].astype(float).tolist()
    assert got["channel"].tolist() == frame["channel"].tolist()
    for mine, theirs in zip(got["note"], frame["note"], strict=True):
        written = neutralise(theirs)
        if written.strip().casefold() in MISSING_TOKENS:
            assert pd.isna(mine)
        else:
            assert mine == written
    assert report.line_numbers[0] == 2


def test_round_trip_keeps_negative_numbers_numeric():
    frame = pd.DataFrame({"id": ["a", "b"], "score": [-3.5, -0.001]})
    rules = (ColumnRule("id", kind="id"), ColumnRule("score"))
    report = ingest(to_safe_csv_bytes(frame), rules, limits=LIMITS)
    assert report.verdict == "ok"
    assert report.frame["score"].tolist() == [-3.5, -0.001]
