"""The shared sidebar: which model is open, and a picker to switch to another version."""

from __future__ import annotations

import streamlit as st

from components import cache
from components.context import MODEL_KEY, show_error
from components.format import decimal, escape_markdown
from data.errors import LendscopeError

PICKER_KEY = "_w_" + MODEL_KEY


def _label(row: cache.ModelRow, champion: str | None) -> str:
    star = " ★ champion" if row.model_id == champion else ""
    return f"{row.model_id}{star}"


def render_sidebar() -> None:
    """Model picker (champion first by default) and a one-line summary of the open model."""
    with st.sidebar:
        st.markdown("### Lendscope")
        st.caption("Credit-risk scoring, explanations and lending simulation.")
        try:
            rows, champion = cache.model_listing(str(cache.settings().registry_dir),
                                                 cache.registry_stamp())
        except LendscopeError as exc:
            show_error(exc)
            st.session_state[MODEL_KEY] = None
            return
        if not rows:
            st.session_state[MODEL_KEY] = None
            st.info("No model yet: train one on the **Models** page.", icon=":material/info:")
            return
        ids = [row.model_id for row in rows]
        by_id = {row.model_id: row for row in rows}
        wanted = st.session_state.get(MODEL_KEY)
        if wanted not in by_id:
            wanted = champion if champion in by_id else ids[0]
        if st.session_state.get(PICKER_KEY) not in by_id:
            st.session_state[PICKER_KEY] = wanted
        chosen = st.selectbox(
            "Open model", ids, key=PICKER_KEY,
            format_func=lambda model_id: _label(by_id[model_id], champion),
            help="Every page works on this model. The champion is the one the team promoted.",
        )
        st.session_state[MODEL_KEY] = chosen
        row = by_id[chosen]
        st.caption(escape_markdown(
            f"{row.algorithm} on {row.dataset} · test AUC {decimal(row.auc)} · "
            f"trained {row.created[:16].replace('T', ' ')}"
        ))
        if chosen != champion:
            st.caption("This is not the champion model.")
