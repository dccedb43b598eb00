"""Number formatting for every figure and card: money with the dataset's currency, percents."""

from __future__ import annotations

import math

_SYMBOLS: dict[str, str] = {"PEN": "S/", "USD": "$", "EUR": "€", "BRL": "R$", "GBP": "£"}


def currency_symbol(currency: str) -> str:
    """The symbol shown before amounts in ``currency`` (the ISO code itself when unknown)."""
    return _SYMBOLS.get(currency.upper(), currency.upper())


def _is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _digits(scaled: float) -> int:
    """Decimals that keep about four significant digits: 1.234, 12.34 -> 12.3, 123."""
    return 2 if scaled < 10 else 1 if scaled < 100 else 0


def money(value: float | None, currency: str, *, compact: bool = True) -> str:
    """``S/ 1.25M``, ``S/ 155M``, ``-S/ 3,400``: compact (k/M/B) from ten thousand, about four
    significant digits; "—" when missing."""
    if _is_missing(value):
        return "—"
    symbol = currency_symbol(currency)
    sign = "-" if value < 0 else ""
    size = abs(float(value))
    if compact and size >= 1e9:
        text = f"{size / 1e9:.{_digits(size / 1e9)}f}B"
    elif compact and size >= 1e6:
        text = f"{size / 1e6:.{_digits(size / 1e6)}f}M"
    elif compact and size >= 1e4:
        text = f"{size / 1e3:.{_digits(size / 1e3)}f}k"
    else:
        text = f"{size:,.0f}"
    return f"{sign}{symbol} {text}"


def percent(value: float | None, *, digits: int = 1) -> str:
    """A fraction as a percent: ``0.1234 -> "12.3%"``; "—" when missing."""
    if _is_missing(value):
        return "—"
    return f"{100.0 * float(value):.{digits}f}%"


def count(value: float | None) -> str:
    """A whole number with thousands separators; "—" when missing."""
    if _is_missing(value):
        return "—"
    return f"{int(round(float(value))):,}"


def decimal(value: float | None, *, digits: int = 3) -> str:
    """A plain decimal such as an AUC: ``0.8123 -> "0.812"``; "—" when missing."""
    if _is_missing(value):
        return "—"
    return f"{float(value):.{digits}f}"


def money_axis_format(currency: str) -> dict[str, str]:
    """Plotly axis settings that show amounts with the currency symbol and SI suffixes."""
    return {"tickprefix": f"{currency_symbol(currency)} ", "tickformat": "~s"}


_MARKDOWN_SPECIALS = set("\\`*_{}[]()#+-.!|<>~$:&")


def escape_markdown(text: str) -> str:
    """Text safe to pass to ``st.markdown``/``st.error``: every markdown and HTML character escaped.

    Used for engine messages, which may quote column names and values from an upload.
    """
    out = []
    for char in str(text):
        if char in _MARKDOWN_SPECIALS:
            out.append("\\" + char)
        elif char == "\n":
            out.append("  \n")
        else:
            out.append(char)
    return "".join(out)
