"""Replay in date order ends where the policies' totals are."""

from __future__ import annotations

import numpy as np
import pytest

from data.spec import BaselineRule
from simulation.book import Book
from simulation.policy import BaselinePolicy, CutoffPolicy, ReferPolicy, evaluate
from simulation.replay import replay

from .conftest import NET

BUREAU = BaselinePolicy(BaselineRule("bureau >= 600", "bureau", 600.0, "decline"))


@pytest.mark.parametrize(
    "policy", [CutoffPolicy(0.12), ReferPolicy(0.08, 0.2, cost_per_review=4.0)]
)
def test_replay_ends_at_the_totals(book, loan_economics, policy):
    run = replay(book, loan_economics, policy, BUREAU)
    new = evaluate(book, loan_economics, policy)
    old = evaluate(book, loan_economics, BUREAU)
    assert run.profit_policy[-1] == pytest.approx(new.net_profit)
    assert run.approved_policy[-1] == pytest.approx(new.n_approved)
    assert run.profit_baseline[-1] == pytest.approx(old.net_profit)
    assert run.approved_baseline[-1] == pytest.approx(old.n_approved)
    assert np.all(np.diff(run.date.astype("int64")) >= 0)


def test_replay_without_dates_follows_file_order(loan_economics):
    """File order C, A: the policy (pd <= 0.10) skips C, then earns A's 20.1320."""
    book = Book(pd=[0.30, 0.05], outcome=[1, 0], amount=[1000.0, 1000.0])
    run = replay(book, loan_economics, CutoffPolicy(0.10), BaselinePolicy())
    assert run.order.tolist() == [0, 1]
    np.testing.assert_allclose(run.profit_policy, [0.0, NET["A"]], atol=1e-5)
    np.testing.assert_allclose(run.profit_baseline, [NET["C"], NET["C"] + NET["A"]], atol=1e-5)
    frame = run.to_frame()
    assert list(frame.columns) == [
        "step",
        "approved_policy",
        "approved_baseline",
        "profit_policy",
        "profit_baseline",
    ]


def test_frames_for_animation_keep_the_last_step(book, loan_economics):
    frame = replay(book, loan_economics, CutoffPolicy(0.1), BUREAU).to_frame(max_points=20)
    assert len(frame) <= 21 and frame["step"].iloc[-1] == book.n
    assert "date" in frame.columns
