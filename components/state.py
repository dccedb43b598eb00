"""Choices that survive a page switch: widget values mirrored into explicit session keys.

Streamlit forgets a widget's value when its page is left. Each remembered widget uses the
key ``"_w_" + name``; its value is copied to ``name`` on every change and restored from there
when the page is shown again.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

WIDGET_PREFIX = "_w_"


def _copy(name: str) -> None:
    st.session_state[name] = st.session_state[WIDGET_PREFIX + name]


def remembered(name: str, default: Any) -> dict[str, Any]:
    """Keyword arguments (``key``, ``on_change``, ``args``) for a widget whose value persists.

    The widget starts at the remembered value, else ``default``; pass no ``value=``.
    """
    widget = WIDGET_PREFIX + name
    if name not in st.session_state:
        st.session_state[name] = default
    if widget not in st.session_state:
        st.session_state[widget] = st.session_state[name]
    return {"key": widget, "on_change": _copy, "args": (name,)}


def forget(name: str) -> None:
    """Drop a remembered choice (and its widget value) so the default applies again."""
    for key in (name, WIDGET_PREFIX + name):
        st.session_state.pop(key, None)
