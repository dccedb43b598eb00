"""Lendscope entry point: page config and navigation."""

import streamlit as st

st.set_page_config(page_title="Lendscope", layout="wide")
st.title("Lendscope")
st.write("Credit-risk scoring, explanations and lending simulation.")
