"""Economics: defaults from the dataset spec, overrides, and clear messages for bad values."""

from __future__ import annotations

import pytest

from data.spec import spec_from_mapping
from simulation.economics import KEYS, Economics, economics_from_mapping, economics_from_spec
from simulation.errors import EconomicsError


def _spec(economics):
    return spec_from_mapping(
        {
            "name": "toy",
            "target": "bad",
            "bad_label": 1,
            "features": [{"name": "x", "kind": "numeric"}],
            "default_amount": 500.0,
            "currency": "BRL",
            "economics": economics,
        }
    )


def test_economics_from_spec_reads_every_key_and_the_currency():
    raw = {
        "mode": "loan",
        "annual_rate": 0.6,
        "term_months": 12,
        "lgd": 0.85,
        "annual_funding_cost": 0.14,
        "operating_cost_per_loan": 25.0,
        "origination_fee": 0.02,
        "default_month": 4,
        "gain_per_good": 0.25,
        "loss_per_bad": 0.85,
        "simple_units": "fraction",
        "rate_by_band": {"A": 0.4, "B": 0.6},
    }
    assert set(raw) == set(KEYS)
    economics = economics_from_spec(_spec(raw))
    assert economics.annual_rate == 0.6 and economics.default_month == 4
    assert economics.band_rates == {"A": 0.4, "B": 0.6}
    assert economics.currency == "BRL" and economics.default_amount == 500.0
    hash(economics)  # usable as a cache key


def test_spec_errors_name_the_dataset():
    with pytest.raises(EconomicsError, match=r"Spec 'toy' \[economics\]: economics keys must"):
        economics_from_spec(_spec({"anual_rate": 0.3}))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"annual_rate": 35}, r"`annual_rate` must be a fraction from 0 to 5 \(0.35 for 35%\)"),
        ({"lgd": 1.5}, "`lgd` must be a fraction from 0 to 1"),
        ({"term_months": 0}, "`term_months` must be a whole number of months"),
        ({"term_months": 12.5}, "`term_months` must be a whole number"),
        ({"term_months": 6, "default_month": 7}, r"`default_month` must be a whole month from 1"),
        ({"operating_cost_per_loan": -1}, "`operating_cost_per_loan` must be at least 0"),
        ({"mode": "lease"}, r"`mode` must be one of \['loan', 'simple'\]"),
        ({"mode": "simple"}, "`gain_per_good` must be given in simple mode"),
        (
            {"mode": "simple", "gain_per_good": 100, "loss_per_bad": 0.5},
            'simple_units = "currency"',
        ),
        ({"rate_by_band": {"A": 40}}, r"`rate_by_band\['A'\]` must be a fraction"),
        ({"rate_by_band": [0.1]}, "`rate_by_band` must be a table"),
        ({"annual_rate": "0.3"}, "`annual_rate` must be a finite number; got '0.3'"),
    ],
)
def test_bad_values_get_specific_messages(raw, message):
    with pytest.raises(EconomicsError, match=message):
        economics_from_mapping(raw)


def test_overrides_keep_the_base():
    base = Economics(annual_rate=0.5, lgd=0.4, currency="PEN")
    merged = economics_from_mapping({"lgd": 0.7}, base=base)
    assert (merged.annual_rate, merged.lgd, merged.currency) == (0.5, 0.7, "PEN")


def test_whole_floats_are_months():
    economics = economics_from_mapping({"term_months": 12.0, "default_month": 4.0})
    assert (economics.term_months, economics.default_month) == (12, 4)


def test_month_of_default_defaults_to_half_the_term():
    assert Economics(term_months=12).months_to_default == 6
    assert Economics(term_months=5).months_to_default == 3
    assert Economics(term_months=5, default_month=1).months_to_default == 1


def test_to_dict_round_trips():
    economics = Economics(rate_by_band=(("A", 0.3),), currency="PEN", default_amount=100.0)
    assert economics_from_mapping(economics.to_dict()) == economics
