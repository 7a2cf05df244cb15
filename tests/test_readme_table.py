"""The README's tables at the default values are generated (cio_sim.readme_table) from the
kept outputs in results/examples/regimes_defaults/: the README and the generator agree, and
the generated reading follows the kept numbers."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from cio_sim import readme_table
from cio_sim.readme_table import BEGIN, CURATED, END, ROOT, render, with_block


def test_readme_block_is_what_the_kept_outputs_give():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text[text.index(BEGIN):text.index(END) + len(END)]
    assert block == render(), ("README.md's tables at the default values are stale: run "
                               "python -m cio_sim.readme_table")


def test_kept_outputs_are_a_comparison_at_the_defaults():
    run = pd.read_json(ROOT / CURATED / "run.json", typ="series")
    assert run["replications"] >= 30 and run["command"].startswith("cio-sim compare ")
    assert "--set" not in run["command"] and "--decompose" in run["command"]
    paired = pd.read_csv(ROOT / CURATED / "paired.csv")
    assert {"p_gap_above_delta", "p_gap_within_delta", "p_gap_below_delta",
            "material"} <= set(paired.columns)


def test_a_changed_number_changes_the_block(tmp_path):
    dest = tmp_path / "kept"
    shutil.copytree(ROOT / CURATED, dest)
    before = render(dest)
    paired = pd.read_csv(dest / "paired.csv", keep_default_na=False, na_values=[""])
    row = (paired["metric"] == "resolutions_per_year").idxmax()
    paired.loc[row, "mean_diff"] = 123.456
    paired.loc[row, "material"] = "worse"
    paired.to_csv(dest / "paired.csv", index=False)
    after = render(dest)
    assert after != before and "+123 a year" in after and ": worse" in after
    assert with_block(f"a\n{BEGIN}\nold\n{END}\nb", after) == f"a\n{after}\nb"
    with pytest.raises(ValueError, match="no <!-- defaults-table:begin -->"):
        with_block("no markers", after)


def test_reading_traces_gaps_to_the_parts():
    text = render()
    reading = text.split("Read against", 1)[1]
    assert "; from `decision_rule` " in reading and "interactions and the rest" in reading
    assert "Resolved in any forum" in reading and "P(better by more than 1)" in reading
    assert reading.count("Compliance over matched kaders (the same arriving kader") == 2


def test_curate_refuses_what_is_not_a_complete_comparison(tmp_path):
    assert readme_table.main(["--from", str(tmp_path / "nothing")]) == 2
