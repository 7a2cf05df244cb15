"""The actors of the CIO-stelsel as Mesa agents. Each owns its own behaviour; the model
wires them together and keeps the calendar."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import mesa

from .params import ADVISER_DOMAINS, PORTFOLIO_HOLDERS, THEMES
from .proposals import Proposal

if TYPE_CHECKING:
    from .model import CIOModel

SUPPORT, ABSTAIN, RESERVE, OBJECT = 1, 0, -1, -2


class Member(mesa.Agent):
    """A seat in the CIO-beraad that takes positions on proposals."""

    model: CIOModel
    seat = 0
    index: int | None = None    # position among the departments (None: not a department)

    def __init__(self, model: CIOModel, code: str, autonomy: float):
        super().__init__(model)
        self.code = code
        self.autonomy = autonomy
        pos = model.p["positions"]
        lo, hi = model.p["positions"]["priority_low"], model.p["positions"]["priority_high"]
        # One vector draw: the same numbers as one uniform(lo, hi) per theme, in order.
        self.priority = dict(zip(THEMES, model.init_rng.uniform(lo, hi, len(THEMES)).tolist(),
                                 strict=True))
        self._noise = pos["noise_sd"]
        self._blind = pos["blind_noise_factor"]
        self._fit_weight = pos["fit_weight"]
        self._unaffected = pos["unaffected_stake"]
        self._threshold = pos["objection_threshold"]
        self._rng = model.rng           # hot path: one attribute lookup instead of two

    def stake(self, proposal: Proposal, index: int | None) -> float:
        return 1.0 if index is not None and index in proposal.affected else self._unaffected

    def utility(self, proposal: Proposal, stake: float, context: float) -> float:
        """Benefit to the own organisation minus cost of fit, scaled by how much the item
        changes (ambition x impact). The fit cost grows with prescriptiveness ('hoe') times
        autonomy preference (ADR:L1020-1024) plus the own context mismatch (ADR:L2701)."""
        change = proposal.ambition * (0.3 + 0.7 * proposal.impact)
        fit = proposal.prescriptiveness * (self._fit_weight * self.autonomy + context)
        return stake * change * (self.priority[proposal.theme] - fit)

    def position(self, proposal: Proposal, stake: float, context: float,
                 reviewed: bool) -> int:
        """Support, abstain or object. Objecting costs goodwill, so small doubts abstain;
        an unaffected member has little at stake and rarely objects."""
        sd = self._noise * (1.0 if reviewed else self._blind) * stake
        u = self.utility(proposal, stake, context) + sd * self._rng.standard_normal()
        if u >= 0:
            return SUPPORT
        return OBJECT if u < -self._threshold else ABSTAIN


class DepartmentalCIO(Member):
    """A departmental CIO, initialised from ADR Table 1 and the factsheets."""

    def __init__(self, model: CIOModel, code: str, index: int, attrs: dict[str, Any],
                 autonomy: float):
        super().__init__(model, code, autonomy)
        self.index = index
        self.fulltime: bool = attrs["fulltime"]
        self.time_share: float = attrs["time_share"]
        self.combined_psg: bool = attrs["combined_psg"]
        self.bestuursraad: bool = attrs["bestuursraad"]
        self.under_sg: bool = attrs["under_sg"]
        self.office_fte: float = attrs["office_fte"]
        cl = model.p["clout"]
        self.clout = min(1.0, cl["base"] + cl["bestuursraad"] * self.bestuursraad
                         + cl["under_sg"] * self.under_sg + cl["combined_psg"] * self.combined_psg)
        att = model.p["attention"]
        self.weekly_hours = att["hours_per_week"] * self.time_share * att["rijksbreed_share"]
        self._review_hours = att["review_hours"] / (1.0 + self.office_fte / att["office_fte_ref"])
        self._adviser_relief = att["adviser_relief"] if model.p["regime"]["advisers"] else 0.0
        self._delegate_commit = att["delegate_commit_prob"]
        self._min_prepared = att["min_prepared_share"]
        self._max_bank = model.p["cio_beraad"]["interval_weeks"]
        for theme in PORTFOLIO_HOLDERS.get(code, ()):
            self.priority[theme] += model.p["positions"]["portfolio_bonus"]
        self.last_meeting = 0
        self.spent_elsewhere = 0.0      # hours spent in other fora since the last meeting
        self.hours_available = 0.0
        self.hours_used = 0.0
        self.delegated = False

    def review_hours(self, proposal: Proposal) -> float:
        relief = self._adviser_relief if proposal.domain in ADVISER_DOMAINS else 0.0
        return self._review_hours * (1.0 - relief)

    def spend(self, hours: float) -> None:
        """Time spent in another forum (e.g. the ICBR) comes out of the next budget."""
        self.spent_elsewhere += hours

    def prepare(self, agenda: list[Proposal], meeting_hours: float) -> list[bool]:
        """Spend the attention budget on the coming meeting.

        Hours accrue weekly from the CIO-role time share; a CIO without the hours to attend
        sends a delegate (ADR:L966). Returns per item whether the paper was reviewed."""
        step = self.model.steps
        weeks = min(step - self.last_meeting, self._max_bank)
        self.last_meeting = step
        budget = max(0.0, weeks * self.weekly_hours - self.spent_elsewhere)
        self.spent_elsewhere = 0.0
        self.hours_available += weeks * self.weekly_hours
        needs = [self.review_hours(item) for item in agenda]
        prep = sum(needs)
        # A CIO who cannot attend and read the minimum share of the papers sends a delegate.
        self.delegated = budget < meeting_hours + self._min_prepared * prep
        if self.delegated:
            return [False] * len(agenda)
        budget -= meeting_hours
        used = meeting_hours
        reviewed = []
        for need in needs:
            ok = budget >= need
            if ok:
                budget -= need
                used += need
            reviewed.append(ok)
        self.hours_used += used
        return reviewed

    def position(self, proposal: Proposal, stake: float, context: float,
                 reviewed: bool) -> int:
        if proposal.weapon_systems and self.code == "DEF":
            return ABSTAIN              # DEF makes its own assessment (ADR:L968)
        pos = super().position(proposal, stake, context, reviewed)
        if self.delegated and pos != ABSTAIN and self._rng.random() > self._delegate_commit:
            return RESERVE              # the delegate cannot commit the department
        return pos

    def willingness(self, proposal: Proposal, context: float) -> float:
        """Chance the department implements a kader of its own accord (logistic in utility)."""
        u = self.utility(proposal, 1.0, context)
        return 1.0 / (1.0 + math.exp(-8.0 * u))


class AdvisoryCIO(Member):
    """An uitvoeringsorganisatie CIO: advisory only, but in practice its assent is sought
    (ADR:L966-970). Its stake in an item grows with the item's Rijksbreed impact."""

    def stake(self, proposal: Proposal, index: int | None) -> float:
        return max(self._unaffected, proposal.impact if proposal.n_affected >= 2 else 0.0)


