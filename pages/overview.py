"""Placeholder page."""

import streamlit as st

from components.context import require_model

require_model()
st.title("overview")
