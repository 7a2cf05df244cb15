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
        """No consensus: reject on a clear majority against; only reserves: defer (the forum
        settles the reserve, `cio_beraad.reserve_settlement`); else stall after the last
        round, or compromise."""
        if tally.object and tally.object >= self.rejection_share * tally.members:
            return Verdict(REJECT)
        if not tally.object:
            return Verdict(DEFER)
        if proposal.rounds >= self.max_rounds:
            return Verdict(STALL)
        return Verdict(REWORK)


DECISION_RULES.base = DecisionRule


@register_part
class Consensus(DecisionRule):
    """2021 practice: de facto unanimity of all members (ADR:L968-970, L3431)."""

    name = "consensus"

    def decide(self, proposal: Proposal, tally: Tally) -> Verdict:
        if tally.consensus:
            return Verdict(ADOPT)
        return self._without_consensus(proposal, tally)


#: Domains of the themes ADR:L3507 names for decisive action: "veiligheid, interoperabiliteit
#: en efficiency" (assumption: interoperability = architecture, data, networks; efficiency =
#: shared voorzieningen and technology).
ADR_THEME_DOMAINS = frozenset({"security", "architecture", "data", "networks", "voorzieningen",
                               "technology"})
OVERRIDE_SCOPES: dict[str, frozenset[str] | None] = {"all": None,
                                                     "adr_themes": ADR_THEME_DOMAINS}


class Fallback(DecisionRule):
    """Consensus first; when a real objection remains after `regime.override_rounds` rounds
    a fallback authority may decide: CIO Rijk weighs the case (`CIORijk.consider_override`:
    scope, the yearly cap, and by `regime.override_policy` the Rijksbreed value alone or
    against what overriding costs); otherwise it leaves the item to the consensus practice.
    A delegate's reserve never triggers it."""

    delay_weeks: ClassVar[int] = 0

    def __init__(self, model: Any, max_rounds: int | None = None):
        super().__init__(model, max_rounds)
        r = model.p["regime"]
        self.override_rounds = r["override_rounds"]
        self.scope = OVERRIDE_SCOPES[r["override_scope"]]

    def in_scope(self, proposal: Proposal) -> bool:
        return self.scope is None or proposal.domain in self.scope

    def decide(self, proposal: Proposal, tally: Tally) -> Verdict:
        if tally.consensus:
            return Verdict(ADOPT)
        if (tally.object and proposal.rounds >= self.override_rounds
                and self.model.cio_rijk.consider_override(proposal, tally,
                                                          self.in_scope(proposal))):
            return Verdict(ADOPT, by_cio_rijk=True, over_objections=True,
                           delay_weeks=self.delay_weeks)
        return self._without_consensus(proposal, tally)


@register_part
class Doorzettingsmacht(Fallback):
    """2026: consensus first; CIO Rijk may decide when a real objection remains, "niet als
    dictatuur maar als vangnet" (N26:L15; BLOG:L52). Rounds, scope, budget and threshold are
    assumptions (the sources give no procedure)."""

    name = "doorzettingsmacht"


@register_part
class MinisterBZK(Fallback):
    """Consensus first; when that is not possible the Minister of BZK decides on grounds of
    coordinating responsibility (ADR:L3507): the same conditions as doorzettingsmacht, by the
    slower ministerial route (`regime.minister_weeks`)."""

    name = "minister_bzk"

    def __init__(self, model: Any, max_rounds: int | None = None):
        super().__init__(model, max_rounds)
        self.delay_weeks = model.p["regime"]["minister_weeks"]


class CIORijkLead(DecisionRule):
    """Keuzematrix q4 with CIO Rijk in the lead: "CIO Rijk is in the lead, voor kaderstelling
    en monitoring ... Afstemming in CIO-beraad, na voorbereiding" (ADR:L607). Adopted on
    consensus; when a real objection remains after `keuzematrix.q4_alignment_rounds`, CIO Rijk
    decides by weighing the Rijksbreed value against the overridden departments' lower
    compliance (`CIORijk.lead_decides`: its role, so no vangnet's budget or political
    capital); a clear majority against still ends the item. Not selectable as a rule: the
    CIO-beraad uses it for the items its routing puts in CIO Rijk's lead."""

    name = "cio_rijk_lead"

    def __init__(self, model: Any, max_rounds: int | None = None):
        super().__init__(model, max_rounds)
        self.alignment_rounds = model.p["keuzematrix"]["q4_alignment_rounds"]

    def decide(self, proposal: Proposal, tally: Tally) -> Verdict:
        if tally.consensus:
            return Verdict(ADOPT)
        if (tally.object and tally.object < self.rejection_share * tally.members
                and proposal.rounds >= self.alignment_rounds
                and self.model.cio_rijk.lead_decides(proposal, tally)):
            return Verdict(ADOPT, over_objections=True)
        return self._without_consensus(proposal, tally)


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
