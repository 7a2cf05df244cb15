"""Pairwise win probabilities and the regret table on hand-made outcomes."""

from __future__ import annotations

import pandas as pd
import pytest

from cio_sim.explore.comparison import pairwise, regret, wilson

OUT = pd.DataFrame({"a:up": [1.0, 2.0, 3.0, 4.0], "b:up": [2.0, 1.0, 1.0, 1.0],
                    "a:down": [5.0, 5.0, 5.0, 5.0], "b:down": [1.0, 9.0, 4.0, 5.0]})
DIR = {"up": +1, "down": -1}


def test_pairwise_counts_wins_in_the_better_direction() -> None:
    t = pairwise(OUT, ["a", "b"], ["up", "down"], DIR).set_index("metric")
    assert t.loc["up", "p_a_better"] == 0.75 and t.loc["up", "better"] == "higher"
    # lower is better: a wins once (9), loses twice (1, 4), ties once (counts half).
    assert t.loc["down", "p_a_better"] == pytest.approx(1.5 / 4)
    assert t.loc["up", "diff_median"] == pytest.approx(1.5)
    lo, hi = wilson(3, 4)
    assert t.loc["up", "p_low"] == pytest.approx(lo) and t.loc["up", "p_high"] == pytest.approx(hi)


def test_regret_is_the_loss_against_the_best_regime() -> None:
    t = regret(OUT, ["a", "b"], ["up", "down"], DIR).set_index(["metric", "regime"])
    assert t.loc[("up", "a"), "max_regret"] == 1.0      # point 0: 2 - 1
    assert t.loc[("up", "b"), "max_regret"] == 3.0      # point 3: 4 - 1
    assert t.loc[("up", "a"), "minimax"] and not t.loc[("up", "b"), "minimax"]
    assert t.loc[("down", "a"), "max_regret"] == 4.0    # point 0: 5 vs 1
    assert t.loc[("down", "b"), "max_regret"] == 4.0    # point 1: 9 vs 5
    assert t.loc[("up", "a"), "share_best"] == 0.75


def test_wilson_interval_contains_the_proportion() -> None:
    lo, hi = wilson(0, 10)
    assert lo == 0.0 and 0 < hi < 0.35
