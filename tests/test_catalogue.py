"""The metric catalogue: summary() returns exactly its keys; labels, units, directions."""

from __future__ import annotations

import math

import pytest

import cio_sim
from cio_sim import catalogue
from cio_sim.catalogue import Better


def test_summary_keys_are_the_catalogue_keys_in_order():
    model = cio_sim.CIOModel("doorzettingsmacht_2026", seed=3,
                             overrides={"horizon_weeks": 30}).run()
    keys = list(model.summary())
    assert keys == catalogue.summary_keys(model.voorportalen)
    assert all(catalogue.lookup(k) is not None for k in keys)


def test_every_entry_is_complete_and_headline_is_ordered():
    for m in catalogue.CATALOGUE:
        assert m.label and m.meaning and isinstance(m.better, Better)
    assert tuple(m.key for m in catalogue.CATALOGUE if m.headline) == catalogue.HEADLINE
    assert "compliance_actual_shared" in catalogue.HEADLINE
    assert "compliance_actual_shared" not in catalogue.summary_keys()


@pytest.mark.parametrize(("key", "sign"), [("adopted_per_year", 1), ("backlog_end", -1),
                                           ("time_to_decision_median_weeks", -1),
                                           ("overrides", 0), ("rework_rate_ctoraad", -1),
                                           ("no_such_metric", 0)])
def test_direction(key, sign):
    assert catalogue.better_sign(key) == sign


def test_labels_units_bounds_and_families():
    assert catalogue.label("backlog_end") == "Backlog at end [open items]"
    assert catalogue.label("backlog_end", unit=False) == "Backlog at end"
    assert catalogue.label("rework_rate_ctoraad") == "Rework rate, ctoraad [share of treatments]"
    assert catalogue.label("x_y") == "x y"
    assert catalogue.bounds("compliance_actual") == (0.0, 1.0)
    assert catalogue.bounds("backlog_end") == (0.0, math.inf)
    assert catalogue.is_better("backlog_end", 3, 5) is True
    assert catalogue.is_better("backlog_end", 5, 5) is False
    assert catalogue.is_better("overrides", 3, 5) is None
    assert catalogue.is_better("time_to_decision_median_weeks", 40, math.inf) is True


def test_every_headline_metric_has_a_material_difference_with_its_reason():
    for key in catalogue.HEADLINE:
        found = catalogue.material(key)
        assert found is not None, key
        delta, reason = found
        assert delta > 0 and (reason.startswith("assumption:") or ":L" in reason), key
        m = catalogue.lookup(key)
        assert (m.material_delta, m.material_reason) == found
        if m.bounds == (0.0, 1.0):
            assert delta < 0.1, key                   # a share: a small part of the range
    assert catalogue.material("no_such_metric") is None
    assert catalogue.material("adopted_per_year")[0] == 1.0
