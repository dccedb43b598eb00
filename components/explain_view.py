"""Explain page renderers: global importance, beeswarm, dependence, waterfall, what-if editor."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from components import cache
from components.cards import Card, render_cards
from components.figures.explain import (
    beeswarm_figure,
    dependence_figure,
    importance_figure,
    waterfall_figure,
)
from components.format import escape_markdown, percent
from data.errors import LendscopeError

SHAP_PREFIX = "shap__"


def sample_parts(bundle: Any) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """Feature values, contributions (n_rows, n_features) and names from the stored sample."""
    sample = bundle.shap_sample
    if sample is None or sample.empty:
        raise LendscopeError(
            f"Model '{bundle.model_id}' has no stored explanation sample; retrain it to "
            "see global explanations."
        )
    names = [c[len(SHAP_PREFIX):] for c in sample.columns if c.startswith(SHAP_PREFIX)]
    values = sample[[SHAP_PREFIX + n for n in names]].to_numpy(dtype=np.float64)
    return sample[names], values, names


def global_view(bundle: Any) -> None:
    """Importance and beeswarm side by side, then a dependence plot for a chosen feature."""
    X, values, names = sample_parts(bundle)
    importance = pd.Series(np.abs(values).mean(axis=0), index=names)
    st.caption(f"From {len(X):,} held-out applicants explained with exact TreeSHAP (or exact "
               "linear contributions for the logistic model), in log-odds of default.")
    left, right = st.columns(2)
    left.plotly_chart(importance_figure(importance), key="explain_importance")
    right.plotly_chart(beeswarm_figure(values, X, names), key="explain_beeswarm")
    ranked = list(importance.sort_values(ascending=False).index)
    feature = st.selectbox("Dependence plot for", ranked, key="explain_feature",
                           format_func=lambda n: f"{n}: {bundle.spec.feature(n).description}")
    spec = bundle.spec.feature(feature)
    st.plotly_chart(dependence_figure(X[feature], values[:, names.index(feature)],
                                      feature=feature, unit=spec.unit), key="explain_dependence")


def default_position(bundle: Any, cutoff: float) -> int:
    """The applicant shown first: the median-risk one among those declined at ``cutoff``
    (so that reasons show), else the 90th percentile of risk."""
    sample = bundle.shap_sample
    if "margin" not in sample:
        return 0
    margin = sample["margin"].to_numpy(dtype=np.float64)
    declined = np.flatnonzero(bundle.pd_from_margin(margin) > cutoff)
    if declined.size:
        ordered = declined[np.argsort(margin[declined], kind="stable")]
        return int(ordered[(ordered.size - 1) // 2])
    return int(np.argsort(margin, kind="stable")[int(0.9 * (margin.size - 1))])


def pick_applicant(bundle: Any, cutoff: float) -> pd.Series:
    """Choose one applicant of the stored sample; their feature values."""
    X, _, _ = sample_parts(bundle)
    ids = bundle.shap_sample["id"].astype(str).tolist() if "id" in bundle.shap_sample else [
        str(i) for i in range(len(X))]
    chosen = st.selectbox("Applicant (held-out)", ids, index=default_position(bundle, cutoff),
                          key=f"explain_applicant::{bundle.model_id}",
                          help="Starts on a declined applicant, so that reasons show.")
    return X.iloc[ids.index(chosen)]


def editor(bundle: Any, applicant: pd.Series) -> tuple[tuple[str, Any], ...]:
    """The what-if editor: one row per feature, edit values; the edited applicant."""
    spec = bundle.spec
    table = pd.DataFrame({
        "Feature": list(applicant.index),
        "Value": ["" if _missing(v) else str(v) for v in applicant.to_numpy()],
        "What it is": [spec.feature(n).description for n in applicant.index],
    })
    edited = st.data_editor(
        table, hide_index=True, width="stretch", disabled=["Feature", "What it is"],
        key=f"explain_editor::{bundle.model_id}::{applicant.name}",
        column_config={"Value": st.column_config.TextColumn(
            "Value (edit; empty = missing)", width="medium")},
    )
    pairs = []
    for name, text in zip(edited["Feature"], edited["Value"], strict=True):
        pairs.append((str(name), _parse(spec.feature(str(name)), text)))
    return tuple(pairs)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _parse(feature: Any, text: Any) -> Any:
    raw = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
    raw = raw.strip()
    if raw == "":
        return None if feature.kind == "categorical" else float("nan")
    if feature.kind == "categorical":
        return raw
    try:
        value = float(raw)
    except ValueError as exc:
        raise LendscopeError(
            f"`{feature.name}` must be a number; got {raw!r}. Leave it empty for missing."
        ) from exc
    if not math.isfinite(value):
        raise LendscopeError(f"`{feature.name}` must be a finite number; got {raw!r}.")
    return value


def result_cards(result: cache.WhatIf, original: cache.WhatIf | None, *,
                 per_row: int = 4) -> None:
    """PD, points and band of the (edited) applicant, with changes against the original."""
    changed = original is not None and abs(original.margin - result.margin) > 1e-12
    render_cards([
        Card("Probability of default", percent(result.pd, digits=2),
             "Calibrated probability of default within the loan's horizon.",
             delta=f"{(result.pd - original.pd) * 100:+.2f} pp" if changed else None,
             delta_color="inverse"),
        Card("Score (points)", f"{result.points:.0f}", "Higher is safer.",
             delta=f"{result.points - original.points:+.0f}" if changed else None),
        Card("Risk band", result.band, "Bands group scores, A best."),
        Card("Model margin", f"{result.margin:+.3f}",
             "Raw model output in log-odds: the average applicant's value plus the "
             "contributions below. Calibration maps it to the PD."),
    ], per_row=per_row)
    if not result.additive:
        st.warning("The contributions of this applicant do not add up to the model's score "
                   "within 0.001; do not rely on this explanation.", icon=":material/warning:")


def waterfalls(bundle: Any, applicant: pd.Series, result: cache.WhatIf) -> None:
    """The waterfall in probability or log-odds terms."""
    labels = [f"{name} = {_show(applicant.get(name))}" for name in result.contributions.index]
    contributions = pd.Series(result.contributions.to_numpy(), index=labels)
    scale = st.segmented_control("Show contributions as", ["probability", "log-odds"],
                                 default="probability", key="explain_scale") or "probability"
    st.plotly_chart(waterfall_figure(contributions, base_value=result.base_value, scale=scale,
                                     to_pd=bundle.pd_from_margin), key="explain_waterfall")


def _show(value: Any) -> str:
    if _missing(value):
        return "missing"
    if isinstance(value, float):
        return f"{value:,.4g}"
    return str(value)


def reasons(result: cache.WhatIf, cutoff: float) -> None:
    """The principal reasons, as plain text (values may come from uploaded data)."""
    if result.pd <= cutoff:
        st.success(f"Approved at the cut-off (PD at most {percent(cutoff)}): no adverse "
                   "reasons to give.", icon=":material/check_circle:")
        return
    st.markdown(f"**Principal reasons** (declined at PD above {percent(cutoff)})")
    st.text("\n".join(f"{i}. {text}" for i, text in enumerate(result.reasons, start=1))
            or "No single feature stands out against the approved applicants.")
    st.caption(escape_markdown(f"Compared with {result.reference}."))
