"""Keuzematrix q1 and q2: items closed by a department or a community of departments, and
the scale-up of a shared experiment into a multi-department proposal (ADR:L607)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from ..lazy_mesa import mesa
from ..proposals import Proposal
from ..types import ForumName, State
from .base import Forum

if TYPE_CHECKING:
    from ..arrivals import ArrivalGenerator, ArrivalSpec
    from ..flow import Flow


class DepartmentalClosure(Forum):
    """q1: "het vraagstuk departementaal aanpakken; Rijksbrede behandeling ... niet nodig"
    (ADR:L607). The department handles the item after a drawn time; it closes as handled
    locally, apart from CIO-system decisions, unless it has financial or organisational
    consequences, which go to the ICBR in every quadrant (ADR:L994)."""

    name = ForumName.DEPARTMENT

    def __init__(self, model: mesa.Model, flow: Flow):
        super().__init__(model, flow)
        df = model.p["department_forum"]
        self.mean_weeks = df["decision_weeks"]
        self.shape = df["weeks_shape"]

    def admit(self, proposal: Proposal) -> None:
        self.flow.transition(proposal, State.IN_DEPARTMENT)
        self.flow.schedule(self.draw_weeks(), self.decide, proposal)

    def draw_weeks(self) -> int:
        """Weeks until the item is handled: gamma with the forum's mean and shape."""
        weeks = self.model.rng.gamma(self.shape, self.mean_weeks / self.shape)
        return max(1, round(float(weeks)))

    def decide(self, proposal: Proposal) -> None:
        self.flow.close_locally(proposal, self.name)


class ScaleUp:
    """A shared experiment scaled up into a multi-department proposal (ADR:L607)."""

    def __init__(self, flow: Flow, arrivals: ArrivalGenerator, clock_model: mesa.Model,
                 prob: float, weeks: int):
        self.flow = flow
        self.arrivals = arrivals
        self.model = clock_model
        self.prob = prob
        self.weeks = weeks

    def consider(self, experiment: Proposal) -> None:
        """After an experiment closes: perhaps schedule its scale-up."""
        if self.model.rng.random() < self.prob:
            self.flow.schedule(self.weeks, self.submit, experiment)

    def submit(self, experiment: Proposal) -> None:
        self.flow.submit(self.spec(experiment))

    def spec(self, prop: Proposal) -> ArrivalSpec:
        """A new departmental arrival that takes the experiment's theme, domain and reach."""
        spec = self.arrivals.stochastic("departmental", self.model.steps)
        traits = dataclasses.replace(
            spec.traits, origin="scale_up", theme=prop.theme, domain=prop.domain,
            affected=self.arrivals.several("departmental", prop.affected[0]),
            impact=max(prop.impact, spec.traits.impact), label=f"scale-up of {prop.id}")
        return dataclasses.replace(spec, traits=traits)


class CommunityClosure(DepartmentalClosure):
    """q2: "deel ervaringen ... ruimte om te experimenteren" (ADR:L607): a community shares
    and experiments, after a drawn time the item closes as handled locally (not a kader)
    and may be scaled up; F/O items go to the ICBR (ADR:L994)."""

    name = ForumName.COMMUNITY

    def __init__(self, model: mesa.Model, flow: Flow, scale_up: ScaleUp):
        super().__init__(model, flow)
        self.scale_up = scale_up

    def decide(self, proposal: Proposal) -> None:
        self.flow.close_locally(proposal, self.name)
        self.scale_up.consider(proposal)
