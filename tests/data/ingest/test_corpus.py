"""A named corpus of malformed (and tricky but valid) files: each has an exact verdict and the
key words of its message. Every row of the CSV hazard table in the reliability notes is here."""

from __future__ import annotations

import codecs
import io
import zipfile
from dataclasses import dataclass, field

import numpy as np
import pytest

from data.ingest import ColumnRule, IngestLimits, ingest

LIMITS = IngestLimits()
RULES = (
    ColumnRule("id", kind="id", missing="reject", unique=True),
    ColumnRule("income", min_value=0),
    ColumnRule("age", min_value=18, max_value=120),
    ColumnRule("channel", kind="categorical"),
)
HEADER = b"id,income,age,channel\n"


@dataclass(frozen=True)
class Case:
    data: bytes
    verdict: str
    words: tuple[str, ...] = ()
    checks: dict[str, int] = field(default_factory=dict)
    rows_valid: int | None = None
    rules: tuple[ColumnRule, ...] = RULES
    limits: IngestLimits = LIMITS


def _zip(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in names.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _one_valid_among_thousands() -> bytes:
    rows = [b"%d,-1,30,web" % i for i in range(5000)]
    rows[2500] = b"good,100,30,web"
    return HEADER + b"\n".join(rows) + b"\n"


CASES: dict[str, Case] = {
    # encodings
    "latin1_falls_back_and_says_so": Case(
        HEADER + "1,100,30,Peñaloza\n".encode("latin-1"), "warnings",
        ("Windows-1252", "byte offset 33", "not UTF-8"), rows_valid=1),
    "cp1252_smart_quotes_fall_back": Case(
        HEADER + "1,100,30,\u201cweb\u201d\n".encode("cp1252"), "warnings", ("Windows-1252",)),
    "utf8_with_bom": Case(codecs.BOM_UTF8 + HEADER + b"1,100,30,web\n", "ok", rows_valid=1),
    "utf8_accents": Case(HEADER + "1,100,30,Peñaloza\n".encode(), "ok", rows_valid=1),
    "utf16_le_bom_excel_unicode_text": Case(
        codecs.BOM_UTF16_LE + "id\tincome\tage\tchannel\r\n1\t100\t30\tweb\r\n"
        .encode("utf-16-le"), "ok", rows_valid=1),
    "utf16_be_bom": Case(codecs.BOM_UTF16_BE + (HEADER + b"1,100,30,web\n").decode()
                         .encode("utf-16-be"), "ok", rows_valid=1),
    "utf16_le_without_bom": Case((HEADER + b"1,100,30,web\n").decode().encode("utf-16-le"),
                                 "ok", rows_valid=1),
    "utf8_then_invalid_byte_mixes_encodings": Case(
        HEADER + "1,100,30,Peñaloza\n".encode() + b"2,100,30,Pe\xf1a\n", "refused",
        ("mixes encodings", "byte offset 52")),
    "undefined_cp1252_byte_names_offset": Case(
        HEADER + b"1,100,30,w\x81b\n", "refused", ("not valid UTF-8", "byte offset 32")),
    # delimiters and decimals
    "semicolon_with_decimal_commas": Case(
        b"id;income;age;channel\n1;1234,5;30;web\n2;7,25;40;web\n", "ok", rows_valid=2),
    "semicolon_thousands_dots": Case(
        b"id;income;age;channel\n1;1.234,5;30;web\n", "ok", rows_valid=1),
    "tab_separated": Case(b"id\tincome\tage\tchannel\n1\t100\t30\tweb\n", "ok", rows_valid=1),
    "pipe_separated": Case(b"id|income|age|channel\n1|100|30|web\n", "ok", rows_valid=1),
    "one_column_file_is_one_column_not_sniffed": Case(
        b"income\n1000\n2000\n3000\n", "ok", rows_valid=3, rules=(ColumnRule("income"),)),
    "one_column_found_where_several_expected": Case(
        b"id income age channel\n1 100 30 web\n", "refused",
        ("Found 1 column 'id income age channel'", "Missing columns")),
    "decimal_comma_in_comma_file_splits_the_row": Case(
        HEADER + b"1,1,5,30,web\n2,100,30,web\n", "warnings", ("got 5 (too many)",),
        {"too_many_fields": 1}, rows_valid=1),
    # headers
    "duplicate_header": Case(b"id,income,income,age,channel\n1,2,3,30,web\n", "refused",
                             ("must be unique", "['income']")),
    "duplicate_header_after_case_folding": Case(
        b"id,Income,income,age,channel\n1,2,3,30,web\n", "refused", ("'Income', 'income'",)),
    "header_spaces_and_case_are_aliased": Case(
        b" ID , Income ,AGE,Channel\n1,100,30,web\n", "ok", rows_valid=1),
    "missing_column_with_close_match": Case(
        b"id,incme,age,channel\n1,100,30,web\n", "refused",
        ("missing 'income' (the file has 'incme')", "unexpected 'incme'")),
    "extra_column_is_ignored_with_a_warning": Case(
        b"id,income,age,channel,ssn\n1,100,30,web,123\n", "warnings", ("Ignored", "'ssn'"),
        rows_valid=1),
    # values
    "inf_infinity_and_overflow_rejected_per_row": Case(
        HEADER + b"1,inf,30,web\n2,Infinity,30,web\n3,1e309,30,web\n4,-inf,30,web\n"
        b"5,100,30,web\n", "warnings", (), {"finite": 4}, rows_valid=1),
    "missing_tokens_allowed_in_features": Case(
        HEADER + b"1,NA,30,web\n2,null,30,web\n3,None,30,web\n4,n/a,30,web\n5,,30,\n",
        "ok", rows_valid=5),
    "missing_id_rejected": Case(HEADER + b",100,30,web\nNA,100,30,web\n3,100,30,web\n",
                                "warnings", (), {"missing": 2}, rows_valid=1),
    "ids_keep_leading_zeros": Case(HEADER + b"001,100,30,web\n", "ok", rows_valid=1),
    "quoted_thousands_separator_parsed": Case(HEADER + b'1,"1,000",30,web\n', "ok",
                                              rows_valid=1),
    "currency_symbol_refused_per_row": Case(
        HEADER + b'1,"S/ 1,200",30,web\n2,$5,30,web\n3,5,30,web\n', "warnings",
        ("plain number", "currency"), {"currency": 2}, rows_valid=1),
    "percent_sign_refused_per_row": Case(HEADER + b"1,12%,30,web\n2,5,30,web\n", "warnings",
                                         ("plain number",), {"currency": 1}, rows_valid=1),
    "text_in_number_column": Case(HEADER + b"1,lots,30,web\n2,5,30,web\n", "warnings",
                                  ("must be a number; got 'lots'",), {"type": 1}),
    "negative_income_and_age_300": Case(
        HEADER + b"1,-5,30,web\n2,5,300,web\n3,5,30,web\n", "warnings",
        ("must be at least 0; got '-5'", "must be at most 120; got '300'"),
        {"min_value": 1, "max_value": 1}, rows_valid=1),
    "probability_above_one": Case(
        b"id,pd\n1,0.5\n2,1.5\n", "warnings", ("must be at most 1",), {"max_value": 1},
        rules=(ColumnRule("id", kind="id"), ColumnRule("pd", min_value=0, max_value=1))),
    "target_outside_allowed_values": Case(
        b"id,bad\n1,0\n2,2\n3,1\n", "warnings", ("must be one of [0, 1]",), {"allowed": 1},
        rules=(ColumnRule("id", kind="id"),
               ColumnRule("bad", missing="reject", integer=True, allowed=(0, 1)))),
    "bad_date": Case(b"id,day\n1,2024-02-29\n2,31/12/2020\n", "warnings", ("ISO 8601",),
                     {"date": 1}, rules=(ColumnRule("id", kind="id"),
                                         ColumnRule("day", kind="date"))),
    "spaces_around_numbers_are_ignored": Case(HEADER + b"1, 100 ,30,web\n", "ok"),
    # ragged rows and quoting
    "row_with_too_many_fields": Case(HEADER + b"1,100,30,web,extra\n2,100,30,web\n",
                                     "warnings", ("got 5 (too many)",), {"too_many_fields": 1}),
    "row_with_too_few_fields": Case(HEADER + b"1,100,30,web\n2,100\n", "warnings",
                                    ("got 2 (too few)",), {"too_few_fields": 1}),
    "unbalanced_quote": Case(HEADER + b'1,100,30,"web\n2,100,30,web\n', "refused",
                             ("Line 2", "unbalanced double quote")),
    "quoted_newline_in_value": Case(
        b"id,note,age\n1,\"two\nlines\",30\n2,x,-1\n", "warnings", (), {"min_value": 1},
        rules=(ColumnRule("id", kind="id"), ColumnRule("note", kind="text"),
               ColumnRule("age", min_value=0))),
    "cr_only_line_ends": Case(b"id,income,age,channel\r1,100,30,web\r2,-1,30,web\r",
                              "warnings", (), {"min_value": 1}, rows_valid=1),
    "crlf_line_ends": Case(b"id,income,age,channel\r\n1,100,30,web\r\n2,-1,30,web\r\n",
                           "warnings", (), {"min_value": 1}, rows_valid=1),
    "dos_end_of_file_mark": Case(HEADER + b"1,100,30,web\r\n\x1a", "ok", rows_valid=1),
    "blank_lines_are_skipped": Case(HEADER + b"\n1,100,30,web\n\n\n2,100,30,web\n", "ok",
                                    rows_valid=2),
    # empty and tiny files
    "empty_file": Case(b"", "refused", ("empty",)),
    "header_only": Case(HEADER, "refused", ("no data rows",), {"no_rows": 1}),
    "blank_lines_only": Case(b"\n\n\n", "refused", ("no header row",)),
    "all_rows_invalid": Case(HEADER + b"1,-1,30,web\n2,-2,30,web\n", "refused",
                             ("No valid rows", "all 2 rows")),
    "one_valid_row_among_thousands": Case(_one_valid_among_thousands(), "warnings", (),
                                          {"min_value": 4999}, rows_valid=1),
    # binary and oversized content, refused before parsing
    "nul_byte": Case(HEADER + b"1,100,30,w\x00b\n", "refused", ("NUL", "byte offset 32")),
    "zip_renamed_csv": Case(_zip({"data.csv": HEADER}), "refused", ("ZIP archive",)),
    "xlsx_renamed_csv": Case(_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml":
                                   b"<workbook/>"}), "refused", (".xlsx workbook",)),
    "xls_renamed_csv": Case(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "refused",
                            ("Excel",)),
    "gzip_renamed_csv": Case(b"\x1f\x8b\x08\x00" + bytes(100), "refused", ("gzip",)),
    "elf_executable_renamed_csv": Case(b"\x7fELF\x02\x01\x01" + bytes(100), "refused",
                                       ("executable",)),
    "windows_executable_renamed_csv": Case(b"MZ\x90\x00" + bytes(100), "refused",
                                           ("executable",)),
    "png_renamed_csv": Case(b"\x89PNG\r\n\x1a\n" + bytes(100), "refused", ("PNG",)),
    "random_binary": Case(np.random.default_rng(0).integers(1, 256, 4096, dtype=np.uint8)
                          .tobytes(), "refused", ("binary",)),
    "oversized_cell": Case(HEADER + b"1,100,30," + b"w" * 5000 + b"\n", "refused",
                           ("at most 100 characters",),
                           limits=IngestLimits(max_cell_chars=100)),
    "oversized_cell_in_quoted_lines_is_a_row_error": Case(
        HEADER + b'1,100,30,"' + b"w\n" * 300 + b'"\n2,100,30,web\n', "warnings",
        ("at most 100 characters long",), {"cell_too_long": 1}, rows_valid=1,
        limits=IngestLimits(max_cell_chars=100)),
    "too_many_columns_200k": Case(b",".join(b"c%d" % i for i in range(200_000)) + b"\n",
                                  "refused", ("at most 2,000 columns", "got at least 200,000")),
    "too_large": Case(HEADER + b"1,100,30,web\n" * 10, "refused", ("at most 100 bytes",),
                      limits=IngestLimits(max_bytes=100)),
    "too_many_rows": Case(HEADER + b"1,100,30,web\n" * 11, "refused", ("at most 10 data rows",),
                          limits=IngestLimits(max_rows=10)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus(name):
    case = CASES[name]
    report = ingest(case.data, case.rules, limits=case.limits)
    text = " ".join([*report.errors, *report.warnings, *report.failures["message"]])
    assert report.verdict == case.verdict, text
    for word in case.words:
        assert word in text, (word, text)
    for check, count in case.checks.items():
        assert report.check_counts.get(check) == count, (check, dict(report.check_counts))
    if case.rows_valid is not None:
        assert report.rows_valid == case.rows_valid
    if case.verdict == "refused":
        assert len(report.frame) == 0 or report.rows_valid == 0
        assert report.errors


def test_corpus_is_large_enough():
    assert len(CASES) >= 40


def test_semicolon_decimal_values_are_read_as_meant():
    report = ingest(CASES["semicolon_with_decimal_commas"].data, RULES, limits=LIMITS)
    assert (report.delimiter, report.decimal) == (";", ",")
    assert report.frame["income"].tolist() == [1234.5, 7.25]
    report = ingest(CASES["semicolon_thousands_dots"].data, RULES, limits=LIMITS)
    assert report.frame["income"].tolist() == [1234.5]


def test_line_numbers_follow_the_file_for_every_line_ending():
    for name in ("cr_only_line_ends", "crlf_line_ends"):
        report = ingest(CASES[name].data, RULES, limits=LIMITS)
        assert report.failures["row"].tolist() == [3]
        assert report.line_numbers.tolist() == [2]
    report = ingest(CASES["quoted_newline_in_value"].data, CASES["quoted_newline_in_value"].rules,
                    limits=LIMITS)
    assert report.failures["row"].tolist() == [4]
    assert report.frame["note"].tolist() == ["two\nlines"]


def test_one_valid_row_is_found_and_failures_are_capped():
    report = ingest(CASES["one_valid_row_among_thousands"].data, RULES, limits=LIMITS,
                    max_failures=100)
    assert report.frame["id"].tolist() == ["good"]
    assert report.line_numbers.tolist() == [2502]
    assert len(report.failures) == 100
    assert report.failures["row"].tolist()[:3] == [2, 3, 4]


def test_encodings_are_reported():
    report = ingest(CASES["latin1_falls_back_and_says_so"].data, RULES, limits=LIMITS)
    assert report.encoding_fallback and report.frame["channel"].tolist() == ["Peñaloza"]
    report = ingest(CASES["utf16_le_bom_excel_unicode_text"].data, RULES, limits=LIMITS)
    assert report.encoding == "UTF-16 LE (with BOM)" and report.delimiter == "\t"
    assert not report.encoding_fallback


def test_ids_stay_text_and_missing_tokens_become_nan():
    report = ingest(CASES["ids_keep_leading_zeros"].data, RULES, limits=LIMITS)
    assert report.frame["id"].tolist() == ["001"]
    report = ingest(CASES["missing_tokens_allowed_in_features"].data, RULES, limits=LIMITS)
    assert report.frame["income"].isna().all()
