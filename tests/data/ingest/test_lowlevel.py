"""Building blocks of the gate: decoding, dialect detection and the record scanner."""

from __future__ import annotations

import codecs

import numpy as np
import pytest

from data.ingest.decode import Source, resolve_encoding, sniff_encoding, utf8_blocks
from data.ingest.dialect import detect_dialect
from data.ingest.errors import IngestError
from data.ingest.scan import count_fields, keep_bytes, scan_records


@pytest.mark.parametrize("block_size", [1, 2, 3, 5, 64])
@pytest.mark.parametrize("codec", ["utf-8", "utf-16", "cp1252"])
def test_utf8_blocks_normalise_line_ends_across_any_block_edge(block_size, codec):
    text = "a,b\r\nPeña,2\r3,4\n\r\n5,6\r"
    raw = text.encode(codec)
    source = Source(raw)
    encoding = resolve_encoding(source, raw)
    out = b"".join(utf8_blocks(source, encoding, block_size=block_size))
    assert out == "a,b\nPeña,2\n3,4\n\n5,6\n".encode()


def test_sniff_encoding_boms_and_utf16_without_bom():
    assert sniff_encoding(codecs.BOM_UTF8 + b"a,b").label == "UTF-8 (with BOM)"
    assert sniff_encoding(codecs.BOM_UTF16_BE + "a".encode("utf-16-be")).codec == "utf-16-be"
    assert sniff_encoding("id,income\n1,2\n".encode("utf-16-le")).codec == "utf-16-le"
    assert sniff_encoding("id,income\n1,2\n".encode("utf-16-be")).codec == "utf-16-be"
    assert sniff_encoding(b"id,income\n1,2\n") is None


def test_undecodable_utf16_names_the_offset():
    raw = codecs.BOM_UTF16_LE + "ab".encode("utf-16-le") + b"\x00\xd8"  # lone surrogate
    with pytest.raises(IngestError, match="byte offset 6"):
        resolve_encoding(Source(raw), raw)


@pytest.mark.parametrize(("sample", "delimiter", "decimal", "header"), [
    ("a,b\n1.5,2\n", ",", ".", ("a", "b")),
    ("a;b\n1,5;2\n", ";", ",", ("a", "b")),
    ("a;b\n1.5;2\n", ";", ".", ("a", "b")),
    ("a;b\n1,500;2\n", ";", ",", ("a", "b")),
    ("a\tb\n1,5\t2\n", "\t", ",", ("a", "b")),
    ("a|b\n1.5|2\n", "|", ".", ("a", "b")),
    ("income\n1000\n", ",", ".", ("income",)),
    ("\ufeff id ;\" b c \"\n1;2\n", ";", ",", ("id", "b c")),
    # a comma file whose text holds semicolons consistently stays comma-separated
    ("id,note\n1,a;b\n2,c;d\n", ",", ".", ("id", "note")),
])
def test_detect_dialect(sample, delimiter, decimal, header):
    dialect = detect_dialect(sample, complete=True)
    assert (dialect.delimiter, dialect.decimal, dialect.header) == (delimiter, decimal, header)


def test_scan_records_lines_fields_and_quoted_newlines():
    buf = b'h1,h2\n1,"a\nb"\n\n2,"x,""y"""\n3\n4,5,6'
    records = scan_records(buf, ",", final=True, first_line=1)
    assert records.lines.tolist() == [1, 2, 5, 6, 7]
    assert records.fields.tolist() == [2, 2, 2, 1, 3]
    assert records.quoted_newlines
    assert records.consumed == len(buf)
    assert count_fields(buf, records, ",").tolist() == [2, 2, 2, 1, 3]
    kept = keep_bytes(buf, records, records.fields == 2)
    assert kept == b'h1,h2\n1,"a\nb"\n2,"x,""y"""\n'


def test_scan_records_stops_at_the_last_complete_record():
    records = scan_records(b'a,b\n1,"open\n', ",", final=False, first_line=10)
    assert records.lines.tolist() == [10]
    assert records.consumed == 4 and records.next_line == 11
    with pytest.raises(IngestError, match="Line 11 opens a quoted field"):
        scan_records(b'a,b\n1,"open\n', ",", final=True, first_line=10)


def test_keep_bytes_adds_a_line_feed_to_a_last_record_without_one():
    buf = b"a\nb\nc"
    records = scan_records(buf, ",", final=True, first_line=1)
    assert keep_bytes(buf, records, np.array([False, True, True])) == b"b\nc\n"


@pytest.mark.parametrize("block_size", [1, 2, 4, 64])
def test_a_final_dos_end_of_file_mark_is_dropped(block_size):
    raw = b"a,b\r\n1,2\r\n\x1a"
    source = Source(raw)
    out = b"".join(utf8_blocks(source, resolve_encoding(source, raw), block_size=block_size))
    assert out == b"a,b\n1,2\n"
    raw = b"a,b\r\n\x1a,2\r\n"  # not at the end: kept
    source = Source(raw)
    out = b"".join(utf8_blocks(source, resolve_encoding(source, raw), block_size=block_size))
    assert out == b"a,b\n\x1a,2\n"


def _inside_by_cumsum(data: np.ndarray) -> np.ndarray:
    """Byte-by-byte reference: inside quotes after an odd number of quotes."""
    quotes = np.flatnonzero(data == ord('"'))
    step = np.zeros(len(data) + 1, dtype=np.int64)
    step[quotes[0::2]] = 1
    step[quotes[1::2]] = -1
    return np.cumsum(step[:-1]).astype(bool)


@pytest.mark.parametrize("seed", range(5))
def test_scan_and_count_fields_match_a_byte_by_byte_quote_scan(seed):
    rng = np.random.default_rng(seed)
    pieces = rng.choice(np.array(['a', ',', '\n', '"', '""', 'é', ' '], dtype=object), 400)
    text = "h1,h2,h3\n" + "".join(pieces)
    if text.count('"') % 2:
        text += '"'
    buf = (text + "\n").encode("utf-8")
    data = np.frombuffer(buf, dtype=np.uint8)
    outside = ~_inside_by_cumsum(data)
    records = scan_records(buf, ",", final=True, first_line=1)
    ends = np.flatnonzero((data == 10) & outside)
    starts = np.concatenate(([0], ends[:-1] + 1))
    nonblank = ends > starts
    assert records.ends.tolist() == ends[nonblank].tolist()
    assert records.starts.tolist() == starts[nonblank].tolist()
    delims = np.flatnonzero((data == ord(",")) & outside)
    expected = [int(((delims >= s) & (delims < e)).sum()) + 1
                for s, e in zip(records.starts, records.ends, strict=True)]
    assert records.fields.tolist() == expected
