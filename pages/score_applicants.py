"""Score applicants: upload a CSV, see the file's verdict and drift, then scores and reasons."""

import streamlit as st

from components import cache, explain_view, scoring_view
from components.context import require_model, user_errors
from model.scoring import DecisionPolicy

model_id = require_model()
root = str(cache.settings().registry_dir)
st.title("Score applicants")

with user_errors():
    bundle = cache.open_bundle(model_id)
    chosen = scoring_view.choose_file(root, model_id)
    approve, refer, reasons = scoring_view.policy_inputs(cache.default_cutoff(root, model_id))
    if chosen is None:
        st.info("Upload a CSV of applicants, or score the sample file.", icon=":material/info:")
        st.stop()
    name, data = chosen
    digest = cache.sha256(data)
    policy = DecisionPolicy(approve_max_pd=approve, refer_max_pd=refer)
    bar = st.progress(0.0, text="Checking and scoring the file")
    batch = cache.scored_upload(root, model_id, digest, policy, reasons, data,
                                _progress=lambda f: bar.progress(min(f, 1.0)))
    bar.empty()
    scoring_view.verdict(batch)
    scoring_view.failures(batch.ingest)
    if batch.ingest.refused:
        st.stop()
    scoring_view.downloads(batch, name)
    scoring_view.drift(batch)
    shown = scoring_view.scored_table(batch)
    line = scoring_view.pick_applicant(shown)
    values = scoring_view.applicant_values(cache.upload_features(root, model_id, digest, data),
                                           line, bundle.spec.feature_names) if line else None
    if values is not None:
        result = cache.what_if(root, model_id, tuple(values.items()), approve)
        explain_view.result_cards(result, None)
        explain_view.reasons(result, approve)
        explain_view.waterfalls(bundle, values, result)
