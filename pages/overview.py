"""Overview: what Lendscope is, how to use it, and the open model and its default policy."""

import streamlit as st

from components import cache, overview_view
from components.context import no_model_message, open_model_id, user_errors
from simulation.economics import economics_from_spec

overview_view.intro()
model_id = open_model_id()
if model_id is None:
    no_model_message()
    st.stop()

with user_errors():
    root = str(cache.settings().registry_dir)
    bundle = cache.open_bundle(model_id)
    overview_view.model_summary(bundle)
    economics = economics_from_spec(bundle.spec)
    curve = cache.curve(root, model_id, economics, "pd")
    view = overview_view.policy_at_optimum(root, model_id, economics, curve)
    overview_view.default_policy(curve, cache.baseline_result(root, model_id, economics),
                                 view.inclusion)
