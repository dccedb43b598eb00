"""Figures of explanations: importance, beeswarm summary, dependence and per-applicant waterfall."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.figures.style import GREY, RED, TEAL, base_layout, plot_text


def importance_figure(importance: pd.Series, *, top: int = 15) -> go.Figure:
    """Mean |contribution| per feature (log-odds), largest on top."""
    values = importance.sort_values(ascending=False).head(top)[::-1]
    fig = go.Figure(go.Bar(
        x=values.to_numpy(), y=[str(name) for name in values.index], orientation="h",
        marker_color=TEAL,
        hovertemplate="%{y}<br>Mean |contribution| %{x:.3f} log-odds<extra></extra>",
    ))
    base_layout(fig, title=f"Global importance (top {len(values)} features)",
                x_title="Mean absolute contribution (log-odds)", y_title="",
                height=max(320, 26 * len(values) + 120))
    fig.update_layout(showlegend=False)
    return fig


def _value_rank(column: pd.Series) -> np.ndarray:
    """Feature value as a 0..1 colour: percentile rank for numbers, NaN for others/missing."""
    numbers = pd.to_numeric(column, errors="coerce")
    if numbers.notna().sum() == 0:
        return np.full(len(column), np.nan)
    return numbers.rank(pct=True).to_numpy(dtype=np.float64)


def beeswarm_figure(values: np.ndarray, X: pd.DataFrame, feature_names: Sequence[str],
                    *, top: int = 12, max_points: int = 1500, random_state: int = 0) -> go.Figure:
    """Each applicant's contribution per feature, coloured by the feature's value (low to high).

    ``values`` has shape (n_rows, n_features) in the order of ``feature_names``; ``X`` holds the
    same rows' feature values.
    """
    names = list(feature_names)
    order = np.argsort(-np.abs(values).mean(axis=0))[:top][::-1]
    rng = np.random.default_rng(random_state)
    rows = np.arange(values.shape[0])
    if rows.size > max_points:
        rows = np.sort(rng.choice(rows, size=max_points, replace=False))
    fig = go.Figure()
    for position, j in enumerate(order):
        name = names[j]
        column = X[name].iloc[rows] if name in X else pd.Series([np.nan] * rows.size)
        colour = _value_rank(column)
        jitter = rng.uniform(-0.3, 0.3, size=rows.size)
        text = [plot_text(v) for v in column.astype("string").fillna("missing")]
        fig.add_trace(go.Scattergl(
            x=values[rows, j], y=position + jitter, mode="markers", name=name, showlegend=False,
            text=text,
            marker={"size": 4, "color": np.nan_to_num(colour, nan=0.5),
                    "colorscale": [[0, "#2563eb"], [1, "#dc2626"]], "cmin": 0, "cmax": 1,
                    "showscale": position == len(order) - 1,
                    "colorbar": {"title": "Feature value", "tickvals": [0, 1],
                                 "ticktext": ["low", "high"], "len": 0.6}},
            hovertemplate=f"{name} = %{{text}}<br>Contribution %{{x:+.3f}} log-odds<extra></extra>",
        ))
    base_layout(fig, title="How each feature moves risk, applicant by applicant",
                x_title="Contribution to log-odds of default (right = riskier)", y_title="",
                height=max(360, 34 * len(order) + 120))
    fig.update_yaxes(tickvals=list(range(len(order))), ticktext=[names[j] for j in order],
                     showgrid=False)
    fig.add_vline(x=0, line={"color": GREY, "width": 1})
    return fig


def dependence_figure(feature_values: pd.Series, contributions: np.ndarray, *, feature: str,
                      unit: str = "") -> go.Figure:
    """Contribution of one feature against its value (categories as a strip)."""
    numbers = pd.to_numeric(feature_values, errors="coerce")
    numeric = numbers.notna().mean() > 0.5
    fig = go.Figure()
    if numeric:
        fig.add_trace(go.Scattergl(
            x=numbers, y=contributions, mode="markers", name=feature, showlegend=False,
            marker={"size": 5, "color": TEAL, "opacity": 0.55},
            hovertemplate=f"{feature} %{{x:,.2f}}<br>Contribution %{{y:+.3f}} log-odds"
                          "<extra></extra>",
        ))
        missing = numbers.isna().to_numpy()
        if missing.any():
            fig.add_annotation(text=f"{int(missing.sum())} applicants with missing value not shown",
                               xref="paper", yref="paper", x=1, y=1.02, showarrow=False,
                               font={"size": 11, "color": GREY})
    else:
        labels = [plot_text(v) for v in feature_values.astype("string").fillna("missing")]
        fig.add_trace(go.Box(x=labels, y=contributions, boxpoints="all", jitter=0.4,
                             pointpos=0, marker={"size": 4, "color": TEAL}, name=feature,
                             showlegend=False, hoverinfo="x+y"))
    x_title = f"{feature} ({unit})" if unit else feature
    base_layout(fig, title=f"Dependence: how {feature} moves risk", x_title=x_title,
                y_title="Contribution (log-odds)")
    fig.add_hline(y=0, line={"color": GREY, "width": 1})
    return fig


def waterfall_figure(contributions: pd.Series, *, base_value: float, scale: str = "log-odds",
                     top: int = 10,
                     to_pd: Callable[[np.ndarray], np.ndarray] | None = None) -> go.Figure:
    """One applicant's path from the average to their own risk.

    ``contributions`` maps a label (feature = value) to its contribution in log-odds. With
    ``scale="probability"`` every step is shown as the change in PD (percentage points) when
    the contributions are added in the order shown; ``to_pd`` maps log-odds to PD (the
    model's calibration; the logistic function when None).
    """
    ordered = contributions.reindex(contributions.abs().sort_values(ascending=False).index)
    head = ordered.head(top)
    rest = float(ordered.iloc[top:].sum()) if len(ordered) > top else 0.0
    labels = [plot_text(label) for label in head.index]
    steps = head.to_numpy(dtype=np.float64)
    if len(ordered) > top:
        labels.append(f"{len(ordered) - top} other features")
        steps = np.r_[steps, rest]
    final = base_value + steps.sum()
    if scale == "probability":
        cumulative = base_value + np.r_[0.0, np.cumsum(steps)]
        mapping = to_pd if to_pd is not None else (lambda m: 1.0 / (1.0 + np.exp(-m)))
        probability = 100.0 * np.asarray(mapping(cumulative), dtype=np.float64)
        start, shown, end = probability[0], np.diff(probability), probability[-1]
        fmt, unit, end_unit = "+.2f", "pp", "%"
        axis = "Probability of default (%)"
    else:
        start, shown, end = base_value, steps, final
        fmt, unit, end_unit = "+.3f", "", ""
        axis = "Log-odds of default"
    fig = go.Figure(go.Waterfall(
        orientation="h",
        measure=["absolute", *["relative"] * len(shown), "total"],
        y=["Average applicant", *labels, "This applicant"],
        x=[start, *shown, end],
        increasing={"marker": {"color": RED}},
        decreasing={"marker": {"color": TEAL}},
        totals={"marker": {"color": GREY}},
        text=[f"{start:.2f}{end_unit}", *[f"{v:{fmt}} {unit}" for v in shown],
              f"{end:.2f}{end_unit}"],
        textposition="outside",
        hovertemplate="%{y}<br>%{x:.3f}<extra></extra>",
    ))
    kind = "PD" if scale == "probability" else "log-odds"
    base_layout(fig, title=f"Why this score: contributions ({kind})",
                x_title=axis, y_title="", height=max(360, 30 * (len(labels) + 2) + 120))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    path = np.r_[start, start + np.cumsum(shown)]
    low, high = float(min(path.min(), 0.0)), float(path.max())
    pad = 0.25 * max(high - low, 1e-6)
    fig.update_xaxes(range=[low - (pad if low < 0 else 0.0), high + pad])
    fig.update_layout(showlegend=False)
    return fig
