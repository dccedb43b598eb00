"""Pure plotly figure builders: ``(result) -> plotly.graph_objects.Figure``, no streamlit."""
