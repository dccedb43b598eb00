"""Figures of the lending simulator: profit curve with its band, trade-off, scenarios, replay."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.figures.style import BAND_FILL, BLUE, GREY, ORANGE, PALETTE, TEAL, base_layout
from components.format import currency_symbol

MARK_COLOURS = {"Your cut-off": ORANGE, "Optimum": TEAL, "Constrained optimum": BLUE}


def _cutoff_axis(on: str) -> str:
    if on == "pd":
        return "Cut-off: highest PD approved (%)"
    return "Cut-off: lowest score approved (points)"


def _x(values: pd.Series | np.ndarray, on: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    return array * 100.0 if on == "pd" else array


def profit_curve_figure(
    table: pd.DataFrame,
    *,
    on: str,
    currency: str,
    marks: Mapping[str, float | None],
) -> go.Figure:
    """Net profit against the cut-off, with the bootstrap band and marked cut-offs.

    ``table`` has columns cutoff, net_profit, approval_rate and optionally profit_low and
    profit_high; ``marks`` maps a label ("Your cut-off", "Optimum", ...) to a cut-off.
    """
    rows = table[np.isfinite(table["cutoff"].to_numpy(dtype=np.float64))]
    x = _x(rows["cutoff"], on)
    symbol = currency_symbol(currency)
    unit = "%" if on == "pd" else " pts"
    fig = go.Figure()
    if "profit_low" in rows and "profit_high" in rows:
        fig.add_trace(go.Scatter(x=x, y=rows["profit_high"], mode="lines", line={"width": 0},
                                 hoverinfo="skip", showlegend=False))
        fig.add_trace(go.Scatter(
            x=x, y=rows["profit_low"], mode="lines", line={"width": 0}, fill="tonexty",
            fillcolor=BAND_FILL, name="5%-95% bootstrap band", hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=x, y=rows["net_profit"], mode="lines", name="Net profit",
        line={"color": TEAL, "width": 2},
        customdata=np.c_[rows["approval_rate"].to_numpy() * 100.0],
        hovertemplate=(f"Cut-off %{{x:.1f}}{unit}<br>Profit {symbol} %{{y:,.0f}}"
                       "<br>Approval %{customdata[0]:.1f}%<extra></extra>"),
    ))
    for label, cutoff in marks.items():
        if cutoff is None or not np.isfinite(cutoff):
            continue
        value = float(cutoff) * 100.0 if on == "pd" else float(cutoff)
        colour = MARK_COLOURS.get(label, GREY)
        fig.add_vline(x=value, line={"color": colour, "dash": "dash", "width": 2})
        fig.add_trace(go.Scatter(
            x=[value], y=[None], mode="lines", line={"color": colour, "dash": "dash"},
            name=f"{label} ({value:.1f}{unit})", hoverinfo="skip"))
    fig.add_hline(y=0, line={"color": GREY, "width": 1, "dash": "dot"})
    base_layout(fig, title="Net profit by cut-off (held-out applicants)",
                x_title=_cutoff_axis(on), y_title=f"Net profit ({currency})")
    fig.update_yaxes(tickprefix=f"{symbol} ", tickformat="~s")
    if on == "points":
        fig.update_xaxes(autorange="reversed")
    return fig


def tradeoff_figure(
    table: pd.DataFrame,
    *,
    points: Mapping[str, tuple[float, float]],
) -> go.Figure:
    """Bad rate among approved against approval rate, with named policies marked.

    ``points`` maps a label to ``(approval_rate, bad_rate)`` fractions.
    """
    rows = table[table["approval_rate"] > 0]
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=rows["approval_rate"] * 100.0, y=rows["bad_rate"] * 100.0, mode="lines",
        name="Every cut-off", line={"color": TEAL, "width": 2},
        hovertemplate="Approval %{x:.1f}%<br>Bad rate %{y:.2f}%<extra></extra>",
    ))
    symbols = ("diamond", "star", "square", "circle")
    for i, (label, (approval, bad)) in enumerate(points.items()):
        if approval is None or bad is None or not np.isfinite(bad):
            continue
        fig.add_trace(go.Scatter(
            x=[approval * 100.0], y=[bad * 100.0], mode="markers", name=label,
            marker={"size": 13, "symbol": symbols[i % len(symbols)],
                    "color": PALETTE[(i + 1) % len(PALETTE)], "line": {"width": 1}},
            hovertemplate=f"{label}<br>Approval %{{x:.1f}}%<br>Bad rate %{{y:.2f}}%<extra></extra>",
        ))
    base_layout(fig, title="Approval against bad rate", x_title="Approval rate (%)",
                y_title="Bad rate among approved (%)")
    fig.update_xaxes(range=[0, 100])
    return fig


def scenarios_figure(results: Sequence[tuple[str, float, float]], *, currency: str) -> go.Figure:
    """Net profit per stress scenario at the chosen cut-off (horizontal bars, base on top).

    ``results`` holds ``(scenario name, net profit, bad rate)`` per scenario.
    """
    symbol = currency_symbol(currency)
    rows = list(results)[::-1]
    names = [name for name, _, _ in rows]
    profits = [profit for _, profit, _ in rows]
    bad = [rate * 100.0 if rate == rate else None for _, _, rate in rows]
    colours = [TEAL if p >= 0 else ORANGE for p in profits]
    fig = go.Figure(go.Bar(
        y=names, x=profits, orientation="h", marker_color=colours, customdata=np.c_[bad],
        text=[money_text(p, symbol) for p in profits], textposition="auto",
        hovertemplate=(f"%{{y}}<br>Profit {symbol} %{{x:,.0f}}"
                       "<br>Bad rate %{customdata[0]:.2f}%<extra></extra>"),
    ))
    base_layout(fig, title="Net profit by scenario, same cut-off",
                x_title=f"Net profit ({currency})", y_title="", height=340)
    fig.update_xaxes(tickprefix=f"{symbol} ", tickformat="~s")
    fig.update_layout(showlegend=False, margin={"l": 10, "r": 20, "t": 60, "b": 50})
    fig.update_yaxes(automargin=True)
    return fig


def money_text(value: float, symbol: str) -> str:
    """Short money label for bars: ``S/ 847k``, ``-S/ 1.2M``."""
    sign = "-" if value < 0 else ""
    size = abs(value)
    if size >= 1e6:
        return f"{sign}{symbol} {size / 1e6:.2f}M"
    if size >= 1e3:
        return f"{sign}{symbol} {size / 1e3:.0f}k"
    return f"{sign}{symbol} {size:.0f}"


def replay_figure(frame: pd.DataFrame, *, currency: str, frames: int = 30) -> go.Figure:
    """Animated cumulative profit of the policy and the baseline, applicant by applicant.

    ``frame`` has columns step (applicants seen), profit_policy and profit_baseline, and
    optionally date.
    """
    symbol = currency_symbol(currency)
    n = len(frame)
    stops = np.unique(np.linspace(1, n, min(frames, n)).astype(int))
    columns = (("profit_policy", "Your policy", TEAL), ("profit_baseline", "Baseline", ORANGE))

    def traces(end: int) -> list[go.Scatter]:
        part = frame.iloc[:end]
        return [
            go.Scatter(x=part["step"], y=part[col], mode="lines", name=name,
                       line={"color": colour, "width": 2},
                       hovertemplate=(f"{name}<br>Applicant %{{x:,}}"
                                      f"<br>Cumulative profit {symbol} %{{y:,.0f}}<extra></extra>"))
            for col, name, colour in columns if col in frame
        ]

    fig = go.Figure(data=traces(n),
                    frames=[go.Frame(data=traces(int(end)), name=str(end)) for end in stops])
    low = float(np.nanmin(frame[[c for c, _, _ in columns if c in frame]].to_numpy()))
    high = float(np.nanmax(frame[[c for c, _, _ in columns if c in frame]].to_numpy()))
    pad = 0.05 * max(high - low, 1.0)
    base_layout(fig, title="Replay of the lending book in application order",
                x_title="Applicants seen", y_title=f"Cumulative net profit ({currency})",
                height=420)
    fig.update_xaxes(range=[0, float(frame["step"].max()) if n else 1.0])
    fig.update_yaxes(range=[low - pad, high + pad], tickprefix=f"{symbol} ", tickformat="~s")
    fig.update_layout(
        updatemenus=[{
            "type": "buttons", "showactive": False, "direction": "left",
            "x": 1.0, "y": 1.14, "xanchor": "right", "yanchor": "bottom",
            "buttons": [
                {"label": "▶ Play", "method": "animate",
                 "args": [None, {"frame": {"duration": 80, "redraw": False},
                                 "fromcurrent": False, "transition": {"duration": 0}}]},
                {"label": "❚❚ Pause", "method": "animate",
                 "args": [[None], {"frame": {"duration": 0, "redraw": False},
                                   "mode": "immediate"}]},
            ],
        }],
        margin={"l": 60, "r": 20, "t": 60, "b": 90},
    )
    return fig
