"""How a CIO judges a proposal: the one rule behind a member's position, a department's
willingness to implement an adopted kader and CIO Rijk's view of the Rijksbreed value.

A proposal changes an organisation by ``ambition x (change_floor + change_per_impact x
impact)`` (by default ``ambition x (0.3 + 0.7 x impact)``); the benefit is the theme's
priority, the cost of fit grows with the proposal's prescriptiveness (the 'hoe') times the
autonomy preference plus the own context mismatch (ADR:L1020-1024, L2701). Its constants are
parameters (`positions.*`, `cio_rijk.fit_regard`), so explorations vary them. The forums'
bulk tally (`forums.tally.Seats`), the compliance ledger, the members (`Member.utility`,
`DepartmentalCIO.willingness`) and CIO Rijk (`CIORijk.rijksbreed_value`) call these
functions.

The arithmetic is written in one order (``stake_change * (priority - prescriptiveness *
(fit_autonomy + context))``) and every caller keeps it, so results are identical whichever
path computes them."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .proposals import Proposal

__all__ = ["Judgement", "utility"]


def utility(stake_change: float, priority: float, prescriptiveness: float,
            fit_autonomy: float, context: float) -> float:
    """A member's net benefit of a proposal: its stake times the change
    (``stake_change``) times the theme's priority minus the cost of fit
    (``prescriptiveness x (fit_weight x autonomy + context)``; ``fit_autonomy`` is
    ``fit_weight x autonomy``, see :meth:`Judgement.fit_autonomy`)."""
    return stake_change * (priority - prescriptiveness * (fit_autonomy + context))


class Judgement:
    """The judgement rule with one run's constants (the `positions` parameters)."""

    __slots__ = ("change_floor", "change_per_impact", "fit_weight", "willingness_slope")

    def __init__(self, positions: Mapping[str, Any]):
        self.change_floor: float = positions["change_floor"]
        self.change_per_impact: float = positions["change_per_impact"]
        self.fit_weight: float = positions["fit_weight"]
        self.willingness_slope: float = positions["willingness_slope"]

    def impact_scale(self, impact: float) -> float:
        """How much of a proposal's ambition becomes change, given its Rijksbreed impact."""
        return self.change_floor + self.change_per_impact * impact

    def change(self, proposal: Proposal) -> float:
        """How much a proposal changes an organisation: ambition x impact scale."""
        return proposal.ambition * self.impact_scale(proposal.impact)

    def fit_autonomy(self, autonomy: float) -> float:
        """The autonomy term of a member's cost of fit."""
        return self.fit_weight * autonomy

    def willingness(self, utility: float) -> float:
        """Chance a department implements a kader of its own accord: logistic in its utility
        (stake 1), with slope `positions.willingness_slope`."""
        return 1.0 / (1.0 + math.exp(-self.willingness_slope * utility))

    def rijksbreed_value(self, proposal: Proposal, priorities: Sequence[float],
                         autonomies: Sequence[float], fit_regard: float) -> float:
        """CIO Rijk's view of a proposal: the affected departments' mean priority times the
        impact scale, minus `fit_regard` of their mean cost of fit without the context
        mismatch, times the ambition (`priorities`, `autonomies`: the affected departments')."""
        n = len(priorities)
        # np.add.reduce / n is np.mean's arithmetic without its Python overhead (per call).
        mean_priority = float(np.add.reduce(priorities)) / n
        mean_autonomy = float(np.add.reduce(autonomies)) / n
        value = mean_priority * self.impact_scale(proposal.impact)
        fit = proposal.prescriptiveness * self.fit_weight * mean_autonomy
        return proposal.ambition * (value - fit_regard * fit)
