"""Dataset specs: parsing, validation messages and frame checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.errors import SpecError
from data.spec import builtin_spec_names, load_spec, spec_from_mapping


def minimal(**overrides):
    raw = {
        "name": "toy",
        "target": "bad",
        "bad_label": 1,
        "default_amount": 1000.0,
        "id_column": "app_id",
        "protected": ["gender"],
        "features": [
            {"name": "income", "kind": "numeric", "min_value": 0, "value_format": ",.0f",
             "unit": "PEN", "description": "Monthly income"},
            {"name": "sector", "kind": "categorical"},
        ],
    }
    raw.update(overrides)
    return raw


def toy_frame():
    return pd.DataFrame(
        {
            "app_id": ["001", "002", "003"],
            "income": [1200.0, np.nan, 300.0],
            "sector": ["retail", "food", "retail"],
            "gender": ["F", "M", "F"],
            "bad": [0, 1, 0],
        }
    )


def test_minimal_spec_parses_with_defaults():
    spec = spec_from_mapping(minimal())
    assert spec.feature_names == ("income", "sector")
    assert spec.numeric_features == ("income",)
    assert spec.categorical_features == ("sector",)
    assert spec.feature("sector").description == "Sector"
    assert spec.baseline.column == ""
    assert spec.required_columns(labelled=False) == ("income", "sector")


def test_unknown_column_in_spec_is_named():
    spec = spec_from_mapping(minimal(segments=["region"]))
    with pytest.raises(SpecError, match=r"names columns the data does not have: \['region'\]"):
        spec.validate_frame(toy_frame())


def test_target_not_binary_is_refused_with_its_values():
    frame = toy_frame().assign(bad=[0, 1, 2])
    with pytest.raises(SpecError, match=r"Target 'bad' must be binary with bad label 1; "
                                        r"got values \['0', '1', '2'\]"):
        spec_from_mapping(minimal()).validate_frame(frame)


def test_target_without_the_bad_label_is_refused():
    frame = toy_frame().assign(bad=["good", "poor", "good"])
    with pytest.raises(SpecError, match="must be binary with bad label 1"):
        spec_from_mapping(minimal()).validate_frame(frame)


def test_protected_attribute_listed_as_feature_is_refused():
    raw = minimal()
    raw["features"] = [*raw["features"], {"name": "gender", "kind": "categorical"}]
    with pytest.raises(SpecError, match=r"protected attributes \[.gender.\] are listed as"):
        spec_from_mapping(raw)


def test_protected_feature_allowed_only_when_explicit():
    raw = minimal(allow_protected_features=True)
    raw["features"] = [*raw["features"], {"name": "gender", "kind": "categorical"}]
    assert "gender" in spec_from_mapping(raw).feature_names


def test_target_cannot_be_a_feature():
    raw = minimal()
    raw["features"] = [*raw["features"], {"name": "bad", "kind": "numeric"}]
    with pytest.raises(SpecError, match="the target 'bad' cannot also be a feature"):
        spec_from_mapping(raw)


@pytest.mark.parametrize(
    ("feature", "message"),
    [
        ({"name": "x", "kind": "text"}, r"kind of feature 'x' must be one of"),
        ({"name": "x", "kind": "numeric", "monotone": 2}, r"monotone of feature 'x' must be"),
        ({"name": "x", "kind": "numeric", "colour": "red"}, r"unknown feature keys \['colour'\]"),
        ({"kind": "numeric"}, r"every feature needs `name` and `kind`"),
    ],
)
def test_bad_feature_entries(feature, message):
    raw = minimal()
    raw["features"] = [*raw["features"], feature]
    with pytest.raises(SpecError, match=message):
        spec_from_mapping(raw)


def test_duplicate_features_and_unknown_keys_and_missing_amount():
    raw = minimal()
    raw["features"] = [raw["features"][0], raw["features"][0]]
    with pytest.raises(SpecError, match=r"got duplicates \['income'\]"):
        spec_from_mapping(raw)
    with pytest.raises(SpecError, match=r"unknown keys \['targets'\]"):
        spec_from_mapping(minimal(targets="x"))
    with pytest.raises(SpecError, match="give `amount_column` or `default_amount`"):
        spec_from_mapping(minimal(default_amount=None))
    with pytest.raises(SpecError, match="required key `target` is missing"):
        spec_from_mapping({k: v for k, v in minimal().items() if k != "target"})


def test_format_value_uses_format_and_unit():
    feature = spec_from_mapping(minimal()).feature("income")
    assert feature.format_value(1234.4) == "1,234 PEN"
    assert feature.format_value(float("nan")) == "missing"
    assert spec_from_mapping(minimal()).feature("sector").format_value("food") == "food"


def test_unknown_spec_name_lists_builtins():
    with pytest.raises(SpecError, match=r"Spec 'nope' not found; built-in specs are \["):
        load_spec("nope")


@pytest.mark.parametrize("name", ["pakdd2010", "synthetic_sme"])
def test_builtin_specs_parse_and_keep_protected_out_of_features(name):
    assert name in builtin_spec_names()
    spec = load_spec(name)
    assert spec.protected
    assert not set(spec.protected) & set(spec.feature_names)
    assert all(f.description for f in spec.features)
