"""Models page widgets: training form with live progress, the registry table, promotion."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from components import cache
from components.context import MODEL_KEY, show_error
from components.format import decimal
from data.errors import LendscopeError

ALGORITHMS = ("xgboost", "lightgbm", "logistic", "auto")


def train_settings(key: str) -> Any:
    """Algorithm and tuning budget; returns a ``TrainConfig``."""
    from model.train import TrainConfig

    c1, c2 = st.columns(2)
    algorithm = c1.selectbox("Algorithm", ALGORITHMS, key=f"{key}_algorithm",
                             help="auto compares the three by cross-validated AUC.")
    trials = c2.number_input("Tuning trials (0 = default parameters, fastest)", 0, 200, 0,
                             step=5, key=f"{key}_trials")
    return TrainConfig(algorithm=algorithm, tune_trials=int(trials))


def train_with_progress(dataset: Any, config: Any) -> str | None:
    """Train with a live progress bar, save to the registry; the new id (None on error)."""
    from model.train import train_model

    bar = st.progress(0.0, text="Starting")

    def report(fraction: float, message: str) -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=message)

    try:
        bundle = train_model(dataset, config, progress=report)
        cache.registry().save(bundle)
    except LendscopeError as exc:
        bar.empty()
        show_error(exc)
        return None
    bar.progress(1.0, text="Done")
    return str(bundle.model_id)


def registry_table(rows: list[cache.ModelRow], champion: str | None) -> None:
    """Every registered model with its test AUC and integrity status."""
    st.dataframe(pd.DataFrame({
        "Model": [r.model_id for r in rows],
        "Champion": ["★" if r.model_id == champion else "" for r in rows],
        "Dataset": [r.dataset for r in rows],
        "Algorithm": [r.algorithm for r in rows],
        "Trained (UTC)": [r.created[:16].replace("T", " ") for r in rows],
        "Test AUC": [decimal(r.auc) for r in rows],
        "Files verified": ["yes" if r.verified else "NO: hashes do not match" for r in rows],
    }), hide_index=True, width="stretch")


def model_actions(rows: list[cache.ModelRow], champion: str | None) -> None:
    """Pick a model: open it, verify it, promote it, read its model card."""
    ids = [r.model_id for r in rows]
    current = st.session_state.get(MODEL_KEY)
    chosen = st.selectbox("Model", ids, index=ids.index(current) if current in ids else 0,
                          key="models_selected")
    c1, c2, c3 = st.columns(3)
    if c1.button("Open in every page", key="models_open", width="stretch"):
        st.session_state[MODEL_KEY] = chosen
        st.session_state["_w_" + MODEL_KEY] = chosen
        st.rerun()
    if c2.button("Verify files", key="models_verify", width="stretch"):
        result = cache.registry().verify(chosen)
        if result.ok:
            st.success(f"All {len(result.files_checked)} files match their recorded sha256.",
                       icon=":material/verified:")
        else:
            for problem in result.problems:
                show_error(LendscopeError(problem))
    if c3.button("Promote to champion", key="models_promote", type="primary",
                 disabled=chosen == champion, width="stretch"):
        try:
            cache.registry().promote(chosen)
        except LendscopeError as exc:
            show_error(exc)
        else:
            st.session_state["models_flash"] = f"Promoted {chosen} to champion."
            st.rerun()
    with st.expander("Model card", expanded=False):
        card = cache.model_card(str(cache.settings().registry_dir), chosen)
        st.download_button("Download MODEL_CARD.md", card, file_name=f"MODEL_CARD_{chosen}.md",
                           mime="text/markdown", on_click="ignore", key="models_card_download")
        st.code(card, language="markdown", wrap_lines=True)


def flash() -> None:
    """Show (once) the message left by the last action."""
    message = st.session_state.pop("models_flash", None)
    if message:
        st.success(message, icon=":material/check_circle:")
