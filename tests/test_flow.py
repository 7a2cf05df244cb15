"""The flow: every proposal is in exactly one state, and the calendar keeps its order."""

import cio_sim
from cio_sim.types import OPEN_STATES, State


def test_state_counts_match_the_proposals_every_week() -> None:
    model = cio_sim.CIOModel("keuzematrix", seed=4, overrides={"horizon_weeks": 60})
    for _ in range(60):
        model.step()
        counts = dict.fromkeys(State, 0)
        for p in model.flow.proposals_by_id.values():
            counts[p.state] += 1
        assert counts == model.flow.state_counts
    queued = (sum(len(vp.queue) for vp in model.voorportalen.values())
              + len(model.cio_beraad.queue) + len(model.icbr.queue)
              + len(model.working_group.queue))
    waiting = sum(model.state_counts[s] for s in (State.IN_VOORPORTAAL, State.READY,
                                                  State.ESCALATED, State.IN_WORKING_GROUP))
    assert queued == waiting
    assert sum(model.state_counts[s] for s in OPEN_STATES) >= waiting


def test_calendar_runs_due_items_in_the_order_scheduled() -> None:
    model = cio_sim.CIOModel("consensus_2021", seed=0, overrides={"horizon_weeks": 5})
    seen: list[str] = []
    for label in ("a", "b", "c"):
        model.flow.schedule(2, seen.append, label)
    model.flow.schedule(1, seen.append, "first")
    model.flow.run_calendar(1)
    assert seen == ["first"]
    model.flow.run_calendar(2)
    assert seen == ["first", "a", "b", "c"]
