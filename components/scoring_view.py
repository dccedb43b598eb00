"""Score page renderers: the gate's verdict, drift, the scored table, one applicant, downloads."""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from components import cache
from components.cards import Card, render_cards
from components.figures.scoring import drift_figure, score_shift_figure
from components.format import count, escape_markdown
from data.export import to_safe_csv_bytes

SOURCE_KEY = "score_source"


def choose_file(root: str, model_id: str) -> tuple[str, bytes] | None:
    """The uploader and the sample file; the chosen file's name and bytes, if any."""
    sample = cache.sample_csv(root, model_id)
    left, right = st.columns([3, 2])
    upload = left.file_uploader("Applicants CSV", type=["csv", "txt"], key="score_upload",
                                help="One row per applicant with the model's feature columns; "
                                     "extra columns are ignored.")
    with right:
        st.caption(f"No file at hand? Use up to {cache.SAMPLE_ROWS:,} held-out applicants.")
        st.download_button("Download the sample file", sample, file_name="sample_applicants.csv",
                           mime="text/csv", on_click="ignore", key="score_sample_download")
        if st.button("Score the sample file", key="score_use_sample"):
            st.session_state[SOURCE_KEY] = "sample"
    if upload is not None:
        st.session_state[SOURCE_KEY] = "upload"
        return upload.name, upload.getvalue()
    if st.session_state.get(SOURCE_KEY) == "sample":
        return "sample_applicants.csv", sample
    return None


def policy_inputs(default_cutoff: float) -> tuple[float, float | None, int]:
    """Decision cut-offs and the number of reasons; returns (approve PD, refer PD, reasons)."""
    c1, c2, c3 = st.columns(3)
    start = round(min(max(default_cutoff * 100, 0.1), 99.0), 1)
    approve = c1.number_input("Approve when PD is at most (%)", 0.1, 99.0, start, step=0.5,
                              key="score_approve", help="Defaults to the profit-optimal cut-off.")
    refer = c2.number_input("Refer to an analyst up to PD (%) (0 = no refer lane)", 0.0, 99.0,
                            0.0, step=0.5, key="score_refer")
    reasons = c3.slider("Reasons per declined applicant", 0, 4, 4, key="score_reasons")
    refer_pd = refer / 100.0 if refer > approve else None
    return approve / 100.0, refer_pd, int(reasons)


def verdict(batch: Any) -> None:
    """The gate's verdict first: refusal, errors per row, warnings, counts."""
    report = batch.ingest
    if report.refused:
        st.error("The file was refused; nothing was scored.", icon=":material/block:")
        for message in report.errors:
            st.error(escape_markdown(message))
        _columns(report)
        return
    scored = len(batch.applicants)
    if report.rows_rejected:
        st.warning(f"{report.rows_rejected:,} of {report.rows_read:,} rows failed a check and "
                   f"were not scored; the {scored:,} valid rows were scored. The failures "
                   "are listed below with their line, column and remedy.",
                   icon=":material/warning:")
    else:
        st.success(f"File accepted: all {report.rows_read:,} rows passed the checks.",
                   icon=":material/check_circle:")
    render_cards([
        Card("Rows read", count(report.rows_read)),
        Card("Scored", count(scored)),
        Card("Rejected", count(report.rows_rejected)),
        Card("Approved", count(batch.decisions.get("approve", 0))),
        Card("Referred", count(batch.decisions.get("refer", 0))),
        Card("Declined", count(batch.decisions.get("decline", 0))),
    ])
    if report.encoding_fallback or report.encoding:
        st.caption(escape_markdown(
            f"Read as {report.encoding}, delimiter {report.delimiter!r}, decimal mark "
            f"{report.decimal!r}."))
    for message in report.warnings:
        st.warning(escape_markdown(message), icon=":material/info:")
    _columns(report)


def _columns(report: Any) -> None:
    if report.missing_columns or report.extra_columns:
        rows = [(c, "missing", report.suggestions.get(c, "")) for c in report.missing_columns]
        rows += [(c, "ignored (not a model feature)", report.suggestions.get(c, ""))
                 for c in report.extra_columns]
        st.markdown("**Columns**")
        st.dataframe(pd.DataFrame(rows, columns=["Column", "Status", "Did you mean"]),
                     hide_index=True, width="stretch")


def failures(report: Any) -> None:
    """The failure table (row, column, value, check, message) and its formula-safe download."""
    if report.failures is None or report.failures.empty:
        return
    st.markdown(f"**Rows that failed a check** (first {len(report.failures):,})")
    st.dataframe(report.failures.rename(columns=str.capitalize), hide_index=True,
                 width="stretch", key="score_failures_table")
    st.download_button("Download the failure table (CSV)",
                       partial(to_safe_csv_bytes, report.failures),
                       file_name="failures.csv", mime="text/csv", on_click="ignore",
                       key="score_failures_download")


