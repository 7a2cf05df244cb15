"""Rankings under readings (cio_sim.robustness): a planted reading with a large effect on one
scenario flips the ranking and a small one does not; every variant set runs on the same seeds;
a stored batch gives the same tables; combinations are counted."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cio_sim
from cio_sim import readings, robustness
from cio_sim.batch import load_results
from cio_sim.readings import Reading
from cio_sim.scenario import load_scenario

RATE = "arrivals.departmental_per_year"

STREAMS = ("arrivals.incident_per_year", "arrivals.parliamentary_per_year",
           "arrivals.cio_rijk_per_year")


def supply(rate: float, others: tuple[float, float, float], planned: bool) -> dict:
    return {RATE: rate, **dict(zip(STREAMS, others, strict=True)), "arrivals.planned": planned}


#: A planted reading: it matters only where departments submit 24 items a year (the "busy"
#: scenario); its 'starved' variant stops almost every arrival, its 'mild' one takes one
#: departmental item a year away.
TOY = Reading(
    name="toy_supply",
    title="How many items reach the CIO-beraad (a planted reading for tests)",
    variants={"fed": supply(12.0, (8.0, 8.0, 5.0), True),
              "mild": supply(23.0, (8.0, 8.0, 5.0), True),
              "starved": supply(0.1, (0.1, 0.1, 0.1), False)},
    default="fed",
    source="ADR:L607",
    quote="(test)",
    reason="(test)",
    applies_when={RATE: (24.0,)},
)


def scenarios() -> list:
    base = load_scenario("consensus_2021", {"horizon_weeks": 52})
    busy = load_scenario("consensus_2021", {"horizon_weeks": 52, RATE: 24.0})
    busy.name = "busy"
    return [base, busy]


@pytest.fixture(scope="module")
def rc(tmp_path_factory):
    out = tmp_path_factory.mktemp("readings")
    return cio_sim.compare(scenarios(), 3, seed=5, readings=[TOY, "override_scope"],
                           weekly=False, out=out)


def test_the_planted_reading_flips_the_ranking_where_its_effect_is_large(rc):
    s = rc.summary.set_index("metric").loc["backlog_end"]
    assert s["ranking"] == "consensus_2021 > busy"          # twice the items: more left open
    assert not s["holds"]
    assert s["flips_under"] == "toy_supply=starved"
    assert s["material_flips_under"] == "toy_supply=starved"
    rows = rc.table[rc.table["metric"] == "backlog_end"].set_index("readings")
    assert rows.loc["toy_supply=starved", "ranking"] == "busy > consensus_2021"
    assert rows.loc["toy_supply=starved", "flipped"] == "busy/consensus_2021"
    assert rows.loc["toy_supply=mild", "holds"]             # 23 a year: still the larger
    assert rows.loc["toy_supply=mild", "flipped"] == ""
    assert rows.loc["toy_supply=starved", "busy"] < rows.loc["defaults", "busy"]


def test_a_reading_that_does_not_matter_holds_and_reuses_the_runs(rc):
    rows = rc.table[rc.table["metric"] == "backlog_end"].set_index("readings")
    scope = rows.loc["override_scope=adr_themes"]          # nobody overrides under consensus
    assert scope["holds"] and scope["unchanged"] == "consensus_2021, busy"
    assert scope["busy"] == rows.loc["defaults", "busy"]
    # the planted reading leaves the plain scenario alone: its runs are the defaults' runs
    assert rows.loc["toy_supply=starved", "unchanged"] == "consensus_2021"
    assert rows.loc["toy_supply=starved", "consensus_2021"] == \
        rows.loc["defaults", "consensus_2021"]
    # busy sets another supply than the reading's default: it runs under the default too
    assert rows.loc["toy_supply=fed", "unchanged"] == "consensus_2021"
    assert set(rc.result.runs["scenario"]) == {"consensus_2021", "busy",
                                               "busy [toy_supply=fed]",
                                               "busy [toy_supply=mild]",
                                               "busy [toy_supply=starved]"}


def test_every_variant_set_runs_on_the_same_seeds(rc):
    runs = rc.result.runs
    seeds = {label: list(frame.sort_values("replication")["seed"])
             for label, frame in runs.groupby("scenario")}
    assert len({tuple(v) for v in seeds.values()}) == 1


def test_a_stored_batch_gives_the_same_tables(rc):
    again = robustness.from_result(load_results(rc.result.path))
    pd.testing.assert_frame_equal(again.table, rc.table)
    pd.testing.assert_frame_equal(again.summary, rc.summary)
    assert robustness.from_result(cio_sim.compare(scenarios(), 1, weekly=False)) is None


def test_combinations_are_every_product_of_variants():
    scope = readings.lookup("override_scope")
    assert robustness.combinations([TOY, scope], combined=False) == 1 + 2 + 1
    assert robustness.combinations([TOY, scope], combined=True) == 3 * 2
    design, cells = robustness.design_of(scenarios(), [TOY, scope], combined=True)
    # the scenarios as given, then the six combinations (busy sets another supply than the
    # default 'fed', so 'fed' is a set of its own)
    assert design.tags == ["defaults", "toy_supply=fed", "toy_supply=fed, override_scope="
                           "adr_themes", "toy_supply=mild", "toy_supply=mild, override_scope="
                           "adr_themes", "toy_supply=starved", "toy_supply=starved, "
                           "override_scope=adr_themes"]
    # override_scope changes neither scenario, so seven sets need only five cells
    assert [c.name for c in cells] == ["consensus_2021", "busy", "busy [toy_supply=fed]",
                                       "busy [toy_supply=mild]", "busy [toy_supply=starved]"]
    one, _ = robustness.design_of(scenarios(), [TOY, scope])
    assert one.tags == ["defaults", "toy_supply=fed", "toy_supply=mild", "toy_supply=starved",
                        "override_scope=adr_themes"]


def test_the_plain_comparison_is_unchanged_without_readings():
    result = cio_sim.compare(scenarios(), 1, weekly=False)
    assert isinstance(result, cio_sim.BatchResult)
    assert "readings" not in result.manifest


def test_unknown_readings_are_one_line_errors():
    with pytest.raises(readings.ReadingError, match=r"known: .*override_scope"):
        cio_sim.compare(scenarios(), 1, readings="nonsense", weekly=False)


@pytest.mark.parametrize("bad", ["consensus_2021", ["consensus_2021"], 3,
                                 ["consensus_2021", "consensus_2021"]])
def test_the_scenarios_are_checked_as_in_a_plain_comparison(bad):
    from cio_sim.batch import BatchError

    with pytest.raises(BatchError) as err:
        cio_sim.compare(bad, 1, readings="all", weekly=False)
    assert "\n" not in str(err.value) and ("scenario" in str(err.value))


def _synthetic(means: list[list[float]]) -> tuple[pd.DataFrame, robustness.Design]:
    """Runs of scenarios s0, s1, ... under the defaults (row 0) and one variant set (row 1):
    two replications each, at the given mean +- 0.5."""
    names = [f"s{i}" for i in range(len(means[0]))]
    grid = (tuple(names), tuple(f"{n} [x=v]" for n in names))
    rows = [{"scenario": label, "replication": r, "seed": f"1:{r}", "error": None,
             "backlog_end": m + (0.5 if r else -0.5)}
            for row, labels in zip(means, grid, strict=True)
            for label, m in zip(labels, row, strict=True) for r in (0, 1)]
    design = robustness.Design(tuple(names), ("x",), False, ((), (("x", "v"),)), grid)
    return pd.DataFrame(rows), design


@settings(max_examples=40, deadline=None)   # pandas tables: slow on a loaded machine
@given(st.lists(st.integers(0, 5), min_size=2, max_size=4).flatmap(
    lambda base: st.tuples(st.just(base), st.permutations(base))))
def test_a_ranking_holds_exactly_when_no_pair_changes_order(case):
    base, variant = case
    runs, design = _synthetic([[float(v) for v in base], [float(v) for v in variant]])
    table, summary = robustness.ranking_tables(runs, design, ["backlog_end"])
    first, second = (table.iloc[i] for i in (0, 1))
    ranked = first["ranking"].split(" > ")
    # lower is better: the ranking sorts the means, ties in the scenarios' order
    assert [base[int(s[1:])] for s in ranked] == sorted(base)
    now = second["ranking"].split(" > ")
    assert [variant[int(s[1:])] for s in now] == sorted(variant)
    pos = {s: i for i, s in enumerate(now)}
    flips = [f"{b}/{a}" for i, a in enumerate(ranked) for b in ranked[i + 1:]
             if pos[b] < pos[a]]
    assert second["flipped"] == ", ".join(flips)
    assert bool(second["holds"]) == (now == ranked) == (not flips)
    assert bool(summary.iloc[0]["holds"]) == bool(second["holds"])


def test_a_scenario_that_sets_another_variant_is_run_under_the_default_too():
    plain = load_scenario("keuzematrix", {"horizon_weeks": 52})
    advice = load_scenario("keuzematrix_escalation_advice", {"horizon_weeks": 52})
    design, cells = robustness.design_of([plain, advice], "escalation_advice")
    assert design.tags == ["defaults", "escalation_advice=financial_org",
                           "escalation_advice=outside_digitalisation"]
    assert design.unchanged(1) == ["keuzematrix"]          # already at the default
    assert design.unchanged(2) == ["keuzematrix_escalation_advice"]   # already sets it
    assert [c.name for c in cells][2:] == [
        "keuzematrix_escalation_advice [escalation_advice=financial_org]",
        "keuzematrix [escalation_advice=outside_digitalisation]"]
    assert cells[2].get("regime.escalation") == "financial_org"
    combined, _ = robustness.design_of([plain, advice], "escalation_advice", combined=True)
    assert combined.tags == design.tags
