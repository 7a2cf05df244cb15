"""Break-even values: the crossing of a planted lead, its bootstrap interval, and the plain
statement."""

from __future__ import annotations

import numpy as np

from cio_sim.explore.breakeven import crossing, grid, statement

VALUES = [float(v) for v in np.linspace(0.0, 1.0, 11)]


def planted(break_even: float, sets: int = 30, noise: float = 0.02, seed: int = 0
            ) -> np.ndarray:
    """Lead of a over b = value - break_even plus set-to-set noise."""
    rng = np.random.default_rng(seed)
    return np.asarray(VALUES)[None, :] - break_even + rng.normal(0, noise, (sets, 1))


def test_crossing_walks_from_the_default() -> None:
    lead = np.asarray(VALUES) - 0.35
    assert abs(crossing(VALUES, lead, 6, -1) - 0.35) < 1e-12
    assert crossing(VALUES, lead, 6, 1) is None
    touch = np.ones(len(VALUES))
    touch[3] = 0.0
    assert crossing(VALUES, touch, 6, -1) == VALUES[3]


def test_statement_recovers_a_planted_break_even_with_an_interval() -> None:
    out = statement("compliance.enforcement", VALUES, planted(0.35), 0.6, "doorzetting",
                    "consensus", "compliance_actual", 200, 1)
    assert abs(out["below"] - 0.35) < 0.02
    assert out["below_low"] < 0.35 < out["below_high"]
    assert out["below_high"] - out["below_low"] < 0.05
    assert np.isnan(out["above"]) and out["leader"] == "doorzetting"
    assert out["statement"].startswith("doorzetting's lead over consensus on "
                                       "compliance_actual")
    assert "vanishes below compliance.enforcement = 0.35" in out["statement"]


def test_statement_says_when_the_lead_holds_over_the_whole_range() -> None:
    out = statement("k", VALUES, planted(-0.5), 0.6, "a", "b", "m", 50, 1)
    assert np.isnan(out["below"]) and "over the whole swept range [0, 1] of k" in \
        out["statement"]
    # b leads when the lead of a is negative.
    out = statement("k", VALUES, -planted(-0.5), 0.6, "a", "b", "m", 50, 1)
    assert out["statement"].startswith("b leads a")


def test_integer_grid_takes_every_whole_value() -> None:
    assert grid(0, 12, 11, True) == [float(v) for v in range(13)]
    assert grid(0, 52, 5, True) == [0.0, 13.0, 26.0, 39.0, 52.0]
