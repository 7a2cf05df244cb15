"""cio_sim.report: summary table numbers, Markdown formatting and the written report."""

from __future__ import annotations

import math
import re
import types

import numpy as np
import pandas as pd
import pytest
from batches import stand_in_batch

import cio_sim
from cio_sim import comparison
from cio_sim.comparison import summary_table
from cio_sim.report import (
    compliance_caveat,
    format_number,
    format_paired_table,
    format_summary_table,
    write_report,
)

T_975_3 = 3.182446305284263      # t quantile 0.975 with 3 degrees of freedom
T_975_1 = 12.706204736174698     # ... with 1 degree of freedom


def small_runs() -> pd.DataFrame:
    return pd.DataFrame({
        "scenario": ["A", "A", "A", "A", "B", "B", "B", "B"],
        "replication": [0, 1, 2, 3, 0, 1, 2, 3],
        "seed": ["1:0", "1:1", "1:2", "1:3"] * 2,
        "adopted_per_year": [1.0, 2.0, 3.0, 4.0, 10.0, np.nan, 14.0, 999.0],
        "overrides": [0, 0, 0, 0, 5, 5, 5, 5],
        "compliance_overridden": [np.nan] * 8,
        "error": [None, None, None, None, None, None, None, "ValueError: boom"],
    })


def _row(table, scenario, metric):
    return table[(table["scenario"] == scenario) & (table["metric"] == metric)].iloc[0]


def test_summary_table_matches_hand_computation():
    table = summary_table(small_runs(), ["adopted_per_year", "overrides",
                                         "compliance_overridden", "not_a_column"])
    assert list(dict.fromkeys(table["metric"])) == ["adopted_per_year", "overrides",
                                                    "compliance_overridden"]
    assert list(dict.fromkeys(table["scenario"])) == ["A", "B"]
    a = _row(table, "A", "adopted_per_year")
    half_a = T_975_3 * math.sqrt(5 / 3) / math.sqrt(4)      # sd of 1..4 is sqrt(5/3)
    assert a["mean"] == pytest.approx(2.5)
    assert a["ci_low"] == pytest.approx(2.5 - half_a)
    assert a["ci_high"] == pytest.approx(2.5 + half_a)
    assert a["n"] == 4 and a["note"] == ""
    b = _row(table, "B", "adopted_per_year")                 # NaN dropped, failed run left out
    half_b = T_975_1 * math.sqrt(8) / math.sqrt(2)           # sd of (10, 14) is sqrt(8)
    assert b["mean"] == pytest.approx(12.0) and b["n"] == 2
    assert b["half_width"] == pytest.approx(half_b)
    assert b["ci_low"] == 0.0                                # clipped: a count is >= 0
    assert "two runs" in b["note"] and "clipped" in b["note"]
    zero = _row(table, "B", "overrides")
    assert zero["mean"] == zero["ci_low"] == zero["ci_high"] == 5
    assert zero["note"] == "no variation between runs"
    empty = _row(table, "A", "compliance_overridden")
    assert empty["n"] == 0 and math.isnan(empty["mean"]) and empty["note"] == "no data"


def test_summary_table_default_metrics_and_no_scenario_column():
    runs = small_runs().drop(columns=["scenario"])
    table = summary_table(runs)
    assert set(table["scenario"]) == {"scenario"}
    assert table["metric"].iloc[0] == "adopted_per_year"
    assert not {"replication", "seed"} & set(table["metric"])


def test_summary_table_sweep_points_named_by_values():
    runs = small_runs().assign(scenario="S", point=[0, 0, 1, 1, 2, 2, 2, 2],
                               **{"regime.override_rounds": [1, 1, 2, 2, 3, 3, 3, 3]})
    table = summary_table(runs, ["adopted_per_year"],
                          design_keys=["regime.override_rounds"])
    assert table["scenario"].tolist() == ["override_rounds=1", "override_rounds=2",
                                          "override_rounds=3"]
    assert table["point"].tolist() == [0, 1, 2]
    assert table["mean"].iloc[0] == pytest.approx(1.5)


def test_infinite_medians_are_not_reached():
    runs = pd.DataFrame({"scenario": ["A"] * 3, "replication": [0, 1, 2],
                         "time_to_decision_median_weeks": [40.0, math.inf, 50.0]})
    row = summary_table(runs).iloc[0]
    assert math.isinf(row["mean"]) and math.isnan(row["ci_low"])
    assert row["note"] == "not reached in 1 of 3 runs"
    assert "not reached" in format_summary_table(summary_table(runs))


def test_format_summary_table_and_rounding():
    text = format_summary_table(summary_table(small_runs(), ["adopted_per_year", "overrides",
                                                             "compliance_overridden"]))
    lines = text.splitlines()
    assert lines[0] == "| metric | better | A | B |"
    assert lines[1] == "|---|:-:|--:|--:|"
    half_a = T_975_3 * math.sqrt(5 / 3) / 2
    assert f"2.5 ± {half_a:.1f}" in lines[2] and "| ↑ |" in lines[2]
    assert "12 [0, 37]" in lines[2]                         # clipped at 0, integers
    assert "| 0 (no variation) | 5 (no variation) |" in lines[3]
    assert lines[4].endswith("| – | – |")
    assert format_number(0.123456) == "0.123"
    assert format_number(1234.5) == "1234"
    assert format_number(float("nan")) == "–"
    assert format_number(math.inf) == "not reached"


