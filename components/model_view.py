"""Model renderers: metric cards, facts about a model, score-band and segment tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from components.cards import Card, render_cards
from components.format import count, decimal, percent


def facts(bundle: Any) -> dict[str, str]:
    """Plain facts about a model: algorithm, dataset, rows, trained when."""
    meta: Mapping[str, Any] = bundle.metadata or {}
    dataset = meta.get("dataset", {}) if isinstance(meta.get("dataset"), Mapping) else {}
    created = str(meta.get("created_utc", ""))[:16].replace("T", " ")
    return {
        "Model": bundle.model_id,
        "Algorithm": bundle.algorithm,
        "Dataset": f"{bundle.spec.title} ({bundle.spec.name})",
        "Rows": count(dataset.get("rows")),
        "Bad rate in data": percent(dataset.get("bad_rate")),
        "Held-out applicants": count(len(bundle.holdout)),
        "Features": count(len(bundle.spec.feature_names)),
        "Trained (UTC)": created or "—",
    }


def facts_table(bundle: Any) -> pd.DataFrame:
    """:func:`facts` as a two-column table (safe for user-named datasets)."""
    items = facts(bundle)
    return pd.DataFrame({"": list(items), "Value": list(items.values())})


def metric_cards(evaluation: Any, *, compare: Any = None) -> None:
    """Discrimination and calibration on the held-out applicants, with deltas to ``compare``."""

    def delta(name: str, digits: int = 3, scale: float = 1.0) -> str | None:
        if compare is None:
            return None
        diff = (getattr(evaluation, name) - getattr(compare, name)) * scale
        return f"{diff:+.{digits}f} vs other"

    render_cards([
        Card("AUC", decimal(evaluation.auc), "Chance a random bad is ranked riskier than a "
             "random good: 0.5 is a coin toss, 1.0 perfect.", delta=delta("auc")),
        Card("Gini", decimal(evaluation.gini), "2 x AUC - 1.", delta=delta("gini")),
        Card("KS", decimal(evaluation.ks), "Largest gap between the cumulative shares of bads "
             "and goods.", delta=delta("ks")),
        Card("Calibration error (ECE)", f"{evaluation.ece * 100:.2f} pp",
             "Average gap between predicted PD and observed bad rate, in percentage points.",
             delta=None if compare is None else f"{(evaluation.ece - compare.ece) * 100:+.2f} pp",
             delta_color="inverse"),
        Card("Brier score", decimal(evaluation.brier, digits=4), "Mean squared error of PD.",
             delta=delta("brier", 4), delta_color="inverse"),
        Card("PR-AUC", decimal(evaluation.pr_auc), "Area under precision-recall for bads.",
             delta=delta("pr_auc")),
    ], per_row=3)


def score_band_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The score-band table formatted for reading."""
    def points_range(low: float, high: float) -> str:
        if pd.isna(low):
            return f"below {high:.0f}"
        if pd.isna(high):
            return f"{low:.0f} and above"
        return f"{low:.0f} to {high:.0f}"

    return pd.DataFrame({
        "Band": frame["band"],
        "Points": [points_range(lo, hi) for lo, hi in zip(frame["points_min"],
                                                          frame["points_max"], strict=True)],
        "Applicants": [count(v) for v in frame["applicants"]],
        "Share": [percent(v) for v in frame["share"]],
        "Bad rate": [percent(v, digits=2) for v in frame["bad_rate"]],
        "Mean PD": [percent(v, digits=2) for v in frame["mean_pd"]],
        "Good:bad odds": [f"{v:.1f}:1" if v == v else "—" for v in frame["odds"]],
    })


def segment_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Per-segment metrics formatted for reading."""
    if frame.empty:
        return pd.DataFrame({"Note": ["The dataset names no segment column."]})
    return pd.DataFrame({
        "Column": frame["column"],
        "Segment": frame["segment"],
        "Applicants": [count(v) for v in frame["applicants"]],
        "Bad rate": [percent(v, digits=2) for v in frame["bad_rate"]],
        "Mean PD": [percent(v, digits=2) for v in frame["mean_pd"]],
        "AUC": [decimal(v) for v in frame["auc"]],
    })


def comparison_table(evaluations: Mapping[str, Any]) -> pd.DataFrame:
    """Key metrics of several models side by side."""
    rows = {
        "AUC": lambda e: decimal(e.auc),
        "Gini": lambda e: decimal(e.gini),
        "KS": lambda e: decimal(e.ks),
        "ECE (pp)": lambda e: f"{e.ece * 100:.2f}",
        "Brier": lambda e: decimal(e.brier, digits=4),
        "Log loss": lambda e: decimal(e.log_loss, digits=4),
        "PR-AUC": lambda e: decimal(e.pr_auc),
        "CV AUC": lambda e: f"{decimal(e.cv_auc_mean)} ± {decimal(e.cv_auc_std)}",
        "Held-out applicants": lambda e: count(e.n),
        "Bad rate": lambda e: percent(e.base_rate, digits=2),
    }
    return pd.DataFrame({name: {k: f(e) for k, f in rows.items()}
                         for name, e in evaluations.items()})


def show_table(frame: pd.DataFrame, *, index: bool = False) -> None:
    """A read-only table at full width (user text shown literally)."""
    st.dataframe(frame, hide_index=not index, width="stretch")
