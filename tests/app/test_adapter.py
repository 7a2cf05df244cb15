"""The adapter's views agree with the model's own outputs and with each other."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cio_sim import CIOModel
from cio_sim.app import adapter


@pytest.fixture(scope="module")
def model():
    return CIOModel("doorzettingsmacht_2026", seed=2, overrides={"horizon_weeks": 156}).run()


@settings(max_examples=12, deadline=None)
@given(preset=st.sampled_from(["consensus_2021", "doorzettingsmacht_2026", "keuzematrix"]),
       seed=st.integers(0, 50), weeks=st.integers(1, 120))
def test_every_open_item_waits_in_exactly_one_forum(preset, seed, weeks):
    m = CIOModel(preset, seed=seed).run(weeks)
    assert sum(adapter.queues(m).values()) == adapter.counts(m)["backlog"]


def test_series_matches_the_state_counts(model):
    s = adapter.series(model)
    assert len(s) == adapter.week(model) == 156
    assert s["backlog"].iloc[-1] == adapter.counts(model)["backlog"]
    assert s["decisions"].is_monotonic_increasing
    assert s["compliance_actual"].dropna().between(0, 1).all()


def test_agenda_kinds_and_attendance_match_the_summary(model):
    summary = adapter.summary(model)
    ag = adapter.agenda(model)
    assert set(ag["kind"]) <= {"strategic", "other decided", "incident / Kamer",
                               "unripe, re-discussed"}
    assert (ag["kind"] == "strategic").mean() == pytest.approx(
        summary["strategic_agenda_share"])
    att = adapter.attendance(model)
    assert list(att["department"])[:12] == ["AZ", "BZ", "BZK", "DEF", "EZK", "FIN", "IenW",
                                             "JenV", "LNV", "OCW", "SZW", "VWS"]
    assert att["delegated"].sum() / att["meetings"].sum() == pytest.approx(
        summary["delegate_attendance_share"])


def test_history_follows_the_event_log(model):
    props = adapter.proposals(model)
    decided = props[props["state"].isin(["adopted", "rejected"])].iloc[0]
    hist = adapter.history(model, int(decided["id"]))
    log = model.event_log()
    assert len(hist) == (log["proposal_id"] == decided["id"]).sum()
    assert hist["event"].iloc[0] == "submitted"
    assert hist["event"].iloc[-1] == adapter.STATE_LABELS[decided["state"]]
    assert hist["week"].is_monotonic_increasing
    assert adapter.history(model, 10**6).empty


def test_headline_table_says_which_run_is_better(model):
    other = CIOModel("consensus_2021", seed=2, overrides={"horizon_weeks": 156}).run()
    single = adapter.headline_table([model])
    assert list(single.columns) == ["metric", "A", "better"]
    assert set(single["better"]) <= {"higher", "lower", "—"}
    pair = adapter.headline_table([other, model])
    assert list(pair.columns) == ["metric", "A", "B", "B − A", "better"]
    backlog = pair[pair["metric"].str.startswith("Backlog now")].iloc[0]
    a, b = int(backlog["A"]), int(backlog["B"])
    assert a == adapter.counts(other)["backlog"] and b == adapter.counts(model)["backlog"]
    assert backlog["better"] == ("B" if b < a else "A" if a < b else "same")
    assert set(pair["better"]) <= {"A", "B", "same", "—"}


def test_figures_are_rounded():
    from cio_sim.app.adapter import _fmt

    assert _fmt(34.666666) == "34.7" and _fmt(228.0) == "228" and _fmt(1234.5) == "1234"
    assert _fmt(0.80333, share=True) == "0.80" and _fmt(4.80000001) == "4.8"
    assert _fmt(-0.0001, share=True) == "0" and _fmt(float("nan")) == "n/a"


def test_decided_within_says_not_yet_known_before_any_item_was_followed_that_long():
    from cio_sim.app.session import Exploration, Settings

    ex = Exploration(Settings(compare="doorzettingsmacht_2026")).advance_to(30)
    table = adapter.headline_table([r.model for r in ex.runs]).set_index("metric")
    row = table.loc["Decided within 52 weeks [share of items]"]
    assert row["A"] == row["B"] == "not yet known (no item followed 52 weeks)"
    assert row["B − A"] == "n/a" and row["better"] == "—"
