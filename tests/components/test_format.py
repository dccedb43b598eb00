"""Money and percent formatting, and the escaping of engine messages."""

from __future__ import annotations

import math

import pytest

from components.format import count, decimal, escape_markdown, money, percent


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, "S/ 0"),
        (9_999.4, "S/ 9,999"),
        (12_345.0, "S/ 12.3k"),
        (847_273.0, "S/ 847k"),
        (1_250_000.0, "S/ 1.25M"),
        (21_432_304.0, "S/ 21.4M"),
        (155_175_400.0, "S/ 155M"),
        (-3_400.0, "-S/ 3,400"),
        (-1_234_567.0, "-S/ 1.23M"),
        (2.5e9, "S/ 2.50B"),
    ],
)
def test_money_in_soles(value, expected):
    assert money(value, "PEN") == expected


def test_money_other_currencies_and_missing():
    assert money(1_000.0, "USD") == "$ 1,000"
    assert money(1_000.0, "units") == "UNITS 1,000"
    assert money(math.nan, "PEN") == "—"
    assert money(None, "PEN") == "—"
    assert money(12_345.0, "PEN", compact=False) == "S/ 12,345"


def test_percent_count_decimal():
    assert percent(0.1234) == "12.3%"
    assert percent(0.1234, digits=2) == "12.34%"
    assert percent(math.nan) == "—"
    assert count(12345.6) == "12,346"
    assert decimal(0.81234) == "0.812"


@pytest.mark.parametrize(
    "text",
    ["<script>alert(1)</script>", "[click](javascript:alert(1))", "**bold** _it_ `code`",
     ":red[x] $x^2$ # head", "![img](http://x/y.png)"],
)
def test_escaped_text_has_no_live_markdown_or_html(text):
    escaped = escape_markdown(text)
    for char in "<>[]()*_`:$#!":
        assert f"\\{char}" in escaped or char not in text
    assert escaped.replace("\\", "") == text
