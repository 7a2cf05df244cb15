"""The judgement rule (`cio_sim.judgement`): its constants come from the schema, and the
members, the bulk tally, the compliance ledger and CIO Rijk all use it."""

from __future__ import annotations

import math

import pytest

import cio_sim
from cio_sim.judgement import Judgement, utility
from cio_sim.params import defaults, lookup


def test_constants_are_schema_parameters_with_provenance():
    for key in ("positions.change_floor", "positions.change_per_impact",
                "positions.willingness_slope", "positions.fit_weight", "cio_rijk.fit_regard"):
        spec = lookup(key)
        assert spec is not None and spec.unit and spec.provenance.startswith("assumption:")
    j = Judgement(defaults()["positions"])
    assert (j.change_floor, j.change_per_impact, j.willingness_slope) == (0.3, 0.7, 8.0)


def test_the_rule_follows_its_constants():
    pos = dict(defaults()["positions"])
    j = Judgement(pos)
    assert j.impact_scale(0.0) == 0.3 and j.impact_scale(1.0) == pytest.approx(1.0)
    assert j.willingness(0.0) == 0.5
    assert j.willingness(0.1) == pytest.approx(1 / (1 + math.exp(-0.8)))
    steep = Judgement({**pos, "willingness_slope": 40.0})
    assert steep.willingness(0.1) > j.willingness(0.1)
    assert Judgement({**pos, "change_floor": 0.0}).impact_scale(0.0) == 0.0
    # more prescription or more autonomy costs fit; a higher priority adds benefit
    assert utility(1.0, 0.5, 0.8, 0.4, 0.0) < utility(1.0, 0.5, 0.2, 0.4, 0.0)
    assert utility(1.0, 0.7, 0.5, 0.4, 0.1) > utility(1.0, 0.5, 0.5, 0.4, 0.1)


def test_members_tally_ledger_and_cio_rijk_use_the_run_constants():
    """Changing a constant through the scenario changes each caller's result."""
    base = cio_sim.CIOModel("consensus_2021", seed=2, overrides={"horizon_weeks": 8})
    flat = cio_sim.CIOModel("consensus_2021", seed=2, overrides={
        "horizon_weeks": 8, "positions.willingness_slope": 0.0,
        "positions.change_floor": 0.9})
    base.run()
    prop = next(iter(base.proposals_by_id.values()))
    cio_b, cio_f = base.departments[0], flat.departments[0]
    assert flat.ledger._judgement.willingness(0.3) == 0.5 == cio_f.willingness(prop, 0.0)
    assert cio_b.willingness(prop, 0.0) != 0.5
    assert cio_f.utility(prop, 1.0, 0.0) != cio_b.utility(prop, 1.0, 0.0)
    assert flat.seats.judgement.change_floor == 0.9
    assert flat.cio_rijk.rijksbreed_value(prop) != base.cio_rijk.rijksbreed_value(prop)
