"""Simulator widgets and renderers: the economics form, cut-off controls, KPI cards, tables."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from components import cache
from components.cards import Card, render_cards
from components.figures.simulation import (
    profit_curve_figure,
    replay_figure,
    scenarios_figure,
    tradeoff_figure,
)
from components.format import count, escape_markdown, money, percent
from components.state import remembered
from simulation.bootstrap import CurveBands
from simulation.curve import ProfitCurve
from simulation.economics import Economics
from simulation.errors import InfeasibleError
from simulation.policy import CutoffPolicy, Policy, PolicyResult, ReferPolicy

ECONOMICS_KEY = "sim_economics"


def _economics_key(dataset: str) -> str:
    return f"{ECONOMICS_KEY}::{dataset}"


def current_economics(dataset: str, preset: Economics) -> Economics:
    """The economics the user last applied for ``dataset``, else the dataset's preset."""
    return st.session_state.get(_economics_key(dataset), preset)


FORM_FIELDS = ("mode", "rate", "term", "lgd", "funding", "operating", "fee", "default_month",
               "units", "gain", "loss", "priced")


def _field(dataset: str, name: str) -> str:
    return f"econ_{name}::{dataset}"


def economics_form(dataset: str, preset: Economics, bands: tuple[str, ...]) -> Economics:
    """An expander with the lending assumptions; returns the economics in force."""
    current = current_economics(dataset, preset)
    cur = preset.currency
    fraction = current.simple_units == "fraction"
    key = lambda name: _field(dataset, name)  # noqa: E731
    with st.expander(f"Lending assumptions ({current.mode} mode, {cur})", expanded=False):
        with st.form(f"economics_form_{dataset}", border=False):
            mode = st.radio("Mode", ["loan", "simple"], horizontal=True, key=key("mode"),
                            index=0 if current.mode == "loan" else 1,
                            help="Loan: amortising loans with interest, funding cost and LGD. "
                                 "Simple: a fixed gain per good loan and loss per bad loan.")
            c1, c2, c3, c4 = st.columns(4)
            rate = c1.number_input("Annual interest rate (%)", 0.0, 500.0,
                                   round(current.annual_rate * 100, 2), step=1.0, key=key("rate"))
            term = c2.number_input("Term (months)", 1, 600, int(current.term_months), step=1,
                                   key=key("term"))
            lgd = c3.number_input("Loss given default (%)", 0.0, 100.0,
                                  round(current.lgd * 100, 2), step=5.0, key=key("lgd"))
            funding = c4.number_input("Funding cost (% a year)", 0.0, 500.0,
                                      round(current.annual_funding_cost * 100, 2), step=0.5,
                                      key=key("funding"))
            c5, c6, c7, c8 = st.columns(4)
            operating = c5.number_input(f"Operating cost per loan ({cur})", 0.0, 1e9,
                                        float(current.operating_cost_per_loan), step=10.0,
                                        key=key("operating"))
            fee = c6.number_input("Origination fee (% of amount)", 0.0, 100.0,
                                  round(current.origination_fee * 100, 2), step=0.5,
                                  key=key("fee"))
            default_month = c7.number_input(
                "Month a bad loan stops paying", 1, 600, int(current.months_to_default),
                step=1, key=key("default_month"))
            priced = c8.toggle("Price by risk band", value=bool(current.rate_by_band),
                               key=key("priced"),
                               help="An annual rate per risk band instead of one rate.")
            band_rates = dict(current.rate_by_band)
            chosen: list[tuple[str, float]] = []
            for column, band in zip(st.columns(max(len(bands), 1)), bands, strict=False):
                start = round(band_rates.get(band, current.annual_rate) * 100, 2)
                value = column.number_input(f"Band {band} rate (%)", 0.0, 500.0, start,
                                            step=1.0, key=key(f"band_{band}"))
                chosen.append((band, value / 100.0))
            s1, s2, s3 = st.columns(3)
            units = s1.radio("Simple mode: gains and losses in", ["fraction", "currency"],
                             index=0 if fraction else 1, horizontal=True, key=key("units"),
                             format_func=lambda v: "% of amount" if v == "fraction" else cur)
            scale = 100.0 if fraction else 1.0
            gain = s2.number_input("Simple mode: gain per good loan", 0.0, 1e9,
                                   float(current.gain_per_good or 0.0) * scale, step=1.0,
                                   key=key("gain"))
            loss = s3.number_input("Simple mode: loss per bad loan", 0.0, 1e9,
                                   float(current.loss_per_bad or 0.0) * scale, step=1.0,
                                   key=key("loss"))
            left, right = st.columns(2)
            applied = left.form_submit_button("Apply assumptions", type="primary")
            reset = right.form_submit_button("Reset to the dataset's preset")
    if reset:
        st.session_state.pop(_economics_key(dataset), None)
        for name in (*FORM_FIELDS, *(f"band_{band}" for band in bands)):
            st.session_state.pop(key(name), None)
        st.rerun()
    if applied:
        divisor = 100.0 if units == "fraction" else 1.0
        economics = preset.replace(
            mode=mode, annual_rate=rate / 100.0, term_months=int(term), lgd=lgd / 100.0,
            annual_funding_cost=funding / 100.0, operating_cost_per_loan=float(operating),
            origination_fee=fee / 100.0, default_month=min(int(default_month), int(term)),
            simple_units=units, gain_per_good=float(gain) / divisor,
            loss_per_bad=float(loss) / divisor, rate_by_band=tuple(chosen) if priced else (),
        )
        st.session_state[_economics_key(dataset)] = economics
        return economics
    return current


