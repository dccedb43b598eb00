"""The lending simulator page shows exactly what the simulation engine computes."""

from __future__ import annotations

import json

import pytest

from components.format import money, percent
from model.registry import Registry
from simulation.book import book_from_holdout
from simulation.economics import economics_from_spec
from simulation.policy import CutoffPolicy, ReferPolicy, evaluate
from tests.app.conftest import metrics, open_page

PAGE = "lending_simulator"


@pytest.fixture(scope="module")
def engine(lendscope_env):
    bundle = Registry(lendscope_env.registry_dir).load(lendscope_env.model_id)
    return bundle, book_from_holdout(bundle.holdout, bundle.spec), economics_from_spec(bundle.spec)


def _cutoff_slider(at):
    return next(s for s in at.slider if s.label.startswith("Cut-off"))


def test_default_cutoff_is_the_profit_optimum(app_env, engine):
    at = open_page(PAGE)
    bundle, book, economics = engine
    cutoff = _cutoff_slider(at).value / 100.0
    result = evaluate(book, economics, CutoffPolicy(cutoff))
    shown = metrics(at)
    assert shown["Approval rate"] == percent(result.approval_rate)
    assert shown["Net profit"] == money(result.net_profit, "PEN")
    assert shown["Net profit"].startswith(("S/", "-S/"))


def test_moving_the_cutoff_updates_the_kpis_to_the_engine_result(app_env, engine):
    at = open_page(PAGE)
    _, book, economics = engine
    before = metrics(at)
    _cutoff_slider(at).set_value(6.0).run()
    assert not at.exception
    result = evaluate(book, economics, CutoffPolicy(0.06))
    shown = metrics(at)
    assert shown["Approval rate"] == percent(result.approval_rate)
    assert shown["Bad rate"] == percent(result.bad_rate, digits=2)
    assert shown["Volume lent"] == money(result.volume, "PEN")
    assert shown["Net profit"] == money(result.net_profit, "PEN")
    assert shown["Return on volume"] == percent(result.return_on_volume)
    assert shown != before


def test_cutoff_on_points(app_env, engine):
    at = open_page(PAGE)
    _, book, economics = engine
    at.radio(key="_w_sim_on::synthetic_sme").set_value("points").run()
    slider = _cutoff_slider(at)
    assert "points" in slider.label
    slider.set_value(560).run()
    result = evaluate(book, economics, CutoffPolicy(560.0, on="points"))
    assert metrics(at)["Approval rate"] == percent(result.approval_rate)
    assert metrics(at)["Net profit"] == money(result.net_profit, "PEN")
    at.radio(key="_w_sim_on::synthetic_sme").set_value("pd").run()


def test_refer_lane_matches_two_cutoff_policy(app_env, engine):
    at = open_page(PAGE)
    _, book, economics = engine
    _cutoff_slider(at).set_value(5.0).run()
    at.toggle(key="_w_sim_refer::synthetic_sme").set_value(True).run()
    assert not at.exception
    decline = at.number_input(key=f"_w_sim_decline::{app_env.model_id}")
    decline.set_value(15.0).run()
    policy = ReferPolicy(approve_cutoff=0.05, decline_cutoff=0.15, review_capacity=None,
                         cost_per_review=50.0, accuracy_bad=0.7)
    result = evaluate(book, economics, policy)
    shown = metrics(at)
    assert shown["Approval rate"] == percent(result.approval_rate)
    assert shown["Net profit"] == money(result.net_profit, "PEN")
    at.toggle(key="_w_sim_refer::synthetic_sme").set_value(False).run()


def test_changing_the_economics_changes_the_profit(app_env, engine):
    at = open_page(PAGE)
    _, book, economics = engine
    _cutoff_slider(at).set_value(8.0).run()
    at.number_input(key="econ_rate::synthetic_sme").set_value(70.0)
    next(b for b in at.button if b.label == "Apply assumptions").click().run()
    assert not at.exception
    changed = economics.replace(annual_rate=0.70)
    result = evaluate(book, changed, CutoffPolicy(0.08))
    assert metrics(at)["Net profit"] == money(result.net_profit, "PEN")
    next(b for b in at.button if "preset" in b.label).click().run()
    original = evaluate(book, economics, CutoffPolicy(0.08))
    assert metrics(at)["Net profit"] == money(original.net_profit, "PEN")


def test_infeasible_constraints_warn_instead_of_failing(app_env):
    at = open_page(PAGE)
    at.number_input(key="_w_sim_min_approval::synthetic_sme").set_value(95.0)
    at.number_input(key="_w_sim_max_bad::synthetic_sme").set_value(0.5).run()
    assert not at.exception
    assert any("no cut-off meets the constraints" in w.value.replace("\\", "") for w in at.warning)
    at.number_input(key="_w_sim_min_approval::synthetic_sme").set_value(0.0)
    at.number_input(key="_w_sim_max_bad::synthetic_sme").set_value(100.0).run()


def test_strategy_download_records_the_chosen_cutoff(app_env):
    at = open_page(PAGE)
    _cutoff_slider(at).set_value(7.5).run()
    at.toggle(key="sim_prepare_downloads").set_value(True).run()
    assert not at.exception
    labels = [b.label for b in at.download_button]
    assert labels == ["Strategy (JSON)", "Memo (Markdown)", "Memo (HTML)"]
    strategy = json.loads(at.code[0].value)
    assert strategy["policy"] == {"kind": "cutoff", "cutoff": 0.075, "on": "pd"}
    assert strategy["model_id"] == app_env.model_id
