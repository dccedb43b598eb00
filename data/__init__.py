"""Datasets: specs, loaders, the synthetic generator and input validation (no streamlit)."""
