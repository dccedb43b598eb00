"""Figures of model performance: ROC, precision-recall, KS, calibration, gains, distributions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.figures.style import GREY, ORANGE, PALETTE, RED, TEAL, base_layout


def roc_figure(curves: dict[str, pd.DataFrame], aucs: dict[str, float]) -> go.Figure:
    """ROC curve per model (``fpr``, ``tpr`` columns), with AUC in the legend."""
    fig = go.Figure()
    for i, (name, frame) in enumerate(curves.items()):
        fig.add_trace(go.Scatter(
            x=frame["fpr"] * 100, y=frame["tpr"] * 100, mode="lines",
            name=f"{name} (AUC {aucs.get(name, float('nan')):.3f})",
            line={"color": PALETTE[i % len(PALETTE)], "width": 2},
            hovertemplate="Goods declined %{x:.1f}%<br>Bads caught %{y:.1f}%<extra></extra>",
        ))
    fig.add_trace(go.Scatter(x=[0, 100], y=[0, 100], mode="lines", name="Random",
                             line={"color": GREY, "dash": "dot"}, hoverinfo="skip"))
    return base_layout(fig, title="ROC curve (held-out applicants)",
                       x_title="False positive rate: goods flagged (%)",
                       y_title="True positive rate: bads flagged (%)")


def pr_figure(curves: dict[str, pd.DataFrame], base_rates: dict[str, float]) -> go.Figure:
    """Precision-recall curve of the bad class per model, with the base rate."""
    fig = go.Figure()
    for i, (name, frame) in enumerate(curves.items()):
        fig.add_trace(go.Scatter(
            x=frame["recall"] * 100, y=frame["precision"] * 100, mode="lines", name=name,
            line={"color": PALETTE[i % len(PALETTE)], "width": 2},
            hovertemplate="Recall %{x:.1f}%<br>Precision %{y:.1f}%<extra></extra>",
        ))
    for i, rate in enumerate(base_rates.values()):
        fig.add_hline(y=rate * 100, line={"color": PALETTE[i % len(PALETTE)], "dash": "dot"},
                      annotation_text=f"Base bad rate {rate:.1%}",
                      annotation_position="top right")
    return base_layout(fig, title="Precision-recall (bad class)",
                       x_title="Recall: bads flagged (%)",
                       y_title="Precision: flagged that are bad (%)")


def ks_figure(frame: pd.DataFrame, ks_value: float) -> go.Figure:
    """Cumulative bads and goods by share flagged, with the KS gap marked."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=frame["population"] * 100, y=frame["cum_bads"] * 100,
                             mode="lines", name="Bads", line={"color": RED, "width": 2},
                             hovertemplate="Flagged %{x:.1f}%<br>Bads %{y:.1f}%<extra></extra>"))
    fig.add_trace(go.Scatter(x=frame["population"] * 100, y=frame["cum_goods"] * 100,
                             mode="lines", name="Goods", line={"color": TEAL, "width": 2},
                             hovertemplate="Flagged %{x:.1f}%<br>Goods %{y:.1f}%<extra></extra>"))
    if len(frame):
        i = int(np.argmax(frame["gap"].to_numpy()))
        x = float(frame["population"].iloc[i]) * 100
        fig.add_trace(go.Scatter(
            x=[x, x], y=[frame["cum_goods"].iloc[i] * 100, frame["cum_bads"].iloc[i] * 100],
            mode="lines+markers", name=f"KS {ks_value:.3f}",
            line={"color": ORANGE, "width": 3}, hoverinfo="name"))
    return base_layout(fig, title="KS: separation of bads and goods",
                       x_title="Applicants flagged, riskiest first (%)",
                       y_title="Cumulative share (%)")


def calibration_figure(table: pd.DataFrame, ece_value: float) -> go.Figure:
    """Reliability diagram: mean predicted PD against observed bad rate per PD group."""
    top = float(max(table["mean_pd"].max(), table["bad_rate"].max()) * 100 * 1.1)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, top], y=[0, top], mode="lines", name="Perfect calibration",
                             line={"color": GREY, "dash": "dot"}, hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=table["mean_pd"] * 100, y=table["bad_rate"] * 100, mode="lines+markers",
        name=f"Model (ECE {ece_value * 100:.2f} pp)", line={"color": TEAL, "width": 2},
        marker={"size": 8}, customdata=np.c_[table["n"], table["bin"]],
        hovertemplate=("Group %{customdata[1]}: %{customdata[0]:,} applicants"
                       "<br>Mean PD %{x:.2f}%<br>Observed bad rate %{y:.2f}%<extra></extra>"),
    ))
    base_layout(fig, title="Calibration: predicted PD against observed bad rate",
                x_title="Mean predicted PD (%)", y_title="Observed bad rate (%)")
    fig.update_xaxes(range=[0, top])
    fig.update_yaxes(range=[0, top])
    return fig


def gains_figure(table: pd.DataFrame) -> go.Figure:
    """Lift per decile (bars) and cumulative share of bads captured (line)."""
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=table["group"], y=table["lift"], name="Lift", marker_color=TEAL,
        customdata=np.c_[table["bad_rate"] * 100],
        hovertemplate=("Decile %{x}<br>Lift %{y:.2f}<br>Bad rate %{customdata[0]:.1f}%"
                       "<extra></extra>"),
    ))
    fig.add_trace(go.Scatter(
        x=table["group"], y=table["cum_bads_captured"] * 100, name="Bads captured (cumulative)",
        yaxis="y2", mode="lines+markers", line={"color": ORANGE, "width": 2},
        hovertemplate="Up to decile %{x}<br>Bads captured %{y:.1f}%<extra></extra>",
    ))
    base_layout(fig, title="Gains and lift by decile (riskiest first)",
                x_title="Decile of applicants (1 = riskiest tenth)", y_title="Lift (× base rate)")
    fig.update_layout(yaxis2={"title": "Bads captured (%)", "overlaying": "y", "side": "right",
                              "range": [0, 105], "tickvals": [0, 25, 50, 75, 100],
                              "showgrid": False})
    fig.update_xaxes(dtick=1)
    return fig


def score_distribution_figure(points: np.ndarray, outcome: np.ndarray) -> go.Figure:
    """Histogram of score points for goods and bads (share of each group)."""
    fig = go.Figure()
    for label, mask, colour in (("Good", outcome == 0, TEAL), ("Bad", outcome == 1, RED)):
        fig.add_trace(go.Histogram(
            x=points[mask], name=label, histnorm="percent", opacity=0.6, marker_color=colour,
            nbinsx=40, hovertemplate=f"{label}<br>%{{x}} points<br>%{{y:.1f}}% of {label.lower()}s"
                                     "<extra></extra>",
        ))
    fig.update_layout(barmode="overlay")
    return base_layout(fig, title="Score distribution by outcome", x_title="Score (points)",
                       y_title="Share of group (%)")
