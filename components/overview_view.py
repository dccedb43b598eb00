"""Overview renderers: the story, the task links, the open model and the default policy."""

from __future__ import annotations

from typing import Any

import streamlit as st

from components import cache
from components.cards import Card, render_cards
from components.format import decimal, escape_markdown, money, percent
from simulation.curve import ProfitCurve
from simulation.policy import PolicyResult

TASKS = (
    ("pages/lending_simulator.py", "Explore cut-offs", ":material/tune:",
     "Move the approval cut-off and see approval rate, bad rate and profit change, with "
     "their uncertainty, against today's bureau-score rule."),
    ("pages/score_applicants.py", "Score a file", ":material/upload_file:",
     "Upload a CSV of applicants: the file is checked first, then every applicant gets a "
     "PD, a score, a band, a decision and the reasons behind it."),
    ("pages/explain.py", "Explain scores", ":material/psychology:",
     "Which features drive risk, how each one moves it, and a what-if editor for one "
     "applicant."),
    ("pages/models.py", "Train models", ":material/model_training:",
     "Train on a built-in dataset or your own labelled CSV, compare versions, promote the "
     "champion everyone uses."),
)


def intro() -> None:
    """What Lendscope is, in three sentences, and the four tasks with links."""
    st.title("Lendscope")
    st.markdown(
        "Many small businesses in Peru, and thin-file borrowers everywhere, are declined "
        "because they have **no credit-bureau history**, not because they are risky. "
        "Lendscope scores applicants with **alternative data** (digital payments, utility "
        "and phone bills paid on time, supplier payments, online reputation), explains "
        "every score in plain words, and shows **what each approval cut-off would have "
        "earned** on applicants whose outcomes are known."
    )
    for column, (page, label, icon, text) in zip(st.columns(len(TASKS)), TASKS, strict=True):
        with column.container(border=True):
            st.page_link(page, label=label, icon=icon)
            st.caption(text)


def model_summary(bundle: Any) -> None:
    """The open model at a glance: what it was trained on, and its held-out metrics."""
    evaluation = bundle.evaluation
    meta = bundle.metadata or {}
    created = str(meta.get("created_utc", ""))[:16].replace("T", " ")
    rows = (meta.get("dataset") or {}).get("rows")
    st.subheader("The open model")
    st.caption(escape_markdown(
        f"{bundle.model_id}: {bundle.algorithm} trained {created} UTC on "
        f"{bundle.spec.title} ({rows:,} applicants, {len(bundle.spec.feature_names)} "
        f"features); measured on {len(bundle.holdout):,} held-out applicants."
        if isinstance(rows, int) else f"{bundle.model_id}: {bundle.algorithm}"
    ))
    render_cards([
        Card("AUC", decimal(evaluation.auc),
             "Chance a random defaulter is ranked riskier than a random good payer."),
        Card("Gini", decimal(evaluation.gini), "2 x AUC - 1: 0 is random, 1 is perfect."),
        Card("KS", decimal(evaluation.ks), "Largest gap between bads and goods ranked by risk."),
        Card("Calibration error", f"{evaluation.ece * 100:.2f} pp",
             "Average gap between predicted PD and observed default rate."),
        Card("Default rate", percent(evaluation.base_rate, digits=1),
             "Share of held-out applicants who defaulted."),
    ], per_row=5)


def optimal_cutoff(curve: ProfitCurve) -> float:
    """The profit-optimal PD cut-off to 0.1 point, as the simulator's slider starts."""
    return round(float(curve.cutoff[curve.optimal_index]) * 100, 1) / 100


def default_policy(curve: ProfitCurve, baseline: PolicyResult, thin_file: Any) -> None:
    """KPI cards for the profit-optimal cut-off against the baseline rule."""
    best = curve.at(optimal_cutoff(curve))
    cur = best.currency
    st.subheader("What the model is worth, at the profit-optimal cut-off")
    st.caption(escape_markdown(
        f"Approving applicants whose PD is at most {percent(best.cutoff, digits=1)}, with the "
        f"dataset's default economics; compared with today's rule: {baseline.label}. Adjust "
        "both on the Lending simulator page."
    ))
    ours, theirs = _thin_file_rates(thin_file)
    render_cards([
        Card("Approval rate", percent(best.approval_rate),
             "Share of held-out applicants approved.",
             delta=f"{(best.approval_rate - baseline.approval_rate) * 100:+.1f} pp vs rule"),
        Card("Bad rate", percent(best.bad_rate, digits=2), "Defaults among approved loans.",
             delta=f"{(best.bad_rate - baseline.bad_rate) * 100:+.2f} pp vs rule",
             delta_color="inverse"),
        Card("Net profit", money(best.net_profit, cur),
             "Interest and fees minus funding, operating costs and credit losses.",
             delta=f"{money(best.net_profit - baseline.net_profit, cur)} vs rule"),
        Card("Thin-file approved", percent(ours, digits=0),
             "Share of applicants without a bureau score that the model's policy approves.",
             delta=None if ours != ours else f"{(ours - theirs) * 100:+.0f} pp vs rule"),
    ], per_row=4)


def _thin_file_rates(frame: Any) -> tuple[float, float]:
    if frame is None or frame.empty:
        return float("nan"), float("nan")
    ours = frame[frame["policy"] == "Your policy"].iloc[0]["approval_rate"]
    theirs = frame[frame["policy"] == "Baseline"].iloc[0]["approval_rate"]
    return float(ours), float(theirs)


def policy_at_optimum(root: str, model_id: str, economics: Any, curve: ProfitCurve) -> Any:
    """The comparison view at the curve's optimum (cached)."""
    from simulation.policy import CutoffPolicy

    return cache.policy_view(root, model_id, economics, CutoffPolicy(cutoff=optimal_cutoff(curve)))
