"""The strategy memo: the figures it states, and escaping of text from data."""

from __future__ import annotations

import numpy as np

from data.spec import BaselineRule
from simulation.book import Book
from simulation.fairness import fairness_screen
from simulation.memo import build_memo
from simulation.policy import BaselinePolicy, CutoffPolicy, evaluate
from simulation.swap import swap_set

EVIL = "<script>alert(1)</script>|x"


def _memo(loan_economics, model_id="m-1"):
    book = Book(
        pd=[0.05, 0.10, 0.30, 0.02],
        outcome=[0, 0, 1, 0],
        amount=[1000.0, 2000.0, 1000.0, 500.0],
        columns={"bureau": [700.0, np.nan, 550.0, 650.0], "sex": [EVIL, "M", EVIL, "M"]},
        protected=("sex",),
        currency="PEN",
    )
    policy = CutoffPolicy(0.10)
    baseline = BaselinePolicy(BaselineRule("bureau >= 600", "bureau", 600.0, "decline"))
    return build_memo(
        title="Lending strategy",
        model_id=model_id,
        economics=loan_economics,
        result=evaluate(book, loan_economics, policy),
        baseline=evaluate(book, loan_economics, baseline),
        swap=swap_set(book, loan_economics, policy, baseline),
        fairness=fairness_screen(book, loan_economics, policy),
        profit_band=(60.0, 80.0),
    )


def test_memo_states_the_figures(loan_economics):
    memo = _memo(loan_economics)
    text = memo.markdown
    assert "approves 75.0% of 4 applicants" in text
    assert "(5%-95% bootstrap band 60 PEN to 80 PEN)" in text
    assert "| annual interest rate | 24.0% |" in text
    assert "| swap ins | 1 | 0.0% | 50 PEN |" in text
    assert "29 CFR 1607.4(D)" in text and "screening signal" in text
    assert memo.html.count("<table>") == 4


def test_text_from_data_is_escaped(loan_economics):
    memo = _memo(loan_economics, model_id="<img src=x onerror=alert(1)>")
    assert "<script>" not in memo.html and "<img" not in memo.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;|x" in memo.html
    assert "<script>" not in memo.markdown and "<img" not in memo.markdown
    assert "&lt;script>alert(1)&lt;/script>\\|x" in memo.markdown  # pipe cannot split a cell


def test_memo_lists_protected_groups_and_only_flagged_segments(loan_economics):
    book = Book(
        pd=[0.05, 0.10, 0.30, 0.02],
        outcome=[0, 0, 1, 0],
        amount=[1000.0] * 4,
        columns={"region": ["Lima", "Lima", "Puno", "Puno"], "sex": ["F", "M", "F", "M"]},
        segments=("region",),
        protected=("sex",),
    )
    policy = CutoffPolicy(0.10)
    fairness = fairness_screen(book, loan_economics, policy)
    fairness.loc[fairness["group"] == "Puno", "flagged"] = True
    memo = build_memo(
        title="t",
        model_id="m",
        economics=loan_economics,
        result=evaluate(book, loan_economics, policy),
        baseline=evaluate(book, loan_economics, BaselinePolicy()),
        swap=swap_set(book, loan_economics, policy, BaselinePolicy()),
        fairness=fairness,
    )
    assert "| region | Puno |" in memo.markdown and "| region | Lima |" not in memo.markdown
    assert "| sex | F |" in memo.markdown and "| sex | M |" in memo.markdown
    assert "2 group(s) below" in memo.markdown  # Puno (forced) and F (50% vs 100%)
