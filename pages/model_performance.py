"""Model performance: how well the open model ranks and calibrates risk, and how it compares."""

import streamlit as st

from components import cache, model_view
from components.context import require_model, user_errors
from components.figures import performance as fig

model_id = require_model()
st.title("Model performance")
st.caption("Measured on the held-out applicants the model never saw during training.")

with user_errors():
    bundle = cache.open_bundle(model_id)
    evaluation = bundle.evaluation
    rows, _ = cache.model_listing(str(cache.settings().registry_dir), cache.registry_stamp())
    others = [row.model_id for row in rows if row.model_id != model_id]
    other_id = st.selectbox("Compare with", [None, *others], key="perf_compare",
                            format_func=lambda v: "No comparison" if v is None else v)
    other = cache.open_bundle(other_id) if other_id else None
    model_view.metric_cards(evaluation, compare=other.evaluation if other else None)
    models = {model_id: evaluation, **({other_id: other.evaluation} if other else {})}
    left, right = st.columns(2)
    left.plotly_chart(fig.roc_figure({k: e.roc for k, e in models.items()},
                                     {k: e.auc for k, e in models.items()}), key="perf_roc")
    right.plotly_chart(fig.pr_figure({k: e.pr for k, e in models.items()},
                                     {k: e.base_rate for k, e in models.items()}), key="perf_pr")
    left, right = st.columns(2)
    left.plotly_chart(fig.calibration_figure(evaluation.calibration, evaluation.ece),
                      key="perf_calibration")
    right.plotly_chart(fig.ks_figure(evaluation.ks_curve, evaluation.ks), key="perf_ks")
    left, right = st.columns(2)
    left.plotly_chart(fig.gains_figure(evaluation.gains), key="perf_gains")
    right.plotly_chart(fig.score_distribution_figure(
        bundle.holdout["points"].to_numpy(), bundle.holdout["outcome"].to_numpy()),
        key="perf_distribution")
    st.subheader("Score bands")
    model_view.show_table(model_view.score_band_table(evaluation.score_bands))
    st.subheader("By segment")
    model_view.show_table(model_view.segment_table(evaluation.segments))
    if other is not None:
        st.subheader("Side by side")
        model_view.show_table(model_view.comparison_table(models), index=True)
        left, right = st.columns(2)
        left.plotly_chart(fig.calibration_figure(other.evaluation.calibration,
                                                 other.evaluation.ece), key="perf_cal_other")
        right.plotly_chart(fig.gains_figure(other.evaluation.gains), key="perf_gains_other")