def drift(batch: Any) -> None:
    """Population stability per feature and for the score, against the training data."""
    report = batch.drift
    st.subheader("Drift against the training data")
    if report.verdict == "too_few_rows":
        st.info("Too few rows to measure drift reliably.", icon=":material/info:")
        return
    words = {"stable": "stable (PSI below 0.10)", "moderate": "moderate drift (0.10 to 0.25)",
             "significant": "significant drift (PSI above 0.25)"}
    moved = ", ".join(report.drifted_features[:5])
    text = f"Overall: {words.get(report.verdict, report.verdict)}."
    if moved:
        text += f" Most shifted: {moved}."
    (st.warning if report.verdict != "stable" else st.caption)(escape_markdown(text))
    left, right = st.columns(2)
    left.plotly_chart(drift_figure(report.to_frame()), key="score_drift_chart")
    if report.score is not None:
        right.plotly_chart(score_shift_figure(report.score), key="score_shift_chart")


def scored_table(batch: Any) -> pd.DataFrame:
    """The scored applicants with filters on decision, band and PD; the filtered rows."""
    frame = batch.applicants
    st.subheader("Scored applicants")
    c1, c2, c3 = st.columns(3)
    decisions = c1.multiselect("Decision", ["approve", "refer", "decline"],
                               default=["approve", "refer", "decline"], key="score_filter_decision")
    bands = sorted(frame["band"].astype(str).unique())
    chosen_bands = c2.multiselect("Band", bands, default=bands, key="score_filter_band")
    high = float(np.ceil(frame["pd"].max() * 100)) if len(frame) else 100.0
    pd_range = c3.slider("PD (%)", 0.0, max(high, 1.0), (0.0, max(high, 1.0)), step=0.5,
                         format="%.1f%%", key="score_filter_pd")
    keep = (frame["decision"].astype(str).isin(decisions)
            & frame["band"].astype(str).isin(chosen_bands)
            & frame["pd"].between(pd_range[0] / 100, pd_range[1] / 100))
    shown = frame[keep]
    st.caption(f"{len(shown):,} of {len(frame):,} applicants shown.")
    reason_columns = [c for c in frame.columns if c.startswith("reason_")]
    st.dataframe(
        shown.drop(columns=["explanation_ok"], errors="ignore"), hide_index=True,
        width="stretch", height=360, key="score_table",
        column_config={
            "line": st.column_config.NumberColumn("Line", format="%d"),
            "id": "Applicant",
            "pd": st.column_config.NumberColumn("PD", format="percent"),
            "points": st.column_config.NumberColumn("Score", format="%d"),
            "band": "Band", "decision": "Decision",
            **{c: st.column_config.TextColumn(f"Reason {c.split('_')[1]}", width="large")
               for c in reason_columns},
        },
    )
    return shown


def downloads(batch: Any, name: str) -> None:
    """Download of the scored file (formula-safe, with model and run ids), built on click."""
    stem = name.rsplit(".", 1)[0][:40] or "applicants"
    st.download_button("Download the scored file (CSV)", batch.to_csv_bytes,
                       file_name=f"{stem}_scored.csv", mime="text/csv", on_click="ignore",
                       type="primary", key="score_download")
    st.caption(escape_markdown(
        f"Model {batch.model_id} · run {batch.run_id} · {batch.scored_at} · "
        f"{batch.seconds:.1f} s · explanations: {batch.explanation_method or 'none needed'}"))


def pick_applicant(shown: pd.DataFrame) -> int | None:
    """Choose one scored applicant (riskiest first); their file line."""
    if shown.empty:
        return None
    ordered = shown.sort_values("pd", ascending=False).head(500)
    labels = {int(line): f"{ident} (line {int(line)}, PD {p:.1%}, {decision})"
              for line, ident, p, decision in zip(ordered["line"], ordered["id"], ordered["pd"],
                                                   ordered["decision"].astype(str), strict=True)}
    return st.selectbox("Explain one applicant", list(labels), key="score_pick",
                        format_func=lambda line: labels[line])


def applicant_values(report: Any, line: int, names: tuple[str, ...]) -> pd.Series | None:
    """The feature values on file line ``line`` of the typed upload."""
    position = np.flatnonzero(np.asarray(report.line_numbers) == line)
    if position.size == 0:
        return None
    return report.frame.iloc[int(position[0])][list(names)]
