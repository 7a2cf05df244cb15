"""Members' positions on an item, counted without a method call per member.

`Member.position` is the definition of one member's position; `Seats.tally` computes the
same positions for all seats of an item in one loop over plain lists, with the draws taken
as one block per meeting from the positions stream (so regimes that hold the same meetings
share their noise). `tests/forums/test_tally.py` checks both agree."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..institutions import THEMES
from ..judgement import Judgement, utility
from ..types import OBJECT, SUPPORT, Tally

if TYPE_CHECKING:
    from ..proposals import Proposal

_THEME_COLUMN = {theme: k for k, theme in enumerate(THEMES)}
_DEFENCE = "DEF"           # makes its own assessment of weapon-systems items (ADR:L968)


class Seats:
    """The members' fixed traits as arrays (seat order), and the tally over a block of
    items. Built once per run; reads `priority` when built, so portfolio bonuses must be
    in place by then."""

    def __init__(self, members: Sequence[Any], n_departments: int, positions: dict[str, Any],
                 delegate_commit: float, rng: np.random.Generator):
        self.members = list(members)
        self.n = len(self.members)
        self.n_departments = n_departments
        self.rng = rng
        self.priority = np.array([[m.priority[t] for t in THEMES] for m in self.members])
        self.autonomy = np.array([m.autonomy for m in self.members])
        self.is_department = np.array([m.index is not None for m in self.members])
        self.index = np.array([-1 if m.index is None else m.index for m in self.members])
        self.defence = np.array([getattr(m, "code", "") == _DEFENCE and m.index is not None
                                 for m in self.members])
        self.noise = positions["noise_sd"]
        self.blind = positions["blind_noise_factor"]
        self.judgement = Judgement(positions)
        self.unaffected = positions["unaffected_stake"]
        self.threshold = positions["objection_threshold"]
        self.delegate_commit = delegate_commit
        # Plain lists: the per-seat loop reads them element by element.
        self._priority_by_theme = {t: self.priority[:, k].tolist() for k, t in enumerate(THEMES)}
        self._fwa = [self.judgement.fit_autonomy(a) for a in self.autonomy.tolist()]
        self._index = self.index.tolist()
        self._defence = self.defence.tolist()
        self._seat_rows = list(zip(self._index, self._defence, self._fwa, strict=True))

    def draws(self, k: int, m: int) -> tuple[list[list[float]], list[list[float]]]:
        """One meeting's draws: position noise and the delegates' commit draws (k x m)."""
        return (self.rng.standard_normal((k, m)).tolist(), self.rng.random((k, m)).tolist())

    def tally(self, prop: Proposal, context: Sequence[float], seats: Sequence[int],
              reviewed: Sequence[bool], delegated: Sequence[bool], z: Sequence[float],
              u: Sequence[float]) -> Tally:
        """The positions of the members at `seats` (indices into seat order) on one item,
        counted: `Member.position` for each seat with the draws `z[j]`, `u[j]`."""
        change = self.judgement.change(prop)
        presc = prop.prescriptiveness
        prio = self._priority_by_theme[prop.theme]
        affected = prop.affected
        adv_stake = max(self.unaffected, prop.impact if len(affected) >= 2 else 0.0)
        weapons = prop.weapon_systems
        noise, blind, thr, commit = self.noise, self.blind, self.threshold, self.delegate_commit
        fwa, index, defence = self._fwa, self._index, self._defence
        sup = abst = res = obj = 0
        objectors: list[int] = []
        reservers: list[int] = []
        for j, seat in enumerate(seats):
            idx = index[seat]
            if idx < 0:
                stake = adv_stake
            else:
                if weapons and defence[seat]:
                    abst += 1
                    continue
                stake = 1.0 if idx in affected else self.unaffected
            sd = noise * stake if reviewed[j] else noise * blind * stake
            val = utility(stake * change, prio[seat], presc, fwa[seat], context[seat]) + sd * z[j]
            if val >= 0:
                pos = SUPPORT
            elif val < -thr:
                pos = OBJECT
            else:
                abst += 1
                continue
            if delegated[j] and u[j] > commit:
                res += 1
                reservers.append(idx)
            elif pos == SUPPORT:
                sup += 1
            else:
                obj += 1
                if idx >= 0:
                    objectors.append(idx)
        return Tally(sup, abst, res, obj, tuple(objectors), tuple(reservers))

    def tally_block(self, props: Sequence[Proposal], contexts: Sequence[Sequence[float]],
                    reviewed: Sequence[Sequence[bool]], delegated: Sequence[bool],
                    z: Sequence[Sequence[float]], u: Sequence[Sequence[float]]) -> list[Tally]:
        """`tally` over all seats for each item of a block (one meeting): row `r` of
        `contexts`, `reviewed`, `z`, `u` belongs to `props[r]` and, like `delegated`, is
        indexed by seat. The same positions, from the same arithmetic, as `tally`.

        The hot path of a meeting (about 12% of a run, benchmarks/README.md), so written
        tight: the item's loop invariants (stake times change and the noise scale for each
        kind of seat) are computed once per item, the seat's fixed traits are read as one
        row."""
        noise, commit, unaffected = self.noise, self.delegate_commit, self.unaffected
        blind_noise = noise * self.blind
        low = -self.threshold
        rows, by_theme, judged = self._seat_rows, self._priority_by_theme, self.judgement.change
        out = []
        for prop, context, rev, zr, ur in zip(props, contexts, reviewed, z, u, strict=True):
            change = judged(prop)
            presc = prop.prescriptiveness
            prio = by_theme[prop.theme]
            affected = prop.affected
            weapons = prop.weapon_systems
            adv = max(unaffected, prop.impact if len(affected) >= 2 else 0.0)
            # (stake * change, sd reviewed, sd blind) of an adviser and an unaffected seat;
            # an affected department's stake is 1.0, so its three are change, noise, blind_noise.
            adv_sc, adv_sd, adv_blind = adv * change, noise * adv, blind_noise * adv
            un_sc, un_sd, un_blind = unaffected * change, noise * unaffected, \
                blind_noise * unaffected
            sup = abst = res = obj = 0
            objectors: list[int] = []
            reservers: list[int] = []
            for seat, (idx, defence, fwa) in enumerate(rows):
                if idx < 0:
                    sc, sd, sd_blind = adv_sc, adv_sd, adv_blind
                elif weapons and defence:
                    abst += 1
                    continue
                elif idx in affected:
                    sc, sd, sd_blind = change, noise, blind_noise
                else:
                    sc, sd, sd_blind = un_sc, un_sd, un_blind
                val = utility(sc, prio[seat], presc, fwa, context[seat]) \
                    + (sd if rev[seat] else sd_blind) * zr[seat]
                if val >= 0:
                    if delegated[seat] and ur[seat] > commit:
                        res += 1
                        reservers.append(idx)
                    else:
                        sup += 1
                elif val < low:
                    if delegated[seat] and ur[seat] > commit:
                        res += 1
                        reservers.append(idx)
                    else:
                        obj += 1
                        if idx >= 0:
                            objectors.append(idx)
                else:
                    abst += 1
            out.append(Tally(sup, abst, res, obj, tuple(objectors), tuple(reservers)))
        return out