def cutoff_slider(on: str, *, low: float, high: float, default: float, model_id: str) -> float:
    """The cut-off slider (PD in percent, or points); returns the cut-off in engine units."""
    name = f"sim_cutoff::{model_id}::{on}"
    if on == "pd":
        lo, hi = round(low * 100, 1), round(high * 100, 1)
        start = min(max(round(default * 100, 1), lo), hi)
        _clamp(name, lo, hi, start)
        value = st.slider("Cut-off: approve applicants whose PD is at most (%)", lo, hi,
                          step=0.1, format="%.1f%%", **remembered(name, start))
        return float(value) / 100.0
    lo, hi = math.floor(low), math.ceil(high)
    start = int(min(max(round(default), lo), hi))
    _clamp(name, lo, hi, start)
    value = st.slider("Cut-off: approve applicants scoring at least (points)", lo, hi, step=1,
                      **remembered(name, start))
    return float(value)


def _clamp(name: str, low: float, high: float, default: float) -> None:
    for key in (name, "_w_" + name):
        value = st.session_state.get(key)
        if value is not None and not low <= value <= high:
            st.session_state[key] = default


def kpi_cards(result: PolicyResult, baseline: PolicyResult,
              band: dict[str, float] | None) -> None:
    """The policy's KPIs, with the change against the baseline as deltas."""
    cur = result.currency
    profit_help = "Interest and fees minus funding, operating and credit losses."
    if band is not None:
        profit_help += (f" 5%-95% bootstrap band: {money(band['profit_low'], cur)} to "
                        f"{money(band['profit_high'], cur)}.")
    pp = (result.approval_rate - baseline.approval_rate) * 100
    bad_pp = (result.bad_rate - baseline.bad_rate) * 100
    render_cards([
        Card("Approval rate", percent(result.approval_rate),
             f"Share of the {count(result.n_applicants)} held-out applicants approved.",
             delta=f"{pp:+.1f} pp vs baseline"),
        Card("Bad rate", percent(result.bad_rate, digits=2),
             "Share of approved loans that defaulted (observed outcomes).",
             delta=None if math.isnan(bad_pp) else f"{bad_pp:+.2f} pp vs baseline",
             delta_color="inverse"),
        Card("Volume lent", money(result.volume, cur), "Sum of approved loan amounts."),
        Card("Net profit", money(result.net_profit, cur), profit_help,
             delta=f"{money(result.net_profit - baseline.net_profit, cur)} vs baseline"),
        Card("Return on volume", percent(result.return_on_volume),
             "Net profit divided by the volume lent."),
        Card("Expected loss", money(result.expected_loss, cur),
             "What the model predicted: PD x LGD x exposure over approved loans."),
        Card("Realised loss", money(result.credit_loss, cur),
             "What the observed defaults among approved loans actually cost."),
    ], per_row=4)


