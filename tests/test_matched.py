"""Compliance over matched kaders (cio_sim.matched): only kaders both runs adopted count,
matched by their arrival signature."""

from __future__ import annotations

import pandas as pd
import pytest

import cio_sim
from cio_sim.matched import SIGNATURE, kader_outcomes, matched_pair


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
