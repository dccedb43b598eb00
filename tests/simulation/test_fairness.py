"""Fairness screen: adverse impact ratios, flags, significance, and awkward groups."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulation.book import Book
from simulation.errors import PolicyError
from simulation.fairness import fairness_screen, group_labels, group_outcomes
from simulation.policy import CutoffPolicy


def _book(groups, pds, outcomes=None):
    n = len(groups)
    return Book(
        pd=pds,
        outcome=outcomes if outcomes is not None else [0] * n,
        amount=[1000.0] * n,
        columns={"group": np.asarray(groups, dtype=object)},
        protected=("group",),
    )


def test_air_against_highest_rate_and_flag(loan_economics):
    """X: 80 of 100 approved (0.80); Y: 30 of 100 (0.30): AIR 0.375, flagged, significant."""
    groups = ["X"] * 100 + ["Y"] * 100
    pds = [0.05] * 80 + [0.5] * 20 + [0.05] * 30 + [0.5] * 70
    table = group_outcomes(_book(groups, pds), loan_economics, CutoffPolicy(0.1), "group")
    rows = table.set_index("group")
    assert rows.loc["X", "reference"] and rows.loc["X", "air"] == 1.0
    assert rows.loc["Y", "air"] == pytest.approx(0.30 / 0.80)
    assert rows.loc["Y", "flagged"] and rows.loc["Y", "significant"]
    assert rows.loc["Y", "p_value"] < 1e-6
    assert not rows.loc["Y", "small_group"]


def test_explicit_reference_and_unknown_reference(loan_economics):
    groups = ["X"] * 100 + ["Y"] * 100
    pds = [0.05] * 80 + [0.5] * 20 + [0.05] * 30 + [0.5] * 70
    book = _book(groups, pds)
    table = group_outcomes(book, loan_economics, CutoffPolicy(0.1), "group", reference="Y")
    assert table.set_index("group").loc["X", "air"] == pytest.approx(0.80 / 0.30)
    with pytest.raises(PolicyError, match=r"`reference` must be a group of `group`"):
        group_outcomes(book, loan_economics, CutoffPolicy(0.1), "group", reference="Z")


def test_zero_approvals_do_not_crash(loan_economics):
    """Group Y has no approvals (AIR 0, bad rate NaN); with nobody approved, AIR is NaN."""
    book = _book(["X", "X", "Y", "Y"], [0.05, 0.05, 0.5, 0.5])
    rows = group_outcomes(book, loan_economics, CutoffPolicy(0.1), "group").set_index("group")
    assert rows.loc["Y", "air"] == 0.0 and rows.loc["Y", "flagged"]
    assert math.isnan(rows.loc["Y", "bad_rate"])
    assert rows.loc["Y", "small_group"]  # 2 applicants: a warning, not a finding
    assert not rows.loc["Y", "significant"]
    nobody = group_outcomes(book, loan_economics, CutoffPolicy(0.01), "group")
    assert nobody["air"].isna().all() and not nobody["flagged"].any()


def test_missing_values_form_their_own_group(loan_economics):
    book = _book(["X", None, "X", None], [0.05] * 4)
    table = group_outcomes(book, loan_economics, CutoffPolicy(0.1), "group")
    assert sorted(table["group"]) == ["(missing)", "X"]


def test_numeric_columns_with_many_values_are_binned():
    labels = group_labels(np.arange(18, 78, dtype=float))
    assert len(set(labels)) == 5
    assert labels[0].startswith("[18, ")
    assert group_labels(np.array([1, 2, 1]))[0] == "1"


def test_screen_covers_segments_and_protected(book, loan_economics):
    table = fairness_screen(book, loan_economics, CutoffPolicy(0.15))
    assert set(table["kind"]) == {"segment", "protected"}
    assert set(table["column"]) == {"region", "sex"}
    per_column = table.groupby("column")["n"].sum()
    assert (per_column == book.n).all()
    assert table.groupby("column")["reference"].sum().eq(1).all()


def test_default_reference_skips_tiny_groups(loan_economics):
    """Z (3 applicants, all approved) is not the yardstick; X (40, 30 approved) is."""
    groups = ["X"] * 40 + ["Y"] * 40 + ["Z"] * 3
    pds = [0.05] * 30 + [0.5] * 10 + [0.05] * 20 + [0.5] * 20 + [0.05] * 3
    rows = group_outcomes(_book(groups, pds), loan_economics, CutoffPolicy(0.1), "group")
    rows = rows.set_index("group")
    assert rows.loc["X", "reference"] and not rows.loc["Z", "reference"]
    assert rows.loc["Y", "air"] == pytest.approx(0.5 / 0.75)
    assert rows.loc["Z", "air"] == pytest.approx(1 / 0.75) and rows.loc["Z", "small_group"]
