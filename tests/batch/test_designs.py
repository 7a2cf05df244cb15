"""Designs: one integer rule that reaches both bounds, distinct Latin hypercube points."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cio_sim.batch import designs


@given(low=st.integers(-20, 20), width=st.integers(0, 30),
       u=st.floats(0.0, 1.0, allow_nan=False))
def test_integer_rule_stays_in_bounds(low, width, u):
    value = designs.integer_value(u, low, low + width)
    assert low <= value <= low + width


def test_integer_rule_reaches_both_bounds_with_equal_shares():
    u = (np.arange(7000) + 0.5) / 7000
    values = [designs.integer_value(x, 3, 9) for x in u]
    assert min(values) == 3 and max(values) == 9
    assert np.bincount(values)[3:].tolist() == [1000] * 7
    assert designs.integer_value(1.0, 3, 9) == 9 and designs.integer_value(0.0, 3, 9) == 3


def test_latin_hypercube_reaches_integer_bounds_without_repeats():
    bounds = {"a": (1, 3), "b": (2, 4)}
    points = designs.latin_hypercube(bounds, 9, seed=4, integer_keys={"a", "b"})
    combos = {(p["a"], p["b"]) for p in points}
    assert len(combos) == 9  # every one of the 3 x 3 points once
    with pytest.raises(designs.DesignError, match="only 9 distinct"):
        designs.latin_hypercube(bounds, 10, seed=4, integer_keys={"a", "b"})
    again = designs.latin_hypercube(bounds, 9, seed=4, integer_keys={"a", "b"})
    assert again == points


def test_latin_hypercube_is_stratified_for_floats():
    points = designs.latin_hypercube({"x": (0.0, 1.0), "k": (1, 4)}, 8, seed=1,
                                     integer_keys={"k"})
    xs = sorted(int(p["x"] * 8) for p in points)
    assert xs == list(range(8))
    assert {p["k"] for p in points} == {1, 2, 3, 4}
    assert all(isinstance(p["k"], int) for p in points)


def test_sobol_needs_a_power_of_two_and_uses_the_rule():
    points = designs.sobol({"k": (0, 3), "x": (0.0, 2.0)}, 16, seed=2, integer_keys={"k"})
    assert len(points) == 16 and {p["k"] for p in points} == {0, 1, 2, 3}
    assert all(0.0 <= p["x"] <= 2.0 for p in points)
    with pytest.raises(designs.DesignError, match="power of two"):
        designs.sobol({"x": (0.0, 1.0)}, 12, seed=2)


def test_grid_is_full_factorial():
    points = designs.grid({"a": [1, 2], "b": ["x", "y", "z"]})
    assert len(points) == 6 and points[1] == {"a": 1, "b": "y"}


@settings(max_examples=40, deadline=None)
@given(low=st.integers(-5, 5), width=st.integers(0, 12), seed=st.integers(0, 2**16))
def test_one_integer_dimension_hypercube_takes_every_value_once(low, width, seed):
    """With as many points as whole numbers, the strata and the rule's parts coincide: every
    value from low to high appears exactly once, so both bounds are reached."""
    points = designs.latin_hypercube({"k": (low, low + width)}, width + 1, seed,
                                     integer_keys={"k"})
    assert sorted(p["k"] for p in points) == list(range(low, low + width + 1))


@settings(max_examples=30, deadline=None)
@given(widths=st.lists(st.integers(0, 4), min_size=1, max_size=3), seed=st.integers(0, 999),
       share=st.floats(0.1, 1.0))
def test_integer_hypercube_points_are_distinct_and_in_bounds(widths, seed, share):
    bounds = {f"k{i}": (1, 1 + w) for i, w in enumerate(widths)}
    total = int(np.prod([w + 1 for w in widths]))
    n = max(1, int(share * total))
    points = designs.latin_hypercube(bounds, n, seed, integer_keys=set(bounds))
    assert len({tuple(p.values()) for p in points}) == n
    assert all(lo <= p[k] <= hi for p in points for k, (lo, hi) in bounds.items())
