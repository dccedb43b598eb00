"""Page plumbing shared by every page: readable engine errors and the open model."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from components.format import escape_markdown
from data.errors import LendscopeError

MODEL_KEY = "lendscope_model_id"
"""Session-state key holding the id of the model the user has open."""
NAVIGATION_KEY = "lendscope_navigation"
"""Session-state key set once the session has run through ``app.py``."""


def show_error(exc: BaseException) -> None:
    """Show an engine error as a readable message; its text is escaped, never rendered."""
    st.error(escape_markdown(str(exc)), icon=":material/error:")


@contextmanager
def user_errors(*, stop: bool = True) -> Iterator[None]:
    """Turn a ``LendscopeError`` raised inside the block into ``st.error``; stop the page after."""
    try:
        yield
    except LendscopeError as exc:
        show_error(exc)
        if stop:
            st.stop()


def no_model_message() -> None:
    """Tell the user there is no model yet and how to get one."""
    st.info(
        "No trained model yet. Open **Models** to train one on the built-in data or on "
        "your own labelled CSV, or run `make run` (it trains the default model on first use).",
        icon=":material/info:",
    )
    st.page_link("pages/models.py", label="Train a model", icon=":material/model_training:")


def ensure_app_navigation() -> None:
    """Make sure the page runs inside ``app.py``'s navigation (sidebar, settings, picker).

    Streamlit runs a ``pages/`` file on its own when a browser's very first request after a
    server start names that page, before ``app.py`` has called ``st.navigation``; the page
    would then miss the shared sidebar. In that case, switch to ``st.navigation`` mode (what
    ``app.py``'s first run does anyway) and rerun through ``app.py``.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if not st.session_state.get(NAVIGATION_KEY):
            st.session_state[NAVIGATION_KEY] = True
            st.rerun()


def mark_app_navigation() -> None:
    """Record that this session runs through ``app.py`` (called by ``app.py`` every run)."""
    st.session_state[NAVIGATION_KEY] = True


def open_model_id() -> str | None:
    """The id of the model chosen in the sidebar, or None when the registry is empty."""
    ensure_app_navigation()
    value = st.session_state.get(MODEL_KEY)
    return str(value) if value else None


def require_model() -> str:
    """The open model's id; with none, explain how to get one and stop the page."""
    model_id = open_model_id()
    if model_id is None:
        no_model_message()
        st.stop()
    return model_id
