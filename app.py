"""Lendscope entry point: page setup, the shared model picker in the sidebar, and navigation."""

import streamlit as st

from components.cache import limit_blas_threads
from components.context import mark_app_navigation
from components.sidebar import render_sidebar

st.set_page_config(
    page_title="Lendscope",
    page_icon=":material/account_balance:",
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/home:", default=True),
    st.Page("pages/score_applicants.py", title="Score applicants", icon=":material/upload_file:"),
    st.Page("pages/explain.py", title="Explain", icon=":material/psychology:"),
    st.Page("pages/lending_simulator.py", title="Lending simulator", icon=":material/tune:"),
    st.Page("pages/model_performance.py", title="Model performance", icon=":material/monitoring:"),
    st.Page("pages/models.py", title="Models", icon=":material/model_training:"),
]

limit_blas_threads()
mark_app_navigation()
navigation = st.navigation(PAGES)
render_sidebar()
navigation.run()
