"""Lending simulator: move the approval cut-off and see approval, bad rate and profit change."""

import streamlit as st

from components import cache, simulator_view
from components.context import require_model, user_errors
from simulation.economics import economics_from_spec

model_id = require_model()
root = str(cache.settings().registry_dir)
st.title("Lending simulator")
st.caption("Replays the model's held-out applicants, whose outcomes are known, through an "
           "approval policy and counts the money: interest and fees earned, funding and "
           "operating costs, and losses on loans that defaulted.")

with user_errors():
    bundle = cache.open_bundle(model_id)
    economics = simulator_view.economics_form(
        bundle.spec.name, economics_from_spec(bundle.spec), simulator_view.band_labels(bundle)
    )
    controls = simulator_view.controls(bundle.spec.name)
    curve = cache.curve(root, model_id, economics, controls.on)
    bands = cache.bands(root, model_id, economics, controls.on)
    marks = simulator_view.optimum_marks(curve, controls)
    policy = simulator_view.policy_controls(curve, controls, marks, model_id)
    result = simulator_view.headline_result(root, model_id, economics, curve, policy)
    baseline = cache.baseline_result(root, model_id, economics)
    simulator_view.kpi_cards(result, baseline, simulator_view.band_at(bands, curve, policy))
    simulator_view.curve_charts(cache.curve_table(root, model_id, economics, controls.on),
                                controls.on, economics.currency, marks, policy, result, baseline)
    view = cache.policy_view(root, model_id, economics, policy)
    simulator_view.comparison(view, economics.currency)
    simulator_view.stress(cache.scenarios(root, model_id, economics, policy), economics.currency)
    simulator_view.replay(view, economics.currency)
    simulator_view.downloads(root, model_id, economics, policy)