def results_table(rows: dict[str, PolicyResult]) -> pd.DataFrame:
    """Side-by-side table of several policies' results, formatted for reading."""
    frame = pd.DataFrame({
        name: {
            "Approved": count(r.n_approved),
            "Referred": count(r.n_referred),
            "Approval rate": percent(r.approval_rate),
            "Bad rate": percent(r.bad_rate, digits=2),
            "Volume lent": money(r.volume, r.currency),
            "Interest and fees": money(r.interest_income + r.fee_income, r.currency),
            "Funding cost": money(r.funding_cost, r.currency),
            "Operating and review cost": money(r.operating_cost + r.review_cost, r.currency),
            "Credit loss": money(r.credit_loss, r.currency),
            "Net profit": money(r.net_profit, r.currency),
        }
        for name, r in rows.items()
    })
    return frame


SWAP_NAMES = {
    "kept_approvals": "Approved by both",
    "swap_ins": "Swap-ins (only yours)",
    "swap_outs": "Swap-outs (only baseline)",
    "kept_declines": "Declined by both",
}


def swap_table(frame: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The swap set with readable names and formatted money."""
    out = pd.DataFrame({
        "Group": [SWAP_NAMES.get(c, c) for c in frame["cell"]],
        "Applicants": [count(v) for v in frame["count"]],
        "Bad rate": [percent(v, digits=2) for v in frame["bad_rate"]],
        "Profit": [money(v, currency) for v in frame["profit"]],
    })
    return out


def inclusion_table(frame: pd.DataFrame, currency: str) -> pd.DataFrame:
    """How each policy treats the inclusion group (e.g. applicants without a bureau score)."""
    return pd.DataFrame({
        "Policy": frame["policy"],
        "Group": frame["group"],
        "Applicants in group": [count(v) for v in frame["n_group"]],
        "Approved": [count(v) for v in frame["n_approved"]],
        "Approval rate": [percent(v) for v in frame["approval_rate"]],
        "Bad rate": [percent(v, digits=2) for v in frame["bad_rate"]],
        "Net profit": [money(v, currency, compact=False) for v in frame["net_profit"]],
    })


def fairness_table(frame: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The segment and fairness screen, one row per group."""
    if frame.empty:
        return pd.DataFrame({"Note": ["The dataset names no segment or protected column."]})
    flags = []
    for _, row in frame.iterrows():
        notes = []
        if row.get("reference"):
            notes.append("reference group")
        if row.get("flagged"):
            notes.append("AIR below 0.80" + (" (significant)" if row.get("significant") else ""))
        if row.get("small_group"):
            notes.append("small group")
        flags.append(", ".join(notes))
    return pd.DataFrame({
        "Column": [f"{c} (protected)" if k == "protected" else c
                   for c, k in zip(frame["column"], frame["kind"], strict=True)],
        "Group": frame["group"],
        "Applicants": [count(v) for v in frame["n"]],
        "Approval rate": [percent(v) for v in frame["approval_rate"]],
        "Bad rate": [percent(v, digits=2) for v in frame["bad_rate"]],
        "Net profit": [money(v, currency) for v in frame["net_profit"]],
        "AIR": [f"{v:.2f}" if v == v else "—" for v in frame["air"]],
        "p-value": [("<0.001" if v < 0.001 else f"{v:.3f}") if v == v else "—"
                    for v in frame["p_value"]],
        "Screen": flags,
    })


def scenarios_table(frame: pd.DataFrame, currency: str) -> pd.DataFrame:
    """Stress scenarios side by side, formatted."""
    return pd.DataFrame({
        "Scenario": frame["scenario"],
        "Approval rate": [percent(v) for v in frame["approval_rate"]],
        "Bad rate": [percent(v, digits=2) for v in frame["bad_rate"]],
        "Net profit": [money(v, currency, compact=False) for v in frame["net_profit"]],
        "Return on volume": [percent(v) for v in frame["return_on_volume"]],
        "Best cut-off if known": [percent(v) for v in frame["optimal_cutoff"]],
        "Profit there": [money(v, currency, compact=False)
                                   for v in frame["optimal_profit"]],
    })


# ------------------------------------------------------------------ page sections


@dataclass(frozen=True)
class Controls:
    """What the user chose above the slider: the cut-off axis, constraints, the refer lane."""

    on: str
    min_approval: float | None
    max_bad_rate: float | None
    refer: bool


def band_labels(bundle: Any) -> tuple[str, ...]:
    """Risk band labels of the model's score scale, best first."""
    scale = getattr(bundle, "scale", None)
    labels = getattr(scale, "labels", None)
    return tuple(labels) if labels else ("A", "B", "C", "D", "E")


def controls(dataset: str) -> Controls:
    """The axis radio, the optimisation constraints and the refer-lane toggle."""
    c1, c2, c3, c4 = st.columns([1.2, 1, 1, 1])
    on = c1.radio("Cut-off on", ["pd", "points"], horizontal=True,
                  format_func=lambda v: "PD" if v == "pd" else "Score points",
                  **remembered(f"sim_on::{dataset}", "pd"))
    min_approval = c2.number_input("Constraint: minimum approval rate (%)", 0.0, 100.0,
                                   step=5.0, **remembered(f"sim_min_approval::{dataset}", 0.0))
    max_bad = c3.number_input("Constraint: maximum bad rate (%)", 0.0, 100.0, step=0.5,
                              **remembered(f"sim_max_bad::{dataset}", 100.0))
    refer = c4.toggle("Refer lane", help="Two cut-offs: applicants between them go to "
                      "manual review.", **remembered(f"sim_refer::{dataset}", False))
    return Controls(
        on=str(on),
        min_approval=min_approval / 100.0 if min_approval > 0 else None,
        max_bad_rate=max_bad / 100.0 if max_bad < 100 else None,
        refer=bool(refer),
    )


def optimum_marks(curve: ProfitCurve, chosen: Controls) -> dict[str, float | None]:
    """The profit-optimal cut-off and the optimum under the constraints (None if infeasible)."""
    best = curve.optimal_index
    marks: dict[str, float | None] = {"Optimum": float(curve.cutoff[best]) if best > 0 else None}
    if chosen.min_approval is not None or chosen.max_bad_rate is not None:
        try:
            i = curve.optimum_index(min_approval_rate=chosen.min_approval,
                                    max_bad_rate=chosen.max_bad_rate)
            marks["Constrained optimum"] = float(curve.cutoff[i]) if i > 0 else None
        except InfeasibleError as exc:
            st.warning(escape_markdown(str(exc)), icon=":material/warning:")
            marks["Constrained optimum"] = None
    return marks


def _range(curve: ProfitCurve) -> tuple[float, float]:
    finite = curve.cutoff[np.isfinite(curve.cutoff)]
    return float(finite.min()), float(finite.max())


def policy_controls(curve: ProfitCurve, chosen: Controls, marks: dict[str, float | None],
                    model_id: str) -> Policy:
    """The cut-off slider (and the refer lane's inputs); returns the policy in force."""
    low, high = _range(curve)
    if chosen.on == "pd":
        low = 0.0
    target = marks.get("Constrained optimum") or marks.get("Optimum")
    if target is None:
        target = curve.break_even_pd if chosen.on == "pd" else high
    cutoff = cutoff_slider(chosen.on, low=low, high=high, default=target, model_id=model_id)
    if not chosen.refer:
        return CutoffPolicy(cutoff=cutoff, on=chosen.on)  # type: ignore[arg-type]
    c1, c2, c3, c4 = st.columns(4)
    if chosen.on == "pd":
        start = round(min(cutoff * 100 + 5, 100), 1)
        second = c1.number_input("Decline above PD (%)", 0.0, 100.0, step=0.5,
                                 **remembered(f"sim_decline::{model_id}", start))
        decline = max(second / 100.0, cutoff)
    else:
        second = c1.number_input("Decline below (points)", 0.0, 2000.0, step=5.0,
                                 **remembered(f"sim_decline_pts::{model_id}", float(cutoff - 20)))
        decline = min(float(second), cutoff)
    capacity = c2.number_input("Review capacity (applications, 0 = no limit)", 0, 10_000_000,
                               step=50, **remembered("sim_capacity", 0))
    cost = c3.number_input("Cost per review", 0.0, 1e6, step=10.0,
                           **remembered("sim_review_cost", 50.0))
    accuracy = c4.slider("Reviewer catches bads (%)", 0, 100, step=5,
                         **remembered("sim_accuracy_bad", 70))
    return ReferPolicy(approve_cutoff=cutoff, decline_cutoff=decline, on=chosen.on,  # type: ignore[arg-type]
                       review_capacity=int(capacity) or None, cost_per_review=float(cost),
                       accuracy_bad=accuracy / 100.0)


def headline_result(root: str, model_id: str, economics: Economics, curve: ProfitCurve,
                    policy: Policy) -> PolicyResult:
    """The policy's result: a curve lookup for one cut-off, an evaluation for the refer lane."""
    if isinstance(policy, CutoffPolicy):
        return curve.at(policy.cutoff)
    return cache.refer_result(root, model_id, economics, policy)


def band_at(bands: CurveBands, curve: ProfitCurve, policy: Policy) -> dict[str, float] | None:
    """Bootstrap bands at a single cut-off (None for the refer lane)."""
    if isinstance(policy, CutoffPolicy):
        return bands.at(curve, policy.cutoff)
    return None


def curve_charts(table: pd.DataFrame, on: str, currency: str, marks: dict[str, float | None],
                 policy: Policy, result: PolicyResult, baseline: PolicyResult) -> None:
    """Profit curve with its band next to the approval/bad-rate trade-off."""
    cut = policy.cutoff if isinstance(policy, CutoffPolicy) else policy.approve_cutoff
    left, right = st.columns(2)
    left.plotly_chart(
        profit_curve_figure(table, on=on, currency=currency, marks={"Your cut-off": cut, **marks}),
        width="stretch", key="sim_profit_chart")
    right.plotly_chart(
        tradeoff_figure(table, points={
            "Your policy": (result.approval_rate, result.bad_rate),
            "Baseline (today's rule)": (baseline.approval_rate, baseline.bad_rate),
        }),
        width="stretch", key="sim_tradeoff_chart")


def comparison(view: cache.PolicyView, currency: str) -> None:
    """Policy against baseline, the swap set, the inclusion view and the fairness screen."""
    st.subheader("Against today's policy")
    st.caption(f"Baseline: {escape_markdown(view.baseline.label)}")
    left, right = st.columns(2)
    left.dataframe(results_table({"Your policy": view.result, "Baseline": view.baseline}),
                   width="stretch")
    right.dataframe(swap_table(view.swap, currency), hide_index=True, width="stretch")
    st.markdown(f"**Inclusion: {escape_markdown(view.thin_file_label)}**")
    st.dataframe(inclusion_table(view.inclusion, currency), hide_index=True, width="stretch")
    st.subheader("Segments and fairness screen")
    st.caption("AIR, the adverse impact ratio: a group's approval rate divided by the reference "
               "group's. The 0.80 threshold comes from US employment rules and is only a "
               "screening signal in lending; p-values are from Fisher's exact test.")
    st.dataframe(fairness_table(view.fairness, currency), hide_index=True, width="stretch",
                 column_config={"Screen": st.column_config.TextColumn(width="medium")})


def stress(frame: pd.DataFrame, currency: str) -> None:
    """Stress scenarios side by side for the same policy."""
    st.subheader("Stress scenarios")
    st.caption("The same policy when defaults, recoveries or funding costs turn out worse "
               "than assumed; the last columns give the best cut-off had each been known.")
    st.dataframe(scenarios_table(frame, currency), hide_index=True, width="stretch")
    st.plotly_chart(
        scenarios_figure(list(zip(frame["scenario"], frame["net_profit"], frame["bad_rate"],
                                  strict=True)), currency=currency),
        width="stretch", key="sim_scenarios_chart")


def replay(view: cache.PolicyView, currency: str) -> None:
    """The animated replay of the lending book."""
    st.subheader("Replay of the lending book")
    st.caption("Applicants in application-date order; press Play to watch cumulative profit "
               "build up under your policy and the baseline.")
    if not st.toggle("Show the replay", key="sim_show_replay",
                     help="Builds the animation for the current cut-off."):
        return
    st.plotly_chart(replay_figure(view.replay, currency=currency), width="stretch",
                    key="sim_replay_chart")


def downloads(root: str, model_id: str, economics: Economics, policy: Policy) -> None:
    """Download buttons for the strategy JSON and the memo (built when asked)."""
    st.subheader("Save this strategy")
    if not st.toggle("Prepare the strategy file and memo", key="sim_prepare_downloads"):
        return
    strategy, memo_md, memo_html = cache.memo(root, model_id, economics, policy)
    c1, c2, c3 = st.columns(3)
    c1.download_button("Strategy (JSON)", strategy, file_name=f"strategy_{model_id}.json",
                       mime="application/json", on_click="ignore")
    c2.download_button("Memo (Markdown)", memo_md, file_name=f"memo_{model_id}.md",
                       mime="text/markdown", on_click="ignore")
    c3.download_button("Memo (HTML)", memo_html, file_name=f"memo_{model_id}.html",
                       mime="text/html", on_click="ignore")
    with st.expander("Preview the strategy file"):
        st.code(strategy, language="json")
