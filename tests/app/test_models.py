"""The models page: the registry, training on an uploaded CSV, promotion, the model card."""

from __future__ import annotations

import io

import pytest

from data.synthetic import generate_sme
from model.registry import Registry
from tests.app.conftest import open_page

COLUMNS = ["application_id", "sector", "years_operating", "utility_on_time_ratio",
           "supplier_delay_days", "wallet_inflow_pen", "owner_gender", "loan_amount_pen",
           "default_12m"]


def labelled_csv(rows: int = 800, seed: int = 3) -> bytes:
    """A labelled CSV as a user would export it (a protected column included)."""
    frame = generate_sme(rows, random_state=seed)[COLUMNS]
    buffer = io.StringIO()
    frame.rename(columns={"default_12m": "defaulted"}).to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


def test_registry_lists_the_champion(app_env):
    at = open_page("models")
    table = at.dataframe[0].value
    assert app_env.model_id in list(table["Model"])
    row = table[table["Model"] == app_env.model_id].iloc[0]
    assert row["Champion"] == "★"
    assert row["Files verified"] == "yes"
    assert "Model card" in at.code[0].value


@pytest.mark.slow
def test_train_on_an_uploaded_csv_then_promote(app_env):
    at = open_page("models")
    at.radio(key="models_source").set_value("upload").run()
    at.file_uploader(key="models_upload").set_value(("loans.csv", labelled_csv(), "text/csv"))
    at.run()
    assert not at.exception
    assert at.selectbox(key="models_target").value == "defaulted"
    roles = at.dataframe[0].value
    assert roles.set_index("Column").loc["owner_gender", "Role"] == "protected"
    assert roles.set_index("Column").loc["defaulted", "Role"] == "target"
    at.selectbox(key="upload_algorithm").set_value("logistic")
    at.checkbox(key="models_confirm").check().run()
    at.button(key="models_train_upload").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    registry = Registry(app_env.registry_dir)
    new_ids = [i for i in registry.ids() if i != app_env.model_id and i.startswith("loans-")]
    assert len(new_ids) == 1
    assert any(new_ids[0] in s.value for s in at.success)
    at.selectbox(key="models_selected").set_value(new_ids[0]).run()
    at.button(key="models_promote").click().run()
    assert not at.exception
    assert registry.champion_id() == new_ids[0]
    registry.promote(app_env.model_id)
    assert registry.champion_id() == app_env.model_id
