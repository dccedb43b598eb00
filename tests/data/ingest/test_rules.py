"""Column rules from dataset specs, and the header alias step."""

from __future__ import annotations

import pytest

from data.ingest.rules import ColumnRule, match_columns, normalise_name, rules_from_spec
from data.spec import DatasetSpec, FeatureSpec


def _spec(**extra) -> DatasetSpec:
    values = dict(
        name="demo", title="Demo", description="", target="default", bad_label=1,
        features=(FeatureSpec("monthly_revenue", "numeric", "Monthly revenue", min_value=0.0),
                  FeatureSpec("sector", "categorical", "Sector")),
        id_column="applicant_id", amount_column="loan_amount", date_column="applied_on",
        segments=("region",), protected=("sex",), default_amount=None,
    )
    values.update(extra)
    return DatasetSpec(**values)


def test_rules_from_spec_labelled():
    rules = {r.name: r for r in rules_from_spec(_spec(), labelled=True)}
    assert list(rules) == ["monthly_revenue", "sector", "applicant_id", "default", "loan_amount",
                           "applied_on", "region", "sex"]
    assert rules["monthly_revenue"].kind == "numeric" and rules["monthly_revenue"].min_value == 0
    assert rules["sector"].kind == "categorical" and rules["sector"].required
    assert rules["applicant_id"].kind == "id" and rules["applicant_id"].missing == "reject"
    assert rules["default"].allowed == (0, 1) and rules["default"].missing == "reject"
    assert not rules["loan_amount"].required and rules["loan_amount"].min_value == 0
    assert rules["applied_on"].kind == "date" and not rules["applied_on"].required
    assert not rules["region"].required and not rules["sex"].required


def test_rules_from_spec_unlabelled_has_no_target_and_text_labels_are_categorical():
    assert "default" not in {r.name for r in rules_from_spec(_spec(), labelled=False)}
    rules = {r.name: r for r in rules_from_spec(_spec(bad_label="bad"), labelled=True)}
    assert rules["default"].kind == "categorical" and rules["default"].allowed is None


def test_column_rule_validates_its_fields():
    with pytest.raises(ValueError, match="`kind` of column 'x' must be one of"):
        ColumnRule("x", kind="number")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="`missing` of column 'x' must be 'allow' or 'reject'"):
        ColumnRule("x", missing="drop")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="`min_value` of column 'x' must be at most"):
        ColumnRule("x", min_value=2, max_value=1)


def test_alias_step_is_case_and_space_insensitive_and_suggests_close_matches():
    assert normalise_name("  Monthly Revenue ") == "monthly_revenue"
    assert normalise_name("monthly-revenue") == "monthly_revenue"
    rules = [ColumnRule("monthly_revenue"), ColumnRule("age"), ColumnRule("note", kind="text",
                                                                          aliases=("remark",))]
    match = match_columns([" AGE ", "monthly_revnue", "Remark", "x"], rules)
    assert dict(match.positions) == {"age": 0, "note": 2}
    assert match.missing_required == ("monthly_revenue",)
    assert match.extra == ("monthly_revnue", "x")
    assert match.suggestions["monthly_revnue"] == "monthly_revenue"
    assert match.suggestions["monthly_revenue"] == "monthly_revnue"
