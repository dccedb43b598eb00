"""The model performance page shows the stored evaluation of the open model."""

from __future__ import annotations

from components.format import decimal
from model.registry import Registry
from tests.app.conftest import metrics, open_page


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
