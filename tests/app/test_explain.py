"""The explain page: global views render and the what-if editor re-scores with the model."""

from __future__ import annotations

import numpy as np

from components.format import percent
from model.registry import Registry
from simulation.book import book_from_holdout
from simulation.curve import profit_curve
from simulation.economics import economics_from_spec
from tests.app.conftest import metrics, open_page


def _cutoff(bundle) -> float:
    curve = profit_curve(book_from_holdout(bundle.holdout, bundle.spec),
                         economics_from_spec(bundle.spec))
    return float(curve.cutoff[curve.optimal_index])


def _applicant(bundle, position=None):
    """The applicant the page opens on: the median-risk declined one of the sample."""
    sample = bundle.shap_sample
    if position is None:
        margin = sample["margin"].to_numpy()
        declined = np.flatnonzero(bundle.pd_from_margin(margin) > _cutoff(bundle))
        ordered = declined[np.argsort(margin[declined], kind="stable")]
        position = int(ordered[(ordered.size - 1) // 2])
    names = list(bundle.spec.feature_names)
    return sample[names].iloc[[position]].reset_index(drop=True)


def _edit(at, **values):
    """Type ``values`` (feature=text) into the what-if editor and rerun."""
    editor = at.data_editor[0]
    table = editor.value
    rows = {int(table.index[table["Feature"] == feature][0]): {"Value": text}
            for feature, text in values.items()}
    at.session_state[editor.key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    at.run()


def test_applicant_pd_equals_the_model(app_env):
    at = open_page("explain")
    bundle = Registry(app_env.registry_dir).load(app_env.model_id)
    expected = bundle.score(_applicant(bundle))
    shown = metrics(at)
    assert shown["Probability of default"] == percent(expected["pd"].iloc[0], digits=2)
    assert shown["Score (points)"] == f"{expected['points'].iloc[0]:.0f}"
    assert shown["Risk band"] == expected["band"].iloc[0]
    charts = [c.proto.spec for c in at.get("plotly_chart")]
    assert len(charts) == 4  # importance, beeswarm, dependence, waterfall
    assert at.text[0].value.startswith("1. ")  # opens on a declined applicant, with reasons


def test_what_if_edit_rescores_the_applicant(app_env):
    at = open_page("explain")
    bundle = Registry(app_env.registry_dir).load(app_env.model_id)
    applicant = _applicant(bundle)
    _edit(at, utility_on_time_ratio="0.05")
    assert not at.exception
    applicant.loc[0, "utility_on_time_ratio"] = 0.05
    expected = bundle.score(applicant)
    shown = metrics(at)
    assert shown["Probability of default"] == percent(expected["pd"].iloc[0], digits=2)
    assert at.metric[0].delta is not None


def test_what_if_rejects_text_in_a_numeric_feature(app_env):
    at = open_page("explain")
    _edit(at, years_operating="ten")
    assert not at.exception
    assert any("years\\_operating" in e.value and "must be a number" in e.value
               for e in at.error)


def test_reasons_are_the_engine_reasons_for_a_declined_applicant(app_env):
    from model.explain import explain
    from model.features import cast_features
    from model.reasons import reason_reference, top_reasons

    bundle = Registry(app_env.registry_dir).load(app_env.model_id)
    cutoff = _cutoff(bundle)
    applicant = _applicant(bundle)
    at = open_page("explain")
    _edit(at, utility_on_time_ratio="0.0", supplier_delay_days="60")
    applicant.loc[0, "utility_on_time_ratio"] = 0.0
    applicant.loc[0, "supplier_delay_days"] = 60.0
    assert bundle.predict_pd(applicant)[0] > cutoff
    expected = top_reasons(explain(bundle, applicant), cast_features(applicant, bundle.spec),
                           bundle.spec, reason_reference(bundle, cutoff))[0]
    shown = at.text[0].value.splitlines()
    assert shown == [f"{i}. {r.statement}" for i, r in enumerate(expected, start=1)]
    assert 1 <= len(shown) <= 4
