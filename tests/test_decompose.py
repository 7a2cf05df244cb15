"""cio_sim.decompose: factor separation of a gap into main effects, two-way interactions and a
remainder, checked on planted toy responses (no model runs) and on one tiny real run."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cio_sim
from cio_sim.cli import main
from cio_sim.decompose import (
    MAX_FULL_FACTORS,
    design_points,
    differing_factors,
    effects_table,
)

NAMES = ("rule", "portals", "advisers")


def _responses(f, k: int, reps: int = 5, noise: float = 0.0, seed: int = 0):
    """Each design point's response frame from a toy function of the switched set; the
    replications share their noise across points (common random numbers)."""
    rng = np.random.default_rng(seed)
    common = rng.normal(0, noise, reps) if noise else np.zeros(reps)
    out = {}
    for s in design_points(k):
        x = np.array([1.0 if i in s else 0.0 for i in range(k)])
        out[s] = pd.DataFrame({"y": [f(x) + c for c in common]},
                              index=pd.Index(range(reps), name="replication"))
    return out


def _by_term(table: pd.DataFrame) -> dict[str, float]:
    return dict(zip(table["term"], table["effect"], strict=True))


def test_planted_additive_case_gives_the_planted_main_effects_and_no_interaction():
    coef = np.array([4.9, 1.1, 0.4])
    table = effects_table(_responses(lambda x: 27.0 + coef @ x, 3, noise=2.0), NAMES, ["y"])
    eff = _by_term(table)
    assert eff["gap"] == pytest.approx(coef.sum())
    for name, c in zip(NAMES, coef, strict=True):
        assert eff[name] == pytest.approx(c)
    for a, b in itertools.combinations(NAMES, 2):
        assert eff[f"{a} x {b}"] == pytest.approx(0.0, abs=1e-12)
    assert eff["remainder"] == pytest.approx(0.0, abs=1e-12)
    shares = dict(zip(table["term"], table["share"], strict=True))
    assert shares["rule"] == pytest.approx(4.9 / 6.4)
    # common noise cancels in every contrast: the intervals have no width
    assert (table["ci_high"] - table["ci_low"]).abs().max() < 1e-9


def test_planted_interacting_case_separates_interaction_and_remainder():
    def f(x):
        return 10 + 3 * x[0] + 1 * x[1] - 2 * x[2] + 1.5 * x[0] * x[1] \
            + 0.7 * x[0] * x[1] * x[2]

    eff = _by_term(effects_table(_responses(f, 3), NAMES, ["y"]))
    assert eff["rule"] == pytest.approx(3) and eff["portals"] == pytest.approx(1)
    assert eff["advisers"] == pytest.approx(-2)
    assert eff["rule x portals"] == pytest.approx(1.5)
    assert eff["rule x advisers"] == pytest.approx(0) and eff["portals x advisers"] == \
        pytest.approx(0)
    assert eff["remainder"] == pytest.approx(0.7)
    assert eff["gap"] == pytest.approx(3 + 1 - 2 + 1.5 + 0.7)


@settings(deadline=None, max_examples=30)
@given(k=st.integers(1, 8), seed=st.integers(0, 10_000))
def test_effects_always_sum_to_the_gap(k, seed):
    """Any response (full factorial up to six factors, anchored design above): main effects,
    interactions and remainder add up to the gap, replication by replication."""
    rng = np.random.default_rng(seed)
    values = {s: rng.normal(0, 5) for s in design_points(k)}
    table = effects_table(_responses(lambda x: values[frozenset(np.flatnonzero(x))], k,
                                     noise=1.0, seed=seed), [f"f{i}" for i in range(k)], ["y"])
    gap = table.loc[table["kind"] == "gap", "effect"].iloc[0]
    assert table.loc[table["kind"] != "gap", "effect"].sum() == pytest.approx(gap, abs=1e-9)
    assert (table["kind"] == "main").sum() == k
    assert (table["kind"] == "interaction").sum() == k * (k - 1) // 2


def test_design_is_full_factorial_up_to_six_factors_then_anchored():
    assert len(design_points(MAX_FULL_FACTORS)) == 2 ** MAX_FULL_FACTORS
    pts = design_points(7)
    assert len(pts) == 1 + 7 + 21 + 1 and frozenset(range(7)) in pts
    assert all(len(s) <= 2 or len(s) == 7 for s in pts)


def test_a_missing_design_point_is_an_error():
    resp = _responses(lambda x: x.sum(), 2)
    del resp[frozenset([0, 1])]
    with pytest.raises(ValueError, match="missing"):
        effects_table(resp, ["a", "b"], ["y"])


def test_factors_are_the_differing_parts_and_groups_switch_together():
    a = cio_sim.load_scenario("consensus_2021")
    b = cio_sim.load_scenario("doorzettingsmacht_2026")
    names = [f.name for f in differing_factors(a, b)]
    # One baseline world: the presets share the voorportalen (dated councils), so the
    # Besluit's three parts are what differs (N26:L11, L15).
    assert sorted(names) == ["advisers", "decision_rule", "kader_force"]
    grouped = differing_factors(a, b, {"binding rule": ["regime.decision_rule",
                                                        "regime.kader_force"]})
    assert grouped[0].name == "binding rule" and len(grouped) == 2
    assert grouped[0].high == {"regime.decision_rule": "doorzettingsmacht",
                               "regime.kader_force": "binding"}
    with pytest.raises(ValueError, match="matches no key"):
        differing_factors(a, b, {"x": ["horizon_weeks"]})


def test_tiny_real_decomposition_sums_to_the_gap(tmp_path, capsys):
    a = cio_sim.load_scenario("consensus_2021", ["horizon_weeks=26"])
    b = cio_sim.load_scenario("keuzematrix", ["horizon_weeks=26"])
    table = cio_sim.decompose(a, b, replications=2, metrics=["resolutions_per_year",
                                                             "backlog_end"])
    assert list(table.columns[:4]) == ["metric", "term", "kind", "factors"]
    assert table.attrs["design"].startswith("full factorial 2^2")
    for _, frame in table.groupby("metric"):
        gap = frame.loc[frame["kind"] == "gap", "effect"].iloc[0]
        assert frame.loc[frame["kind"] != "gap", "effect"].sum() == pytest.approx(gap)
    # the gap is b - a as compare measures it on the same seeds
    cmp = cio_sim.compare([a, b], replications=2, weekly=False)
    paired = cmp.paired_table(metrics=["backlog_end"])
    gap = table[(table["metric"] == "backlog_end") & (table["kind"] == "gap")]["effect"]
    assert gap.iloc[0] == pytest.approx(paired["mean_diff"].iloc[0])
    code = main(["decompose", "consensus_2021", "keuzematrix", "-n", "2", "--set",
                 "horizon_weeks=26", "--out", str(tmp_path / "d"), "-q"])
    out, _ = capsys.readouterr()
    assert code == 0 and "full factorial 2^2 = 4 points" in out
    assert "  routing: regime.routing: uniform -> keuzematrix" in out
    assert "Backlog at end [open items]" in out and "remainder" in out
    assert (tmp_path / "d" / "decomposition.csv").exists()
    code = main(["decompose", "consensus_2021", "consensus_2021", "-n", "2"])
    _, err = capsys.readouterr()
    assert code == 2 and "different names" in err


def test_compare_decompose_says_where_each_gap_comes_from(tmp_path, capsys):
    out_dir = tmp_path / "cmp"
    code = main(["compare", "consensus_2021", "keuzematrix", "-n", "2", "--set",
                 "horizon_weeks=26", "--out", str(out_dir), "-q", "--decompose"])
    out, _ = capsys.readouterr()
    assert code == 0 and "where the gap comes from, keuzematrix-set-" in out.replace("\n", " ")
    (csv,) = (out_dir / "decomposition").glob("*.csv")
    table = pd.read_csv(csv)
    assert set(table["kind"]) == {"gap", "main", "interaction", "remainder"}
    for _, frame in table.groupby("metric"):
        gap = frame.loc[frame["kind"] == "gap", "effect"].iloc[0]
        if np.isfinite(gap):   # to the CSV's rounding (six significant figures a term)
            terms = frame.loc[frame["kind"] != "gap", "effect"]
            assert terms.sum() == pytest.approx(gap, abs=1e-5 * (1 + terms.abs().sum()))
    # the gap is the comparison's own paired mean: its runs of the two ends are reused
    paired = cio_sim.load_results(out_dir).paired_table(metrics=["backlog_end"])
    gap = table[(table["metric"] == "backlog_end") & (table["kind"] == "gap")]["effect"]
    assert gap.iloc[0] == pytest.approx(paired["mean_diff"].iloc[0], abs=1e-5)
    report = (out_dir / "report.md").read_text(encoding="utf-8")
    assert "## Where the gap comes from" in report
    assert "| metric | gap | routing | instruments | routing x instruments |" in report
    assert "Not computed for this comparison" not in report


def test_compare_without_decompose_says_how_to_get_it(tmp_path, capsys):
    out_dir = tmp_path / "cmp"
    code = main(["compare", "consensus_2021", "keuzematrix", "-n", "2", "--set",
                 "horizon_weeks=13", "--out", str(out_dir), "-q"])
    out, _ = capsys.readouterr()
    assert code == 0 and "where the gap comes from" not in out
    assert not (out_dir / "decomposition").exists()
    report = (out_dir / "report.md").read_text(encoding="utf-8")
    section = report.split("## Where the gap comes from", 1)[1].split("\n## ", 1)[0]
    assert "Not computed for this comparison" in section and "--decompose" in section
    assert "--resume --decompose" in section     # the recorded command, ready to rerun
