"""Compliance over matched kaders (cio_sim.matched): only kaders both runs adopted count,
matched by their arrival signature."""

from __future__ import annotations

import pandas as pd
import pytest

import cio_sim
from cio_sim.comparison import MATCHED_COMPLIANCE, paired_table
from cio_sim.matched import OUTCOMES, SIGNATURE, kader_outcomes, kader_record, matched_pair


def _kader(week: int, judged: int, compliant: int) -> dict:
    return {"submitted_step": week, "origin": "departmental", "theme": 1,
            "domain": "architecture", "complexity": "simple", "affected": "BZK,FIN",
            "impact": 0.5, "judged": judged, "compliant": compliant}


def test_a_kader_adopted_by_one_regime_only_is_left_out():
    shared_a, shared_b = _kader(3, 10, 6), _kader(3, 10, 9)
    only_b = _kader(40, 10, 10)            # adopted under b only: would lift b to 0.95
    got = matched_pair(pd.DataFrame([shared_a]), pd.DataFrame([shared_b, only_b]))
    assert got["a"] == pytest.approx(0.6) and got["b"] == pytest.approx(0.9)
    assert (got["kaders"], got["only_a"], got["only_b"]) == (1, 0, 1)


def test_kaders_match_by_their_whole_signature():
    a = pd.DataFrame([_kader(3, 4, 4)])
    for key, other in (("impact", 0.51), ("affected", "BZK"), ("submitted_step", 4)):
        b = pd.DataFrame([{**_kader(3, 4, 0), key: other}])
        got = matched_pair(a, b)
        assert got["kaders"] == 0 and pd.isna(got["a"]), key


def test_kaders_without_judged_pairs_in_either_run_do_not_count():
    a = pd.DataFrame([_kader(3, 0, 0), _kader(5, 2, 1)])
    b = pd.DataFrame([_kader(3, 6, 6), _kader(5, 2, 2)])
    got = matched_pair(a, b)
    assert got["kaders"] == 1 and got["a"] == 0.5 and got["b"] == 1.0


def test_a_run_matches_itself_kader_for_kader():
    sc = cio_sim.load_scenario("doorzettingsmacht_2026").with_overrides({"horizon_weeks": 104})
    frame = kader_outcomes(cio_sim.CIOModel(sc, seed=3).run())
    assert len(frame) > 0 and list(frame.columns)[:len(SIGNATURE)] == list(SIGNATURE)
    assert not frame.duplicated(list(SIGNATURE)).any()   # the signature names one kader
    got = matched_pair(frame, frame)
    assert got["only_a"] == got["only_b"] == 0 and got["a"] == got["b"]
    judged = frame[frame["judged"] > 0]
    assert got["a"] == pytest.approx(judged["compliant"].sum() / judged["judged"].sum())


def test_the_stored_record_holds_what_the_readable_frame_holds():
    model = cio_sim.CIOModel("consensus_2021", seed=5, overrides={"horizon_weeks": 104}).run()
    record, frame = kader_record(model), kader_outcomes(model)
    assert len(record) == len(frame) > 0
    assert len({d for d, _, _ in record}) == len(record)        # one digest per kader
    assert [j for _, j, _ in record] == frame["judged"].tolist()
    assert [c for _, _, c in record] == frame["compliant"].tolist()
    got = matched_pair(record, record)
    assert got["a"] == matched_pair(frame, frame)["a"] and got["only_b"] == 0


def _runs(outcomes: dict[str, list]) -> pd.DataFrame:
    """Stored runs of two scenarios, one per replication, with their kader records."""
    return pd.DataFrame([{"scenario": s, "replication": r, "seed": f"1:{r}", "decisions": 1.0,
                          OUTCOMES: rec, "error": None}
                         for s, recs in outcomes.items() for r, rec in enumerate(recs)])


def test_the_paired_table_counts_only_kaders_both_regimes_adopted():
    base = [[["k1", 10, 6]], [["k1", 10, 5], ["k3", 4, 0]]]
    other = [[["k1", 10, 9], ["k2", 10, 10]], [["k1", 10, 8]]]  # k2, k3: one regime only
    paired = paired_table(_runs({"a": base, "b": other}), metrics=[MATCHED_COMPLIANCE])
    row = paired.set_index("metric").loc[MATCHED_COMPLIANCE]
    assert row["n"] == 2 and row["mean_diff"] == pytest.approx(0.3)   # 0.9-0.6, 0.8-0.5
    assert row["better"] == 1.0


def test_pairs_without_a_stored_record_are_left_out_not_counted_as_zero():
    base = [[["k1", 10, 6]], None]               # replication 1 stored by an earlier version
    other = [[["k1", 10, 9]], [["k1", 10, 0]]]
    row = paired_table(_runs({"a": base, "b": other}), metrics=[MATCHED_COMPLIANCE]).iloc[0]
    assert row["n"] == 1 and row["mean_diff"] == pytest.approx(0.3)
    without = _runs({"a": base, "b": other}).drop(columns=[OUTCOMES])
    assert MATCHED_COMPLIANCE not in set(paired_table(without)["metric"])