class Voorportaal(mesa.Agent):
    """A preparatory council: matures items by its quality and forwards or returns them."""

    model: CIOModel

    def __init__(self, model: CIOModel, name: str, quality: float, interval: int,
                 capacity: int, offset: int):
        super().__init__(model)
        self.name = name
        self.quality = quality
        self.interval = interval
        self.capacity = capacity
        self.offset = offset
        self.queue: list[Proposal] = []
        self.treatments = 0
        self.reworks = 0
        self.meetings = 0
        vp = model.p["voorportaal"]
        self._pass = vp["pass_maturity"]
        self._max_treatments = model.p["voorportaal"][name]["max_treatments"]

    def admit(self, proposal: Proposal) -> None:
        proposal.treatments_here = 0
        self.queue.append(proposal)

    def step(self) -> None:
        if (self.model.steps - self.offset) % self.interval or not self.queue:
            return
        self.meetings += 1
        batch, self.queue = self.queue[:self.capacity], self.queue[self.capacity:]
        for item in batch:
            self.treat(item)

    def treat(self, item: Proposal) -> None:
        """One treatment: the paper matures by the council's quality; feedback is given and
        the share that survives to the CIO-beraad is the quality (ADR:L534)."""
        self.treatments += 1
        item.treatments_here += 1
        item.voorportaal_visits += 1
        item.maturity += self.quality * (1.0 - item.maturity)
        item.feedback_given += 1.0
        item.feedback_retained += self.quality
        if item.maturity >= self._pass or item.treatments_here >= self._max_treatments:
            self.model.forward(item)
        else:
            self.reworks += 1
            self.model.send_to_rework(item, back_to=self)


