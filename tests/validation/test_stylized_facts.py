"""Stylized facts of the 2021 CIO-stelsel (adr_extract.md §6) as emergent patterns.

Each test runs the ``consensus_2021`` scenario (or a one-factor contrast of it) over the
seeds 0..29 (shared through the session fixture ``runs`` in conftest.py) and checks one
pattern with the check defined in :mod:`cio_sim.patterns` (measure, stated test at
alpha = 0.01 and effect-size floor in each check's docstring), so the pattern is defined once
for this suite and for pattern-oriented filtering (``cio-sim explore``). Nothing in the model
encodes these patterns; they follow from the mechanisms (docs/ODD.md) and are documented
with measured figures in docs/validation.md.
"""

from __future__ import annotations

import pandas as pd
import pytest

import cio_sim
from cio_sim import patterns

pytestmark = pytest.mark.validation


@pytest.mark.parametrize("fact", [
    pytest.param(f, marks=pytest.mark.xfail(strict=True, reason=patterns.NOT_REPRODUCED[f]))
    if f in patterns.NOT_REPRODUCED else f for f in patterns.FACTS])
def test_stylized_fact(fact: str, runs: dict[str, pd.DataFrame]) -> None:
    result = patterns.FACTS[fact](runs)
    assert result.passed, str(result)


def test_every_variant_ran_every_seed(runs: dict[str, pd.DataFrame]) -> None:
    assert set(runs) == set(patterns.VARIANTS)
    seeds = [tuple(df["seed"]) for df in runs.values()]
    assert len(set(seeds)) == 1 and len(seeds[0]) == 30


def test_contrasts_at_the_defaults_are_the_documented_ones() -> None:
    """At the defaults the relative contrasts give the values docs/validation.md states."""
    ov = patterns.contrasts(cio_sim.load_scenario("consensus_2021"))
    assert ov["incidents_x2"] == {"arrivals.incident_per_year": 16.0}
    assert ov["good_vooroverleg"] == {"voorportaal.vooroverleg.quality": 0.8}
    assert ov["high_turnover"] == {"cio_rijk.turnover_per_year": 2.0}
    ft = cio_sim.load_scenario("consensus_2021").with_overrides(ov["all_fulltime"])
    assert ft.values["departments"] == cio_sim.load_scenario("all_fulltime_2021").values[
        "departments"]
