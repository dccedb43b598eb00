"""Streamlit-aware widgets and renderers, pure plotly figure builders, and all caching."""
