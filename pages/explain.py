"""Explain: which features drive risk, why one applicant scored as they did, and what-if."""

import streamlit as st

from components import cache, explain_view
from components.context import require_model, user_errors

model_id = require_model()
root = str(cache.settings().registry_dir)
st.title("Explain")

with user_errors():
    bundle = cache.open_bundle(model_id)
    st.subheader("What drives risk")
    explain_view.global_view(bundle)
    st.subheader("One applicant, and what if")
    cutoff = cache.default_cutoff(root, model_id)
    applicant = explain_view.pick_applicant(bundle, cutoff)
    original = cache.what_if(root, model_id, tuple(applicant.items()), cutoff)
    left, right = st.columns([2, 3])
    with left:
        edited = explain_view.editor(bundle, applicant)
    with right:
        result = cache.what_if(root, model_id, edited, cutoff)
        explain_view.result_cards(result, original, per_row=2)
        explain_view.reasons(result, cutoff)
        explain_view.waterfalls(bundle, applicant, result)
