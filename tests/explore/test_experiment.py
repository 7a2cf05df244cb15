"""Exploration experiment files and the assumption space: validation and the range rule."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cio_sim.explore import ExploreError, experiment_from_dict, load_experiment
from cio_sim.explore.space import assumption_keys, build_space, default_range
from cio_sim.params import iter_params, lookup

ROOT = Path(__file__).resolve().parents[2]


def test_every_numeric_assumption_is_explored_regime_levers_included() -> None:
    keys = set(assumption_keys())
    for lever in ("cio_beraad.slots", "cio_beraad.interval_weeks", "regime.override_rounds",
                  "cio_rijk.override_threshold", "compliance.override_resentment",
                  "compliance.enforcement", "attention.delegate_commit_prob",
                  "department_forum.decision_weeks", "working_group.max_rounds",
                  "proposals.impact_threshold", "icbr.adoption_prob", "icbr.slots"):
        assert lever in keys, lever
    for key, spec in iter_params():
        if key in keys:
            assert "assumption" in spec.provenance
        elif key not in ("horizon_weeks", "extra_departments", "start_year") \
                and not isinstance(spec.default, bool) and spec.choices is None:
            assert "assumption" not in spec.provenance, key
    assert "cio_rijk.directie_fte" not in keys    # a source value (ADR:L3349)


def test_default_ranges_contain_the_default_and_stay_allowed() -> None:
    for key in assumption_keys():
        spec = lookup(key)
        low, high = default_range(spec)
        assert low < high and low <= spec.default <= high, key
        assert spec.low is None or low >= spec.low
        assert spec.high is None or high <= spec.high
        if isinstance(spec.default, int):
            assert isinstance(low, int) and isinstance(high, int)


@given(st.lists(st.floats(0, 1), min_size=3, max_size=3))
def test_unit_cube_maps_inside_the_ranges_and_integers_are_whole(u: list[float]) -> None:
    space = build_space(include=["cio_beraad.slots", "positions.noise_sd",
                                 "regime.override_rounds"])
    values = space.values(u)
    for (key, value), (low, high) in zip(values.items(), space.bounds, strict=True):
        assert low - 1e-12 <= value <= high + 1e-12
        assert isinstance(value, int) == isinstance(lookup(key).default, int)


def test_the_corners_of_the_space_keep_the_ends_of_a_range_ordered() -> None:
    """Morris grids hit the ends of every range; where two ends of one range meet at a split
    point, low + 1 * (high - low) must not land one ulp above the other end."""
    from cio_sim.params import RULES

    space = build_space()
    ordered = [r for r in RULES if r.kind == "ordered" and all(k in space.keys for k in r.keys)]
    assert ordered
    for low_key, high_key in (r.keys for r in ordered):
        u = np.full(space.dim, 0.5)
        u[space.keys.index(low_key)], u[space.keys.index(high_key)] = 1.0, 0.0
        values = space.values(u)
        assert values[low_key] <= values[high_key], low_key


def test_integers_take_every_value_equally_often() -> None:
    space = build_space(include=["regime.override_rounds", "positions.noise_sd"])
    u = (np.arange(3000) + 0.5) / 3000
    counts = np.bincount([space.values([x, 0.5])["regime.override_rounds"] for x in u])
    assert list(counts[1:]) == [1000, 1000, 1000]


def test_bundled_explore_experiments_load() -> None:
    ci = load_experiment(ROOT / "experiments" / "explore_ci.toml")
    study = load_experiment(ROOT / "experiments" / "explore_study.toml")
    assert ci.space.dim == 6
    assert study.space.dim == len(assumption_keys())
    # Both calibrate by history matching; the study draws enough sets for a result.
    assert ci.calibration is not None and study.calibration is not None
    assert study.calibration.ensemble >= study.calibration.result_ensemble >= 300
    assert {"regime.override_budget_per_year", "compliance.enforcement"} <= set(
        study.space.keys)


@pytest.mark.parametrize(("change", "message"), [
    ({"colour": 1}, "colour: unknown key"),
    ({"screening": {"levels": 3}}, "screening.levels: Morris needs an even number"),
    ({"sobol": {"base_samples": 0}}, "sobol.base_samples: got 0"),
    ({"filter": {"facts": ["p99"]}}, "filter.facts: expected a list of"),
    ({"metrics": ["overrides"]}, "metrics: expected a list of"),
    ({"regimes": ["consensus_2021"]}, "regimes: expected a list of at least two"),
    ({"regimes": ["consensus_2021", "nope"]}, "regimes:"),
    ({"space": {"include": ["cio_rijk.directie_fte", "positions.noise_sd"]}},
     "not a numeric assumption"),
    ({"space": {"include": ["no.such", "positions.noise_sd"]}}, "not a parameter"),
    ({"space": {"ranges": {"positions.noise_sd": [0.3, 0.4]}}}, "does not contain the default"),
    ({"space": {"ranges": {"cio_beraad.slots": [2.5, 8]}}}, "whole-number bounds"),
    ({"discovery": {"method": "cart"}}, "discovery.method: got 'cart'"),
    ({"filter": {"scales": [1.0, 0.0]}}, "filter.scales: got [1.0, 0.0]; allowed: a list of"),
    ({"filter": {"scales": [0.5, 0.5]}}, "filter.scales: got [0.5, 0.5]"),
    ({"filter": {"scales": []}}, "filter.scales: got []"),
    ({"filter": {"early_rejection": 1}}, "filter.early_rejection: got 1; allowed: true or"),
])
def test_bad_experiments_fail_with_one_line_naming_the_key(change: dict, message: str) -> None:
    with pytest.raises(ExploreError, match=re.escape(message)) as info:
        experiment_from_dict({"name": "x", **change}, "x.toml")
    assert "\n" not in str(info.value) and str(info.value).startswith("x.toml: ")


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(ExploreError, match="file not found"):
        load_experiment(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("name = \n")
    with pytest.raises(ExploreError, match="not valid TOML"):
        load_experiment(bad)


def test_digest_ignores_the_filter_sample_size_and_scales_only() -> None:
    a = experiment_from_dict({"filter": {"samples": 10}})
    assert a.digest() == experiment_from_dict({"filter": {"samples": 20}}).digest()
    assert a.digest() == experiment_from_dict({"filter": {"scales": [1.0, 0.1]}}).digest()
    assert a.digest() != experiment_from_dict({"filter": {"replications": 20}}).digest()
    assert a.digest() != experiment_from_dict({"filter": {"early_rejection": False}}).digest()


@settings(max_examples=30, deadline=None)
@given(st.floats(0.01, 1.0), st.lists(st.floats(0.0, 1.0), min_size=6, max_size=6))
def test_a_shrunk_box_stays_inside_the_box_around_the_defaults(scale: float,
                                                              u: list[float]) -> None:
    space = load_experiment(ROOT / "experiments" / "explore_ci.toml").space
    box = space.shrunk(scale)
    assert space.shrunk(1.0) is space
    for (low, high), (lo, hi), d in zip(space.bounds, box.bounds, space.defaults, strict=True):
        assert low <= lo <= d <= hi <= high
        assert hi - lo <= (high - low) * scale + 2  # integers widen; keep both neighbours
    for key, (lo, hi) in zip(box.keys, box.bounds, strict=True):
        assert lo <= box.values(u)[key] <= hi
