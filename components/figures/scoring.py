"""Figures of a scored file: drift per feature (PSI) and the score against training."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.figures.style import GOOD, GREY, ORANGE, RED, TEAL, base_layout, plot_text

BAND_COLOURS = {"stable": GOOD, "moderate": ORANGE, "significant": RED}


def drift_figure(frame: pd.DataFrame, *, top: int = 15) -> go.Figure:
    """PSI per feature (and the score), largest first, coloured by band, with the thresholds."""
    rows = frame.sort_values("psi", ascending=False).head(top)[::-1]
    fig = go.Figure(go.Bar(
        x=rows["psi"], y=[plot_text(n) for n in rows["feature"]], orientation="h",
        marker_color=[BAND_COLOURS.get(b, GREY) for b in rows["band"]],
        customdata=np.c_[rows["band"]],
        hovertemplate="%{y}<br>PSI %{x:.3f} (%{customdata[0]})<extra></extra>",
    ))
    for threshold in (0.10, 0.25):
        fig.add_vline(x=threshold, line={"color": GREY, "dash": "dot"})
    base_layout(fig, title="Population stability index by feature",
                x_title="PSI (dotted: 0.10 moderate, 0.25 significant)", y_title="",
                height=max(320, 24 * len(rows) + 130))
    fig.update_layout(showlegend=False)
    fig.update_xaxes(rangemode="tozero")
    return fig


def score_shift_figure(score: Any) -> go.Figure:
    """Share of applicants per score bin: this file against the training reference."""
    labels = [plot_text(b) for b in score.bins]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=labels, y=np.asarray(score.expected) * 100, name="Training",
                         marker_color=GREY,
                         hovertemplate="%{x} points<br>Training %{y:.1f}%<extra></extra>"))
    fig.add_trace(go.Bar(x=labels, y=np.asarray(score.actual) * 100, name="This file",
                         marker_color=TEAL,
                         hovertemplate="%{x} points<br>This file %{y:.1f}%<extra></extra>"))
    fig.update_layout(barmode="group")
    base_layout(fig, title=f"Scores against training (PSI {score.psi:.3f})",
                x_title="Score bin (points)", y_title="Share of applicants (%)")
    fig.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.0,
                              "xanchor": "right", "x": 1.0},
                      margin={"l": 60, "r": 20, "t": 70, "b": 110})
    return fig
