"""The seed-luck table of ``figures.py --blocks``: one verdict per check and block of seeds."""

from __future__ import annotations

import pandas as pd
import pytest

from cio_sim import patterns

from .figures import blocks

pytestmark = pytest.mark.validation


def test_blocks_give_each_checks_verdict_per_block_and_on_all_seeds(
        runs: dict[str, pd.DataFrame]) -> None:
    lines = blocks(runs, 15)
    rows = lines[1].splitlines()
    assert rows[0].split() == list(patterns.FACTS)        # one column per check
    assert [r.split()[0] for r in rows[1:]] == ["0..14", "15..29"]
    first_half = {v: df[df["seed"] < 15].reset_index(drop=True) for v, df in runs.items()}
    want = [int(r.passed) for r in patterns.check_all(first_half).values()]
    assert [int(x) for x in rows[1].split()[1:]] == want
    pooled = patterns.check_all(runs)                     # the suite's own verdicts
    summary = {line.split()[0]: line for line in lines[3:3 + len(patterns.FACTS)]}
    for fact, result in pooled.items():
        verdict = "passes" if result.passed else "fails"
        assert summary[fact].endswith(f"all seeds: {verdict}")
    assert lines[3 + len(patterns.FACTS):] == [str(r) for r in pooled.values()]