class CIORijk(mesa.Agent):
    """Chairs the CIO-beraad, sets its agenda, decides under doorzettingsmacht, monitors."""

    model: CIOModel

    def __init__(self, model: CIOModel):
        super().__init__(model)
        cr = model.p["cio_rijk"]
        self._turnover_p = cr["turnover_per_year"] / 52.0
        self._disruption = cr["turnover_disruption_weeks"]
        self._threshold = cr["override_threshold"]
        self.disrupted_until = -1
        self.turnovers = 0

    @property
    def has_jaaragenda(self) -> bool:
        """A jaaragenda exists unless a recent turnover disrupted planning (ADR:L2453)."""
        return self.model.steps >= self.disrupted_until

    def step(self) -> None:
        if self._turnover_p and self.model.rng.random() < self._turnover_p:
            self.turnovers += 1
            self.disrupted_until = self.model.steps + self._disruption

    def fill_agenda(self, waiting: list[Proposal], slots: int, policy: str,
                    strategic_slots: int) -> list[Proposal]:
        """Choose the items for the next meeting under the prioritisation policy."""
        if policy == "fifo":
            ranked = sorted(waiting, key=lambda p: (p.ready_step, p.id))
        elif policy == "strategic_first":
            ranked = sorted(waiting, key=lambda p: (not p.strategic, p.ready_step, p.id))
        else:  # urgency: incidents and Kamer commitments first (ADR:L2237)
            ranked = sorted(waiting, key=lambda p: (not p.urgent, p.ready_step, p.id))
        agenda: list[Proposal] = []
        if self.has_jaaragenda and strategic_slots:
            strategic = [p for p in ranked if p.strategic][:min(strategic_slots, slots)]
            agenda.extend(strategic)
        chosen = set(map(id, agenda))
        for p in ranked:
            if len(agenda) >= slots:
                break
            if id(p) not in chosen:
                agenda.append(p)
        return agenda

    def judge(self, proposal: Proposal) -> bool:
        """Doorzettingsmacht: adopt when CIO Rijk's view of the Rijksbreed benefit is positive."""
        return self.model.rijksbreed_value(proposal) > self._threshold


class ICBR(mesa.Agent):
    """Interdepartementale Commissie Bedrijfsvoering Rijk: decides items with financial or
    organisational consequences (ADR:L994, L3423). Its members are taken to be the pSGs and
    bedrijfsvoering directors (assumption, DESIGN §2), so pSG-combined CIOs sit here too."""

    model: CIOModel

    def __init__(self, model: CIOModel):
        super().__init__(model)
        ic = model.p["icbr"]
        self.interval = ic["interval_weeks"]
        self.slots = ic["slots"]
        self.adoption_prob = ic["adoption_prob"]
        self.queue: list[Proposal] = []
        self.meetings = 0

    def admit(self, proposal: Proposal) -> None:
        self.queue.append(proposal)

    def step(self) -> None:
        model = self.model
        if model.steps % self.interval or not self.queue:
            return
        self.meetings += 1
        hours = model.p["cio_beraad"]["meeting_hours"]
        for cio in model.psg_cios:
            cio.spend(hours)
        model.meeting_hours += hours * (len(model.psg_cios) + 1)
        batch, self.queue = self.queue[:self.slots], self.queue[self.slots:]
        for item in batch:
            adopted = model.rng.random() < self.adoption_prob
            model.close(item, "adopted" if adopted else "rejected", "icbr")
