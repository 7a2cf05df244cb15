"""Decision rules: what a deciding forum does with a tally of positions."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar

from ..proposals import Proposal
from ..registry import DECISION_RULES
from ..types import Action, Tally, Verdict
from .base import RegimePart, register_part

ADOPT, REJECT, REWORK, DEFER, STALL = (Action.ADOPT, Action.REJECT, Action.REWORK,
                                       Action.DEFER, Action.STALL)


class DecisionRule(RegimePart):
    """Turns a tally into a verdict for an item that is ripe for decision.

    A forum builds its rule with its own round limit (`max_rounds`); the CIO-beraad's is the
    default."""

    registry: ClassVar = DECISION_RULES

    def __init__(self, model: Any, max_rounds: int | None = None):
        super().__init__(model)
        cb = model.p["cio_beraad"]
        self.max_rounds = cb["max_rounds"] if max_rounds is None else max_rounds
        self.rejection_share = cb["rejection_share"]

    @abstractmethod
    def decide(self, proposal: Proposal, tally: Tally) -> Verdict:
        """Return the Verdict for `proposal` given this round's `tally`. `proposal.rounds`
        already counts this round. Must not change the proposal: the forum applies the
        verdict."""

    def _without_consensus(self, proposal: Proposal, tally: Tally) -> Verdict:
        if tally.object and tally.object >= self.rejection_share * tally.members:
            return Verdict(REJECT)
        if proposal.rounds >= self.max_rounds:
            return Verdict(STALL)
        return Verdict(REWORK if tally.object else DEFER)


DECISION_RULES.base = DecisionRule


@register_part
class Consensus(DecisionRule):
    """2021 practice: de facto unanimity of all members (ADR:L968-970, L3431)."""

    name = "consensus"

    def decide(self, proposal: Proposal, tally: Tally) -> Verdict:
        if tally.consensus:
            return Verdict(ADOPT)
        return self._without_consensus(proposal, tally)


@register_part
class Doorzettingsmacht(DecisionRule):
    """2026: consensus first; after `override_rounds` rounds CIO Rijk decides (N26:L15)."""

    name = "doorzettingsmacht"

    def __init__(self, model: Any, max_rounds: int | None = None):
        super().__init__(model, max_rounds)
        self.override_rounds = model.p["regime"]["override_rounds"]

    def decide(self, proposal: Proposal, tally: Tally) -> Verdict:
        if tally.consensus:
            return Verdict(ADOPT)
        if proposal.rounds >= self.override_rounds:
            adopt = self.model.cio_rijk.judge(proposal)
            return Verdict(ADOPT if adopt else REJECT, by_cio_rijk=True, over_objections=adopt)
        return Verdict(REWORK if tally.object else DEFER)


@register_part
class NoObjection(DecisionRule):
    """Working groups: adopt when nobody objects, else compromise until the rounds run out
    (ADR:L607)."""

    name = "no_objection"

    def decide(self, proposal: Proposal, tally: Tally) -> Verdict:
        if tally.object == 0:
            return Verdict(ADOPT)
        if proposal.rounds >= self.max_rounds:
            return Verdict(STALL)
        return Verdict(REWORK)
