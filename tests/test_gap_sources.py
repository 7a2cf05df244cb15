"""The stored decomposition of a comparison (cio_sim.gap_sources) and its report section
(cio_sim.report.sources): read back only for the comparison it belongs to; formatted with
shares only where the gap is clear of zero."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from cio_sim.decompose import effects_table
from cio_sim.gap_sources import SOURCES_DIR, read_sources
from cio_sim.report.sources import format_sources_table


def _table(gap_noise: float) -> pd.DataFrame:
    """Two factors, planted additive (+2 and +1) on 'adopted_per_year', plus noise."""
    rng = np.random.default_rng(3)
    reps = pd.Index(range(10), name="replication")
    base = rng.normal(20, 1, 10)
    noise = rng.normal(0, gap_noise, 10)
    resp = {frozenset(): base, frozenset([0]): base + 2, frozenset([1]): base + 1,
            frozenset([0, 1]): base + 3 + noise}
    frames = {s: pd.DataFrame({"adopted_per_year": v}, index=reps) for s, v in resp.items()}
    return effects_table(frames, ["rule", "force"], ["adopted_per_year"])


def test_sources_table_rows_sum_and_noise_shows_as_zero():
    text = format_sources_table(_table(0.0))
    head, _, row = text.splitlines()
    assert head == "| metric | gap | rule | force | rule x force | left (3-way and higher) |"
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1].startswith("+3.00") and cells[2].startswith("+2.00 ")
    assert "(67%)" in cells[2] and "(33%)" in cells[3]
    assert "e-1" not in text                  # float noise of the subtraction shows as 0


def test_sources_table_hides_shares_when_the_gap_includes_zero():
    table = _table(0.0)
    table.loc[table["kind"] == "gap", ["ci_low", "ci_high"]] = (-0.5, 6.5)
    assert "%" not in format_sources_table(table)


def test_read_sources_only_for_its_comparison(tmp_path):
    root = tmp_path / SOURCES_DIR
    root.mkdir()
    _table(0.1).assign(scenario="b", baseline="a").to_csv(root / "b.csv", index=False)
    (root / "index.json").write_text(json.dumps(
        {"comparison_digest": "abc", "baseline": "a",
         "pairs": {"b": {"table": "b.csv", "design": "full factorial 2^2 = 4 points",
                         "factors": {"rule": "x: 0 -> 1"}, "replications": 10}}}))
    got = read_sources(tmp_path, "abc")
    assert list(got) == ["b"] and got["b"].attrs["baseline"] == "a"
    assert read_sources(tmp_path, "another batch") == {}
    (root / "b.csv").write_text("not,a\ntable,\n")
    assert read_sources(tmp_path, "abc") == {}
    (root / "index.json").write_text("{broken")
    assert read_sources(tmp_path, "abc") == {}
