"""Training, evaluation, registry, scoring and explanations (no streamlit)."""
