"""The one-page strategy memo, in Markdown and in HTML (for download).

Both renderings come from one list of sections, so they always say the same thing. Text that
came from data (group labels, column names, model ids) is escaped: ``html.escape`` in HTML,
pipes and line breaks in Markdown tables.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field

import pandas as pd

from simulation.economics import Economics
from simulation.policy import PolicyResult
from simulation.swap import SwapSet


@dataclass(frozen=True)
class Memo:
    """A rendered memo."""

    markdown: str
    html: str


@dataclass(frozen=True)
class _Section:
    heading: str
    paragraphs: tuple[str, ...] = ()
    table: tuple[tuple[str, ...], ...] = field(default=())  # first row is the header


def _money(value: float, currency: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:,.0f} {currency}".strip()


def _share(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.1%}"


def _assumptions(economics: Economics) -> tuple[tuple[str, ...], ...]:
    cur = economics.currency
    rows: list[tuple[str, ...]] = [("assumption", "value")]
    rows.append(("mode", economics.mode))
    if economics.mode == "loan":
        rows += [
            ("annual interest rate", _share(economics.annual_rate)),
            ("term", f"{economics.term_months} months"),
            ("origination fee", f"{_share(economics.origination_fee)} of amount"),
            ("annual funding cost", _share(economics.annual_funding_cost)),
            ("operating cost per loan", _money(economics.operating_cost_per_loan, cur)),
            ("loss given default", _share(economics.lgd)),
            ("month of default", str(economics.months_to_default)),
        ]
        for band, rate in economics.rate_by_band:
            rows.append((f"rate for band {band}", _share(rate)))
    else:
        unit = "of amount" if economics.simple_units == "fraction" else economics.currency
        rows += [
            ("gain per good loan", f"{economics.gain_per_good:g} {unit}"),
            ("loss per bad loan", f"{economics.loss_per_bad:g} {unit}"),
        ]
    return tuple(rows)


def build_memo(
    *,
    title: str,
    model_id: str,
    economics: Economics,
    result: PolicyResult,
    baseline: PolicyResult,
    swap: SwapSet,
    fairness: pd.DataFrame,
    profit_band: tuple[float, float] | None = None,
    scenario_name: str = "Base",
) -> Memo:
    """Assemble the memo.

    Parameters
    ----------
    title : str
        Heading (e.g. the dataset title).
    model_id : str
        Model whose holdout was simulated.
    economics : Economics
        Assumptions listed in the memo.
    result, baseline : PolicyResult
        The chosen policy's result and the baseline's.
    swap : SwapSet
        Swap set of the policy against the baseline.
    fairness : pandas.DataFrame
        Output of :func:`~simulation.fairness.fairness_screen`.
    profit_band : (float, float), optional
        Bootstrap 5%-95% band of the policy's profit (currency).
    """
    cur = result.currency or economics.currency
    band = (
        f" (5%-95% bootstrap band {_money(profit_band[0], cur)} to {_money(profit_band[1], cur)})"
        if profit_band is not None
        else ""
    )
    headline = (
        f'Policy "{result.label}" on the held-out applicants of model {model_id} '
        f"(scenario: {scenario_name}): approves {_share(result.approval_rate)} of "
        f"{result.n_applicants:,} applicants, bad rate {_share(result.bad_rate)}, net profit "
        f"{_money(result.net_profit, cur)}{band}, against {_money(baseline.net_profit, cur)} "
        f'for the baseline "{baseline.label}" (approval {_share(baseline.approval_rate)}, '
        f"bad rate {_share(baseline.bad_rate)})."
    )
    money_rows = [("", "policy", "baseline")]
    for label, key in (
        ("volume lent", "volume"),
        ("interest income", "interest_income"),
        ("fee income", "fee_income"),
        ("funding cost", "funding_cost"),
        ("operating cost", "operating_cost"),
        ("review cost", "review_cost"),
        ("credit loss (realised)", "credit_loss"),
        ("expected loss (model PD x LGD x exposure)", "expected_loss"),
        ("net profit", "net_profit"),
    ):
        money_rows.append(
            (label, _money(getattr(result, key), cur), _money(getattr(baseline, key), cur))
        )
    swap_rows = [("cell", "applicants", "bad rate", "profit if lent")]
    for cell in swap.cells():
        swap_rows.append(
            (
                cell.name.replace("_", " "),
                f"{cell.count:,.0f}",
                _share(cell.bad_rate),
                _money(cell.profit, cur),
            )
        )
    fair_rows = [("column", "group", "applicants", "approval", "AIR", "p-value", "flags")]
    flagged = int(fairness["flagged"].sum()) if "flagged" in fairness else 0
    shown = fairness
    if "kind" in fairness:  # one page: every protected group, segment groups only if flagged
        shown = fairness[(fairness["kind"] == "protected") | fairness["flagged"]]
    for row in shown.itertuples(index=False):
        notes = []
        if row.flagged:
            notes.append("AIR below 0.80")
        if getattr(row, "small_group", False):
            notes.append("small group")
        if getattr(row, "reference", False):
            notes.append("reference")
        fair_rows.append(
            (
                str(row.column),
                str(row.group),
                f"{row.n:,}",
                _share(row.approval_rate),
                "n/a" if math.isnan(row.air) else f"{row.air:.2f}",
                "n/a" if math.isnan(row.p_value) else f"{row.p_value:.3g}",
                ", ".join(notes),
            )
        )
    sections = (
        _Section("Summary", (headline,)),
        _Section("Assumptions", (), _assumptions(economics)),
        _Section("Money", (), tuple(money_rows)),
        _Section(
            "Swap set against the baseline",
            ("Profit if lent: what the cell's applicants bring when approved.",),
            tuple(swap_rows),
        ),
        _Section(
            "Fairness screen",
            (
                f"{flagged} group(s) below an adverse impact ratio of 0.80 (the table lists "
                "every protected group and any flagged segment group). The four-fifths "
                "threshold comes from US employment rules (29 CFR 1607.4(D)); in lending it "
                "is a screening signal that calls for a closer look, not a legal finding.",
            ),
            tuple(fair_rows) if len(fair_rows) > 1 else (),
        ),
    )
    return Memo(markdown=_markdown(title, sections), html=_html(title, sections))


_TAG = re.compile(r"<(?=[A-Za-z/!?])")


def _md_text(text: str) -> str:
    """Neutralise HTML tags (``<b>`` -> ``&lt;b>``) so rendered Markdown shows them as text."""
    return _TAG.sub("&lt;", text)


def _md_cell(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")
    return _md_text(text)


def _markdown(title: str, sections: tuple[_Section, ...]) -> str:
    lines = [f"# {_md_cell(title)}", ""]
    for section in sections:
        lines += [f"## {section.heading}", ""]
        for paragraph in section.paragraphs:
            lines += [_md_text(paragraph), ""]
        if section.table:
            header, *body = section.table
            lines.append("| " + " | ".join(_md_cell(c) for c in header) + " |")
            lines.append("|" + "---|" * len(header))
            for row in body:
                lines.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
            lines.append("")
    return "\n".join(lines)


def _html(title: str, sections: tuple[_Section, ...]) -> str:
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:52em;margin:2em auto;}"
        "table{border-collapse:collapse;}td,th{border:1px solid #ccc;padding:2px 8px;}"
        "</style></head><body>",
        f"<h1>{esc(title)}</h1>",
    ]
    for section in sections:
        parts.append(f"<h2>{esc(section.heading)}</h2>")
        parts += [f"<p>{esc(p)}</p>" for p in section.paragraphs]
        if section.table:
            header, *body = section.table
            parts.append("<table><tr>" + "".join(f"<th>{esc(c)}</th>" for c in header) + "</tr>")
            for row in body:
                parts.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>")
            parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)
