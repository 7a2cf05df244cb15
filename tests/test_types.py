"""Named types keep the strings the outputs have always used."""

from cio_sim.proposals import STATES
from cio_sim.types import (
    CLOSED_STATES,
    OPEN_STATES,
    Action,
    AgendaRow,
    ForumName,
    State,
)


def test_enums_are_their_strings() -> None:
    assert State.ADOPTED == "adopted" and str(State.IN_VOORPORTAAL) == "in_voorportaal"
    assert f"{ForumName.CIO_BERAAD}" == "cio_beraad"
    assert [a.value for a in Action] == ["adopt", "reject", "rework", "defer", "stall"]
    assert {"adopted": 1}[State.ADOPTED] == 1          # same hash as the string


def test_every_state_is_open_or_closed_once() -> None:
    assert set(OPEN_STATES).isdisjoint(CLOSED_STATES)
    assert set(STATES) == set(State) and len(STATES) == len(State)


def test_agenda_rows_are_read_by_name() -> None:
    row = AgendaRow(4, 7, True, "roadmap", True, Action.ADOPT, 0, 1, False)
    assert row.strategic and row.ripe and row.reserves == 1 and row.outcome == "adopt"
