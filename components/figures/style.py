"""Shared look of every Lendscope figure: readable in light and dark themes at 1280 px."""

from __future__ import annotations

import html

import plotly.graph_objects as go

TEAL = "#0f766e"
ORANGE = "#ea580c"
BLUE = "#2563eb"
RED = "#dc2626"
GREY = "#64748b"
PURPLE = "#7c3aed"
GOOD = "#16a34a"
BAND_FILL = "rgba(20, 150, 140, 0.25)"
PALETTE = (TEAL, ORANGE, BLUE, PURPLE, RED, GREY, GOOD)


def base_layout(fig: go.Figure, *, title: str, x_title: str, y_title: str,
                height: int = 420) -> go.Figure:
    """Title, axis titles, compact margins and a transparent background (theme-neutral)."""
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left"},
        xaxis_title=x_title,
        yaxis_title=y_title,
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 90},
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "xanchor": "left", "x": 0.0},
        hovermode="closest",
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
    )
    grid = "rgba(128, 128, 128, 0.25)"
    fig.update_xaxes(showgrid=True, gridcolor=grid, zerolinecolor=grid)
    fig.update_yaxes(showgrid=True, gridcolor=grid, zerolinecolor=grid)
    return fig


def plot_text(value: object, *, limit: int = 60) -> str:
    """User text made inert for plotly labels (which accept a little HTML): escaped, shortened."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=True)
