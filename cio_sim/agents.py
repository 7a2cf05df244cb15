"""The actors of the CIO-stelsel as Mesa agents: the members of the CIO-beraad and CIO Rijk.
The forums they meet in are in `cio_sim.forums`."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING, Any, NamedTuple

from .institutions import (
    ADVISER_ROLE,
    CXO_ROLES,
    PORTFOLIO_HOLDERS,
    THEMES,
    first_step_in,
    year_of_step,
)
from .judgement import Judgement, utility
from .lazy_mesa import mesa
from .proposals import Proposal
from .types import ABSTAIN, OBJECT, RESERVE, SUPPORT, Tally

WEEKS_PER_YEAR = 52
NEVER = 1 << 62        # a step no run reaches: the jaaragenda does not come back


class OverrideRow(NamedTuple):
    """One use of the fallback (doorzettingsmacht or the Minister of BZK)."""

    step: int
    proposal_id: int
    domain: str
    objections: int
    reserves: int


class OverrideCase(NamedTuple):
    """One round in which the fallback could decide (a real objection remained after
    `regime.override_rounds`): whether CIO Rijk overrode and why (`reason`, one of
    `OVERRIDE_REASONS`), with the value and the cost it weighed."""

    step: int
    proposal_id: int
    domain: str
    objections: int
    overrode: bool
    reason: str
    value: float
    cost: float


class LeadCase(NamedTuple):
    """One keuzematrix q4 item on which an objection remained after the alignment in the
    CIO-beraad and CIO Rijk, in the lead (ADR:L607), decided: whether it adopted, with the
    Rijksbreed value and the implementation loss it weighed."""

    step: int
    proposal_id: int
    domain: str
    objections: int
    adopted: bool
    value: float
    cost: float


#: Why CIO Rijk overrode ("worth_it") or declined: the topic is outside the override scope,
#: the yearly cap is used up, the Rijksbreed value is too low, the overridden departments'
#: lower compliance eats the value (ADR:L573 "geen garantie"), or the political capital of
#: another override costs more than it is worth (BLOG:L52 "vangnet").
OVERRIDE_REASONS = ("worth_it", "out_of_scope", "budget_cap", "low_value", "implementation",
                    "political_capital")

if TYPE_CHECKING:
    from .regimes import Prioritisation
    from .types import ModelView as CIOModel

__all__ = ["ABSTAIN", "OBJECT", "OVERRIDE_REASONS", "RESERVE", "SUPPORT", "AdvisoryCIO",
           "CIORijk", "DepartmentalCIO", "LeadCase", "Member", "OverrideCase"]


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
        self.judgement = Judgement(pos)
        self._unaffected = pos["unaffected_stake"]
        self._threshold = pos["objection_threshold"]
        self._rng = model.rng           # hot path: one attribute lookup instead of two

    def stake(self, proposal: Proposal, index: int | None) -> float:
        return 1.0 if index is not None and index in proposal.affected else self._unaffected

    def utility(self, proposal: Proposal, stake: float, context: float) -> float:
        """Benefit to the own organisation minus cost of fit, scaled by how much the item
        changes (`cio_sim.judgement`: ambition x impact; the fit cost grows with the 'hoe'
        times the autonomy preference plus the own context mismatch)."""
        return utility(stake * self.judgement.change(proposal), self.priority[proposal.theme],
                       proposal.prescriptiveness, self.judgement.fit_autonomy(self.autonomy),
                       context)

    def position(self, proposal: Proposal, stake: float, context: float,
                 reviewed: bool, z: float | None = None, u: float | None = None) -> int:
        """Support, abstain or object. Objecting costs goodwill, so small doubts abstain;
        an unaffected member has little at stake and rarely objects.

        `z` is the standard normal noise draw (drawn here if not given); `u` the uniform
        draw a delegate uses. The forums compute the same positions in bulk
        (`forums.tally.Seats`)."""
        sd = self._noise * (1.0 if reviewed else self._blind) * stake
        if z is None:
            z = float(self._rng.standard_normal())
        u_ = self.utility(proposal, stake, context) + sd * z
        if u_ >= 0:
            return SUPPORT
        return OBJECT if u_ < -self._threshold else ABSTAIN


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
        self._adviser_relief = att["adviser_relief"]
        self.cxo_roles = CXO_ROLES.get(code, {})
        self._all_roles_advise: bool = model.p["regime"]["advisers"]
        self._cxo_dates = model.p["cxo"]
        self._start_year = model.p["start_year"]
        self._delegate_commit = att["delegate_commit_prob"]
        self._min_prepared = att["min_prepared_share"]
        self._max_bank = model.p["cio_beraad"]["interval_weeks"]
        for theme in PORTFOLIO_HOLDERS.get(code, ()):
            self.priority[theme] += model.p["positions"]["portfolio_bonus"]
        # The advised domains change only at the `cxo` dates: worked out once per run, as
        # the steps from which each value holds (read at every meeting by `prepare`).
        self._advised_from = sorted({0, *(first_step_in(self._start_year, self._cxo_dates[key])
                                          for key, _ in self.cxo_roles.values())})
        self._advised = [self._advised_at(step) for step in self._advised_from]
        self.last_meeting = 0
        self.spent_elsewhere = 0.0      # hours spent in other fora since the last meeting
        self.hours_available = 0.0
        self.hours_used = 0.0
        self.delegated = False

    def roles_at(self, step: int) -> frozenset[str]:
        """The CxO roles the department has at `step` (ADR Table 3; CDOs from autumn 2022,
        RK:L541-546), whether or not they advise the CIO."""
        year = year_of_step(self._start_year, step)
        return frozenset(role for role, (key, _) in self.cxo_roles.items()
                         if year >= self._cxo_dates[key])

    def advised_domains(self, step: int) -> frozenset[str]:
        """Domains in which a CxO adviser takes over part of the review at `step`: roles that
        exist then and are placed under the CIO (every existing role under `regime.advisers`,
        the Besluit 2025, N26:L11)."""
        return self._advised[bisect.bisect_right(self._advised_from, step) - 1]

    def _advised_at(self, step: int) -> frozenset[str]:
        """`advised_domains` worked out from the roles at `step`."""
        roles = self.roles_at(step)
        return frozenset(domain for domain, role in ADVISER_ROLE.items() if role in roles
                         and (self._all_roles_advise or self.cxo_roles[role][1]))

    def review_hours(self, proposal: Proposal) -> float:
        advised = proposal.domain in self.advised_domains(self.model.steps)
        relief = self._adviser_relief if advised else 0.0
        return self._review_hours * (1.0 - relief)

    def spend(self, hours: float) -> None:
        """Time spent in another forum (e.g. the ICBR) comes out of the next budget."""
        self.spent_elsewhere += hours

    def prepare(self, agenda: list[Proposal], meeting_hours: float,
                domains: list[str] | None = None) -> list[bool]:
        """Spend the attention budget on the coming meeting.

        Hours accrue weekly from the CIO-role time share; a CIO without the hours to attend
        sends a delegate (ADR:L966). Returns per item whether the paper was reviewed.
        `domains` (the items' domains) may be passed in when it is known for the whole
        meeting.

        Papers are read in agenda order while the budget lasts."""
        step = self.model.steps
        weeks = min(step - self.last_meeting, self._max_bank)   # hours bank one interval
        self.last_meeting = step
        accrued = weeks * self.weekly_hours
        budget = max(0.0, accrued - self.spent_elsewhere)
        self.spent_elsewhere = 0.0
        self.hours_available += accrued
        full = self._review_hours
        advised = self.advised_domains(step) if self._adviser_relief else frozenset()
        if domains is None:
            needs = [self.review_hours(item) for item in agenda]
        else:
            relieved = full * (1.0 - self._adviser_relief)
            needs = [relieved if d in advised else full for d in domains]
        # A CIO who cannot attend and read the minimum share of the papers sends a delegate.
        self.delegated = budget < meeting_hours + self._min_prepared * sum(needs)
        if self.delegated:
            return [False] * len(agenda)
        budget -= meeting_hours
        used = meeting_hours
        reviewed = []
        for need in needs:
            if budget >= need:
                budget -= need
                used += need
                reviewed.append(True)
            else:
                reviewed.append(False)
        self.hours_used += used
        return reviewed

    def position(self, proposal: Proposal, stake: float, context: float,
                 reviewed: bool, z: float | None = None, u: float | None = None) -> int:
        if proposal.weapon_systems and self.code == "DEF":
            return ABSTAIN              # DEF makes its own assessment (ADR:L968)
        pos = super().position(proposal, stake, context, reviewed, z)
        if self.delegated and pos != ABSTAIN:
            if u is None:
                u = float(self._rng.random())
            if u > self._delegate_commit:
                return RESERVE          # the delegate cannot commit the department
        return pos

    def written_position(self, proposal: Proposal, context: float, z: float) -> int:
        """The CIO's own position given in writing after a delegate's reserve: reviewed,
        never a reserve (`z`: the noise draw)."""
        if proposal.weapon_systems and self.code == "DEF":
            return ABSTAIN
        return Member.position(self, proposal, self.stake(proposal, self.index), context,
                               True, z)

    def willingness(self, proposal: Proposal, context: float) -> float:
        """Chance the department implements a kader of its own accord (logistic in utility)."""
        return self.judgement.willingness(self.utility(proposal, 1.0, context))


class AdvisoryCIO(Member):
    """An uitvoeringsorganisatie CIO: advisory only, but in practice its assent is sought
    (ADR:L966-970). Its stake in an item grows with the item's Rijksbreed impact."""

    def stake(self, proposal: Proposal, index: int | None) -> float:
        return max(self._unaffected, proposal.impact if proposal.n_affected >= 2 else 0.0)


class CIORijk(mesa.Agent):
    """Chairs the CIO-beraad, sets its agenda, decides under doorzettingsmacht, monitors."""

    model: CIOModel

    def __init__(self, model: CIOModel):
        super().__init__(model)
        cr = model.p["cio_rijk"]
        self._turnover_p = cr["turnover_per_year"] / 52.0
        # ADR:L2453: no jaaragenda "since" the turnover ('permanent'), or for a while.
        self._disruption = (cr["turnover_disruption_weeks"]
                            if cr["jaaragenda_loss"] == "temporary" else None)
        self._threshold = cr["override_threshold"]
        self._fit_regard = cr["fit_regard"]
        self.judgement = Judgement(model.p["positions"])
        self._budget = model.p["regime"]["override_budget_per_year"]
        self._discretion = model.p["regime"]["override_policy"] == "discretion"
        self._capital = cr["override_capital"]
        self._recovery = cr["capital_recovery_weeks"]
        self._resentment = model.p["compliance"]["override_resentment"]
        self.disrupted_until = -1
        self.turnovers = 0
        self.overrides_by_year: dict[int, int] = {}
        self.override_log: list[OverrideRow] = []
        self.case_log: list[OverrideCase] = []
        self.lead_log: list[LeadCase] = []

    @property
    def has_jaaragenda(self) -> bool:
        """A jaaragenda exists until a turnover ends it: for good under
        `cio_rijk.jaaragenda_loss = "permanent"` (ADR:L2453), else for a while."""
        return self.model.steps >= self.disrupted_until

    def step(self) -> None:
        if self._turnover_p and self.model.rng.random() < self._turnover_p:
            self.turnovers += 1
            self.disrupted_until = (NEVER if self._disruption is None
                                    else self.model.steps + self._disruption)

    def fill_agenda(self, waiting: list[Proposal], slots: int, strategic_slots: int,
                    prioritisation: Prioritisation | None) -> list[Proposal]:
        """Choose the items for the next meeting: the strategic slots first while a
        jaaragenda exists, then the rest in the order of the prioritisation (None: the
        waiting list is in that order already)."""
        ranked = waiting if prioritisation is None else prioritisation.rank(waiting)
        agenda: list[Proposal] = []
        if self.has_jaaragenda and strategic_slots:
            wanted = min(strategic_slots, slots)
            for p in ranked:
                if len(agenda) >= wanted:
                    break
                if p.strategic:
                    agenda.append(p)
        chosen = set(map(id, agenda))
        for p in ranked:
            if len(agenda) >= slots:
                break
            if id(p) not in chosen:
                agenda.append(p)
        return agenda

    def rijksbreed_value(self, proposal: Proposal) -> float:
        """CIO Rijk's view: impact-weighted benefit of the affected departments (all of them
        when none is) minus a part (`cio_rijk.fit_regard`) of their fit cost
        (:meth:`cio_sim.judgement.Judgement.rijksbreed_value`)."""
        departments = self.model.departments
        affected = [departments[i] for i in proposal.affected] or departments
        theme = proposal.theme
        return self.judgement.rijksbreed_value(proposal, [c.priority[theme] for c in affected],
                                               [c.autonomy for c in affected],
                                               self._fit_regard)

    def judge(self, proposal: Proposal) -> bool:
        """Doorzettingsmacht: worth overriding when CIO Rijk's view of the Rijksbreed value
        exceeds its threshold (`cio_rijk.override_threshold`)."""
        return self.rijksbreed_value(proposal) > self._threshold

    def consider_override(self, proposal: Proposal, tally: Tally, in_scope: bool) -> bool:
        """A case for the fallback: decide whether to override and log the case with its
        reason. Under `regime.override_policy = "quota"` CIO Rijk overrides whenever the
        Rijksbreed value clears the threshold and the yearly budget has room; under
        `"discretion"` it also weighs what overriding costs: the value lost to the
        overridden departments' lower compliance (ADR:L573 "geen garantie") and the
        political capital of one more use of a vangnet (BLOG:L52), dearer for each use in
        the last `cio_rijk.capital_recovery_weeks`. The yearly budget is a cap on top: a case
        logged "budget_cap" is one CIO Rijk would have taken had the cap left room."""
        value = cost = 0.0
        if not in_scope:
            reason = "out_of_scope"
        else:
            value = self.rijksbreed_value(proposal)
            if not value > self._threshold:
                reason = "low_value"
            elif not self._discretion:
                reason = "worth_it"
            else:
                loss = self.implementation_loss(proposal, tally, value)
                capital = self._capital * (1 + self.recent_overrides())
                cost = loss + capital
                if value - cost > self._threshold:
                    reason = "worth_it"
                elif value - capital > self._threshold:
                    reason = "implementation"
                else:
                    reason = "political_capital"
            if reason == "worth_it" and not self.may_override():
                reason = "budget_cap"          # it would have overridden: the cap binds
        overrode = reason == "worth_it"
        self.case_log.append(OverrideCase(self.model.steps, proposal.id, proposal.domain,
                                          tally.object, overrode, reason, value, cost))
        return overrode

    def implementation_loss(self, proposal: Proposal, tally: Tally, value: float) -> float:
        """The Rijksbreed value lost when the departments decided over implement less
        willingly (`compliance.override_resentment`; ADR:L573 "geen garantie")."""
        return value * self.overridden_share(proposal, tally) * (1.0 - self._resentment)

    def lead_decides(self, proposal: Proposal, tally: Tally) -> bool:
        """q4 in CIO Rijk's lead (ADR:L607): after the alignment an objection remains; CIO
        Rijk adopts when the Rijksbreed value, less what the objecting departments' lower
        compliance costs, clears its threshold. Logged in `lead_log`."""
        value = self.rijksbreed_value(proposal)
        cost = self.implementation_loss(proposal, tally, value) if value > 0 else 0.0
        adopted = value - cost > self._threshold
        self.lead_log.append(LeadCase(self.model.steps, proposal.id, proposal.domain,
                                      tally.object, adopted, value, cost))
        return adopted

    def overridden_share(self, proposal: Proposal, tally: Tally) -> float:
        """Share of the affected departments (all, when none is) an override would overrule."""
        overruled = {*tally.objectors, *tally.reservers}
        affected = proposal.affected
        if not affected:
            return len(overruled) / len(self.model.departments)
        return sum(1 for i in affected if i in overruled) / len(affected)

    def recent_overrides(self) -> int:
        """Overrides in the last `cio_rijk.capital_recovery_weeks` weeks."""
        since = self.model.steps - self._recovery
        return sum(1 for row in self.override_log if row.step > since)

    def _year(self) -> int:
        return max(0, self.model.steps - 1) // WEEKS_PER_YEAR

    def may_override(self) -> bool:
        """Whether this year's budget of overrides (`regime.override_budget_per_year`) has
        room left: each use costs political capital (assumption; BLOG:L52 'vangnet')."""
        return self.overrides_by_year.get(self._year(), 0) < self._budget

    def record_override(self, proposal: Proposal, tally: Tally) -> None:
        """Count one use of the fallback against this year's budget and log it."""
        year = self._year()
        self.overrides_by_year[year] = self.overrides_by_year.get(year, 0) + 1
        self.override_log.append(OverrideRow(self.model.steps, proposal.id, proposal.domain,
                                             tally.object, tally.reserve))
