"""Models: train on built-in data or your own labelled CSV, see the registry, promote a champion."""

import streamlit as st

from components import cache, models_view
from components.context import ensure_app_navigation, user_errors
from data.dataset import BUILTIN_DATASETS

ensure_app_navigation()
st.title("Models")
models_view.flash()
st.subheader("Train a model")
source = st.radio("Training data", ["builtin", "upload"], horizontal=True, key="models_source",
                  format_func=lambda v: "Built-in dataset" if v == "builtin"
                  else "My labelled CSV")
with user_errors(stop=False):
    if source == "builtin":
        name = st.selectbox("Dataset", BUILTIN_DATASETS, key="models_dataset")
        config = models_view.train_settings("builtin")
        if st.button("Train", type="primary", key="models_train_builtin"):
            dataset = cache.open_builtin_dataset(name)
            new_id = models_view.train_with_progress(dataset, config)
            if new_id:
                st.session_state["models_flash"] = f"Trained and registered {new_id}."
                st.rerun()
    else:
        models_view.upload_training()

st.subheader("Registry")
rows, champion = cache.model_listing(str(cache.settings().registry_dir), cache.registry_stamp())
if not rows:
    st.info("No model yet. Train one above, or run `make run`, which trains the default "
            "model on first use.", icon=":material/info:")
    st.stop()
models_view.registry_table(rows, champion)
with user_errors():
    models_view.model_actions(rows, champion)
