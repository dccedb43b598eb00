"""Figure builders: pure functions of results, with titles, axis titles, units and hover text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from components.figures import explain as fx
from components.figures import performance as fp
from components.figures import scoring as fs
from components.figures import simulation as fsim
from model import metrics
from simulation.book import Book
from simulation.bootstrap import bootstrap_curve
from simulation.curve import profit_curve
from simulation.economics import Economics


def _check(fig: go.Figure, *, x_unit: str | None = None, y_unit: str | None = None) -> None:
    layout = fig.layout
    assert layout.title.text
    if x_unit is not None:
        assert x_unit in layout.xaxis.title.text
    if y_unit is not None:
        assert y_unit in layout.yaxis.title.text
    assert any(getattr(t, "hovertemplate", None) or getattr(t, "hoverinfo", None)
               for t in fig.data)
    fig.to_json()


@pytest.fixture(scope="module")
def curve_table():
    rng = np.random.default_rng(0)
    pd_ = rng.beta(1.5, 12, 3000)
    book = Book(pd=pd_, outcome=(rng.random(3000) < pd_).astype(float),
                amount=rng.lognormal(8.5, 0.5, 3000), currency="PEN")
    curve = profit_curve(book, Economics(currency="PEN"))
    bands = bootstrap_curve(curve, n_resamples=20, random_state=0)
    return curve, bands.to_frame(curve)


def test_profit_curve_marks_cutoffs_in_percent(curve_table):
    curve, table = curve_table
    optimum = float(curve.cutoff[curve.optimal_index])
    fig = fsim.profit_curve_figure(table, on="pd", currency="PEN",
                                   marks={"Your cut-off": 0.1, "Optimum": optimum,
                                          "Constrained optimum": None})
    _check(fig, x_unit="%", y_unit="PEN")
    lines = [shape.x0 for shape in fig.layout.shapes if shape.type == "line" and
             shape.x0 == shape.x1]
    assert pytest.approx(10.0) in lines
    assert pytest.approx(optimum * 100) in lines
    assert fig.layout.yaxis.tickprefix == "S/ "
    band = [t for t in fig.data if t.name == "5%-95% bootstrap band"]
    assert len(band) == 1


def test_tradeoff_marks_policies(curve_table):
    _, table = curve_table
    fig = fsim.tradeoff_figure(table, points={"Your policy": (0.6, 0.05),
                                              "Baseline": (0.3, float("nan"))})
    _check(fig, x_unit="%", y_unit="%")
    names = [t.name for t in fig.data]
    assert "Your policy" in names and "Baseline" not in names


def test_replay_frames_end_at_the_final_profit():
    frame = pd.DataFrame({"step": np.arange(1, 101), "profit_policy": np.cumsum(np.ones(100)),
                          "profit_baseline": np.cumsum(np.full(100, 0.5))})
    fig = fsim.replay_figure(frame, currency="PEN", frames=10)
    _check(fig, y_unit="PEN")
    assert len(fig.frames) == 10
    assert fig.frames[-1].data[0].y[-1] == 100


def test_scenarios_bars_in_money():
    fig = fsim.scenarios_figure([("Base", 1e6, 0.05), ("Stress", -2e5, 0.1)], currency="PEN")
    _check(fig, x_unit="PEN")
    assert list(fig.data[0].text) == ["-S/ 200k", "S/ 1.00M"]


def test_performance_figures():
    rng = np.random.default_rng(1)
    pd_ = rng.beta(2, 10, 2000)
    y = (rng.random(2000) < pd_).astype(int)
    _check(fp.roc_figure({"m": metrics.roc_points(y, pd_)}, {"m": metrics.auc(y, pd_)}),
           x_unit="%", y_unit="%")
    _check(fp.pr_figure({"m": metrics.pr_points(y, pd_)}, {"m": y.mean()}), x_unit="%")
    _check(fp.ks_figure(metrics.ks_points(y, pd_), metrics.ks(y, pd_)), x_unit="%")
    _check(fp.calibration_figure(metrics.calibration_table(y, pd_), metrics.ece(y, pd_)),
           x_unit="%", y_unit="%")
    _check(fp.gains_figure(metrics.gains_table(y, pd_)), x_unit="Decile")
    _check(fp.score_distribution_figure(600 - 100 * pd_, y), x_unit="points", y_unit="%")


def test_explanation_figures_escape_user_text():
    values = np.array([[0.5, -0.2], [0.1, 0.3], [-0.4, 0.0]])
    X = pd.DataFrame({"income": [1.0, 2.0, np.nan],
                      "sector": ["<script>alert(1)</script>", "b", None]})
    _check(fx.importance_figure(pd.Series([0.3, 0.2], index=["income", "sector"])))
    _check(fx.beeswarm_figure(values, X, ["income", "sector"]))
    dep = fx.dependence_figure(X["sector"], values[:, 1], feature="sector")
    _check(dep)
    assert "&lt;script&gt;" in dep.to_json() and "<script>" not in dep.to_json()
    contributions = pd.Series([0.5, -0.2], index=["income = 1", "sector = <b>x</b>"])
    fig = fx.waterfall_figure(contributions, base_value=-2.0, scale="probability")
    _check(fig, x_unit="%")
    assert "<b>x</b>" not in fig.to_json()
    end = fig.data[0].x[-1]
    assert end == pytest.approx(100 / (1 + np.exp(-(-2.0 + 0.3))))
    steps = np.asarray(fig.data[0].x[1:-1])
    assert fig.data[0].x[0] + steps.sum() == pytest.approx(end)


def test_drift_figure_orders_by_psi():
    frame = pd.DataFrame({"feature": ["a", "b", "(score)"], "psi": [0.05, 0.4, 0.15],
                          "band": ["stable", "significant", "moderate"], "rows": [10, 10, 10]})
    fig = fs.drift_figure(frame)
    _check(fig, x_unit="PSI")
    assert list(fig.data[0].y) == ["a", "(score)", "b"]


def test_replay_axis_covers_every_applicant_when_the_replay_is_thinned():
    # The simulator hands the figure one row per step of a thinned replay: the x axis must
    # reach the last applicant, not the number of rows.
    steps = np.linspace(40, 12_000, 300).astype(int)
    frame = pd.DataFrame({"step": steps, "profit_policy": steps * 2.0,
                          "profit_baseline": steps * 1.0})
    fig = fsim.replay_figure(frame, currency="PEN")
    assert tuple(fig.layout.xaxis.range) == (0, 12_000)
    assert fig.layout.updatemenus[0].y > 1  # play buttons above the plot, clear of the legend
