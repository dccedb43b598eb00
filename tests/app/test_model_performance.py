"""The model performance page shows the stored evaluation of the open model."""

from __future__ import annotations

from components.format import decimal
from model.registry import Registry
from tests.app.conftest import metrics, open_page
from tests.app.small_model import train_small


def test_cards_equal_the_stored_evaluation(app_env):
    at = open_page("model_performance")
    evaluation = Registry(app_env.registry_dir).load(app_env.model_id).evaluation
    shown = metrics(at)
    assert shown["AUC"] == decimal(evaluation.auc)
    assert shown["Gini"] == decimal(evaluation.gini)
    assert shown["KS"] == decimal(evaluation.ks)
    assert shown["Calibration error (ECE)"] == f"{evaluation.ece * 100:.2f} pp"
    titles = [t.proto.spec for t in at.get("plotly_chart")]
    assert len(titles) == 6
    for spec in titles:
        assert '"title"' in spec and '"xaxis"' in spec
    bands = at.dataframe[0].value
    assert list(bands["Band"]) == list(evaluation.score_bands["band"])


def test_compare_two_versions_side_by_side(app_env):
    registry = Registry(app_env.registry_dir)
    other_id = next((i for i in registry.ids() if i != app_env.model_id), None)
    if other_id is None:
        other_id = train_small(app_env.registry_dir, seed=1, promote=False)
    at = open_page("model_performance")
    at.selectbox(key="perf_compare").set_value(other_id).run()
    assert not at.exception
    this = registry.load(app_env.model_id).evaluation
    other = registry.load(other_id).evaluation
    assert metrics(at)["AUC"] == decimal(this.auc)
    auc_card = next(m for m in at.metric if m.label == "AUC")
    assert auc_card.delta == f"{this.auc - other.auc:+.3f} vs other"
    table = next(d.value for d in at.dataframe if app_env.model_id in d.value.columns)
    assert table.loc["AUC", other_id] == decimal(other.auc)
    roc = next(c.proto.spec for c in at.get("plotly_chart") if "ROC curve" in c.proto.spec)
    assert app_env.model_id in roc and other_id in roc
