"""Lending economics and policy evaluation on arrays (no streamlit)."""