def test_paired_table_formatting():
    paired = comparison.paired_table(small_runs(), metrics=["adopted_per_year", "overrides"])
    text = format_paired_table(paired)
    lines = text.splitlines()
    assert lines[0] == "| metric | better | B − A |"
    # pairs 0 and 2 (B's NaN and failed run dropped): differences 9 and 11
    assert "+10 [−3, +23] (n=2)" in lines[2]
    assert "better in 100%, worse in 0%" in lines[2]
    assert "+5 (no variation)" in lines[3]


def test_material_table_gives_the_probabilities_and_verdict():
    from cio_sim.report.material import format_material_table

    paired = comparison.paired_table(small_runs(), metrics=["adopted_per_year", "overrides"])
    row = paired.set_index("metric").loc["adopted_per_year"]
    # differences 9 and 11 against a delta of 1 per year: materially better
    assert row["delta"] == 1.0 and row["p_gap_above_delta"] > 0.95
    assert row["material"] == "better"
    lines = format_material_table(paired).splitlines()
    assert lines[0] == "| metric | δ | B − A |"
    assert "**better**" in lines[2] and lines[2].split("|")[2].strip() == "1"
    # overrides: no variation, 5 above a delta of 1 decision, no direction
    assert "100 / 0 / 0% · **higher**" in lines[3]


def test_compliance_caveat_names_the_strata():
    base = {"scenario": ["A", "A", "B", "B"], "replication": [0, 1, 0, 1],
            "pairs_judged_q1_simple": [3, 2, 0, 0], "pairs_compliant_q1_simple": [3, 2, 0, 0],
            "pairs_judged_q4_simple": [4, 4, 5, 5], "pairs_compliant_q4_simple": [1, 2, 5, 4]}
    runs = pd.DataFrame(base)
    text = compliance_caveat(runs)
    assert "`B` judges no kaders in q1/simple" in text and "all share: q4/simple" in text
    derived = comparison.with_derived(runs)
    assert derived["compliance_actual_shared"].tolist() == [0.25, 0.5, 1.0, 0.8]
    assert compliance_caveat(runs[runs["scenario"] == "A"]) is None


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    manifest = {
        "kind": "compare", "name": "compare_consensus_2021_vs_doorzettingsmacht_2026",
        "digest": "abc123", "seed": 1, "replications": 3, "version": cio_sim.__version__,
        "command": "cio-sim compare consensus_2021 doorzettingsmacht_2026 -n 3 --out x",
        "scenarios": [{"name": "consensus_2021", "digest": "d1", "description": "2021",
                       "source": "/some/machine/scenarios/consensus_2021.toml",
                       "values": {"horizon_weeks": 104}},
                      {"name": "doorzettingsmacht_2026", "digest": "d2",
                       "source": "doorzettingsmacht_2026.toml", "values": {}}],
    }
    result = stand_in_batch(manifest=manifest)
    out = tmp_path_factory.mktemp("report")
    return result, out, write_report(result, out)


def test_write_report_table_and_links(written):
    result, out, path = written
    assert path == out / "report.html"
    text = (out / "report.md").read_text(encoding="utf-8")
    assert text.startswith("# Comparison: `consensus_2021` vs `doorzettingsmacht_2026`")
    # what the results say comes first: the paragraph after the title names the baseline
    first = text.split("\n\n")[1]
    assert first.startswith("Against `consensus_2021`, over 3 replications")
    assert "| metric | better | consensus_2021 | doorzettingsmacht_2026 |" in text
    assert "## Paired differences" in text and "doorzettingsmacht_2026 − consensus_2021" in text
    assert "## Material differences" in text and "Why these δ:" in text
    assert re.search(r"\| Decisions \[per year\] \| 1 \| \d+ / \d+ / \d+%", text)
    for key in ("decisions_per_year", "compliance_reported", "delegate_attendance_share"):
        assert f"(`{key}`)" in text
    mean = result.runs.loc[result.runs["scenario"] == "consensus_2021",
                           "decisions_per_year"].mean()
    row = next(line for line in text.splitlines() if "(`decisions_per_year`)" in line)
    shown = row.split("|")[3].strip().split(" ± ")[0]
    decimals = len(shown.split(".")[1]) if "." in shown else 0
    assert abs(float(shown) - mean) <= 0.5 * 10 ** -decimals + 1e-12
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert links == ["figures/paired_differences.svg", "figures/backlog.svg",
                     "figures/compliance.svg"]
    for link in links:
        assert (out / link).is_file() and (out / link).stat().st_size > 1000
    # one digest: the batch's; the scenarios' own digests are not shown beside it
    assert "Digest: `abc123`" in text and "`d1`" not in text and "Seed: `1`" in text
    assert "/some/machine" not in text and "consensus_2021.toml" in text
    assert "cio-sim compare consensus_2021 doorzettingsmacht_2026 -n 3 --out x" in text
    html = path.read_text(encoding="utf-8")
    assert html.count("<svg") == 3 and "figures/" not in html.replace("data-src='figures/", "")
    assert "<p class='verdict'>Against <code>consensus_2021</code>" in html


