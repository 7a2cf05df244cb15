"""The bulk tally (`Seats.tally`) gives the positions `Member.position` defines."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import cio_sim
from cio_sim.institutions import THEMES
from cio_sim.types import OBJECT, RESERVE, SUPPORT, Tally
from tests.test_regimes import make_proposal

MODEL = cio_sim.CIOModel("consensus_2021", seed=3, overrides={"horizon_weeks": 4})
N_MEMBERS = len(MODEL.members)
N_DEPTS = len(MODEL.departments)
unit = st.floats(0.0, 1.0)


def scalar_tally(prop, members, reviewed, delegated, context, z, u) -> Tally:
    """The definition: each member's own `position`, counted."""
    counts = {SUPPORT: 0, 0: 0, RESERVE: 0, OBJECT: 0}
    objectors, reservers = [], []
    for member, rev, dele, zj, uj in zip(members, reviewed, delegated, z, u, strict=True):
        if member.index is not None:
            member.delegated = dele
        pos = member.position(prop, member.stake(prop, member.index), context[member.seat],
                              rev, zj, uj)
        counts[pos] += 1
        if member.index is not None and pos == OBJECT:
            objectors.append(member.index)
        elif member.index is not None and pos == RESERVE:
            reservers.append(member.index)
    return Tally(counts[SUPPORT], counts[0], counts[RESERVE], counts[OBJECT],
                 tuple(objectors), tuple(reservers))


@settings(max_examples=150, deadline=None)
@given(theme=st.sampled_from(THEMES), impact=unit, ambition=unit, presc=unit,
       weapons=st.booleans(),
       affected=st.sets(st.integers(0, N_DEPTS - 1), min_size=1, max_size=N_DEPTS),
       subset=st.booleans(),
       data=st.data())
def test_bulk_tally_matches_member_positions(theme, impact, ambition, presc, weapons,
                                             affected, subset, data) -> None:
    prop = make_proposal(theme=theme, impact=impact, affected=tuple(sorted(affected)),
                         weapon_systems=weapons, prescriptiveness=presc)
    prop.ambition = ambition
    members = ([MODEL.departments[i] for i in prop.affected] if subset
               else list(MODEL.members))
    m = len(members)
    floats = st.floats(-4.0, 4.0)
    context = data.draw(st.lists(floats, min_size=N_MEMBERS, max_size=N_MEMBERS))
    z = data.draw(st.lists(floats, min_size=m, max_size=m))
    u = data.draw(st.lists(unit, min_size=m, max_size=m))
    reviewed = data.draw(st.lists(st.booleans(), min_size=m, max_size=m))
    delegated = [member.index is not None and d for member, d in
                 zip(members, data.draw(st.lists(st.booleans(), min_size=m, max_size=m)),
                     strict=True)]
    bulk = MODEL.seats.tally(prop, context, [mb.seat for mb in members], reviewed, delegated,
                             z, u)
    assert bulk == scalar_tally(prop, members, reviewed, delegated, context, z, u)


@settings(max_examples=60, deadline=None)
@given(items=st.lists(st.tuples(st.sampled_from(THEMES), unit, unit, unit, st.booleans(),
                                st.sets(st.integers(0, N_DEPTS - 1), min_size=1,
                                        max_size=N_DEPTS)),
                      min_size=1, max_size=4),
       data=st.data())
def test_block_tally_matches_tally_per_item(items, data) -> None:
    """A meeting's block tally over all seats equals the per-item tally."""
    props = []
    for theme, impact, ambition, presc, weapons, affected in items:
        prop = make_proposal(theme=theme, impact=impact, affected=tuple(sorted(affected)),
                             weapon_systems=weapons, prescriptiveness=presc)
        prop.ambition = ambition
        props.append(prop)
    k, m = len(props), N_MEMBERS

    def block(elements):
        return data.draw(st.lists(st.lists(elements, min_size=m, max_size=m),
                                  min_size=k, max_size=k))

    floats = st.floats(-4.0, 4.0)
    contexts, z, u, reviewed = block(floats), block(floats), block(unit), block(st.booleans())
    delegated = [mb.index is not None and d for mb, d in
                 zip(MODEL.members, data.draw(st.lists(st.booleans(), min_size=m, max_size=m)),
                     strict=True)]
    seats = [mb.seat for mb in MODEL.members]
    want = [MODEL.seats.tally(prop, contexts[r], seats, reviewed[r], delegated, z[r], u[r])
            for r, prop in enumerate(props)]
    assert MODEL.seats.tally_block(props, contexts, reviewed, delegated, z, u) == want
