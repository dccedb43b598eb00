"""The overview introduces Lendscope and shows the open model and its best policy."""

from __future__ import annotations

import pytest
import streamlit as st

from components.format import decimal, money, percent
from model.registry import Registry
from simulation.book import book_from_holdout
from simulation.curve import profit_curve
from simulation.economics import economics_from_spec
from tests.app.conftest import metrics, open_page

PAGES = ("overview", "score_applicants", "explain", "lending_simulator", "model_performance",
         "models")


def test_overview_shows_the_model_and_the_optimal_policy(app_env):
    at = open_page("overview")
    bundle = Registry(app_env.registry_dir).load(app_env.model_id)
    curve = profit_curve(book_from_holdout(bundle.holdout, bundle.spec),
                         economics_from_spec(bundle.spec))
    best = curve.at(round(float(curve.cutoff[curve.optimal_index]) * 100, 1) / 100)
    shown = metrics(at)
    assert shown["AUC"] == decimal(bundle.evaluation.auc)
    assert any(percent(best.cutoff, digits=1) in c.value.replace("\\", "") for c in at.caption)
    assert shown["Approval rate"] == percent(best.approval_rate)
    assert shown["Net profit"] == money(best.net_profit, "PEN")
    assert [link.proto.page for link in at.get("page_link")][:4] == [
        "lending_simulator", "score_applicants", "explain", "models"]


def test_sidebar_opens_the_champion(app_env):
    at = open_page("overview")
    picker = at.sidebar.selectbox[0]
    assert picker.value == app_env.model_id
    assert "champion" in picker.format_func(picker.value)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_explains_how_to_get_a_model_when_there_is_none(page, tmp_path, monkeypatch):
    monkeypatch.setenv("LENDSCOPE_REGISTRY_DIR", str(tmp_path / "empty_registry"))
    monkeypatch.setenv("LENDSCOPE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LENDSCOPE_RUNS_DIR", str(tmp_path / "runs"))
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = open_page(page)
        assert not at.exception
        if page != "models":
            assert any("No trained model yet" in info.value for info in at.info)
            assert any("make run" in info.value for info in at.info)
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