def test_one_scenario_report_has_no_comparison(tmp_path):
    result = stand_in_batch(scenarios=("consensus_2021",), replications=3, horizon=52)
    text = (write_report(result, tmp_path).parent / "report.md").read_text(encoding="utf-8")
    assert text.startswith("# Run: `consensus_2021`")
    assert "Paired differences" not in text and "paired_differences" not in text
    assert "compares nothing" in text.split("\n\n")[1]
    assert not (tmp_path / "figures" / "paired_differences.svg").exists()


def test_override_metrics_only_where_overrides_happen(written, tmp_path):
    result, _, _ = written
    runs = result.runs.assign(overrides=0, override_share_of_adoptions=0.0)
    quiet = types.SimpleNamespace(runs=runs, timeseries=result.timeseries,
                                  manifest=result.manifest)
    text = (write_report(quiet, tmp_path).parent / "report.md").read_text(encoding="utf-8")
    assert "(`overrides`)" not in text and "No run has a doorzettingsmacht decision" in text
    busy = runs.assign(overrides=range(len(runs)))
    result2 = types.SimpleNamespace(runs=busy, timeseries=None, manifest=result.manifest)
    text = (write_report(result2, tmp_path / "b").parent / "report.md").read_text("utf-8")
    assert "(`overrides`)" in text


def test_counterfactuals_are_marked(tmp_path):
    manifest = {"kind": "compare", "scenarios": [
        {"name": "consensus_2021", "description": "2021"},
        {"name": "doorzettingsmacht_2026", "description": "COUNTERFACTUAL 2022-2026: ..."}]}
    result = stand_in_batch(manifest=manifest)
    text = (write_report(result, tmp_path).parent / "report.md").read_text(encoding="utf-8")
    assert "`doorzettingsmacht_2026` (counterfactual)" in text.splitlines()[0]
    assert "`doorzettingsmacht_2026` **(counterfactual)**" in text


def test_sections_can_be_added(written, tmp_path):
    from cio_sim.report import SECTIONS, add_section

    result, _, _ = written
    before = list(SECTIONS)
    try:
        add_section("extra", lambda ctx: f"## Extra\n\n{ctx.n_scenarios} scenarios",
                    after="paired")
        add_section("never", lambda ctx: None)
        text = (write_report(result, tmp_path).parent / "report.md").read_text("utf-8")
    finally:
        SECTIONS[:] = before
    assert "## Extra\n\n2 scenarios" in text
    assert text.index("## Paired differences") < text.index("## Extra") \
        < text.index("## Over time")
    assert text.rstrip().endswith("```")          # provenance stays last


def test_write_report_tolerates_missing_manifest_and_timeseries(tmp_path):
    full = stand_in_batch(scenarios=("keuzematrix",), replications=2, horizon=52)
    result = types.SimpleNamespace(runs=full.runs, timeseries=pd.DataFrame(), manifest=None)
    path = write_report(result, tmp_path / "new" / "dir")
    text = (path.parent / "report.md").read_text(encoding="utf-8")
    assert "| metric | better | keuzematrix |" in text
    assert "No weekly tables in this result" in text
    assert "![" not in text
    assert "Replications per scenario: `2`" in text
    assert "cio_sim.run_batch('keuzematrix')" in text


def test_write_report_all_runs_failed(tmp_path):
    runs = pd.DataFrame({"scenario": ["A", "A"], "replication": [0, 1],
                         "adopted_per_year": [np.nan, np.nan],
                         "error": ["Traceback ...\nValueError: bad value", "ValueError: x"]})
    result = types.SimpleNamespace(runs=runs, timeseries=None, manifest={"scenarios": ["A"]})
    text = (write_report(result, tmp_path).parent / "report.md").read_text(encoding="utf-8")
    assert "No successful replications" in text
    assert "Failed replications (left out): 2" in text and "ValueError: bad value" in text
    assert "![" not in text


def test_difference_word_follows_the_interval_and_direction():
    from cio_sim.report import difference_word

    def row(metric, lo, hi):
        return {"metric": metric, "ci_low": lo, "ci_high": hi}

    assert difference_word(row("adopted_per_year", 0.5, 2.0)) == "better"
    assert difference_word(row("adopted_per_year", -2.0, -0.5)) == "worse"
    assert difference_word(row("backlog_end", -2.0, -0.5)) == "better"      # lower is better
    assert difference_word(row("backlog_end", -2.0, 0.5)) == "no clear difference"
    assert difference_word(row("backlog_end", np.nan, np.nan)) == "no clear difference"
    assert difference_word(row("icbr_escalations", 1.0, 2.0)) == "no direction"
