"""The app's controls, described from the parameter schema: label, unit, range, provenance.

Only the keys are chosen here; everything a control shows comes from :data:`cio_sim.SCHEMA`,
so the app cannot drift from the model's documented parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..params import Param, lookup
from ..scenario import Scenario

#: Controls per group, in display order: the regime parts first, then the main assumptions.
GROUPS: dict[str, tuple[str, ...]] = {
    "Regime parts": (
        "regime.decision_rule", "regime.override_rounds", "regime.routing",
        "regime.working_group_rule",
        "regime.instruments", "regime.kader_force", "regime.escalation",
        "regime.voorportalen", "regime.advisers", "regime.advisory_members",
    ),
    "CIO-beraad": (
        "cio_beraad.interval_weeks", "cio_beraad.slots", "cio_beraad.prioritisation",
        "cio_beraad.maturity_required", "cio_beraad.max_rounds", "cio_beraad.dilution",
    ),
    "Arrivals": (
        "arrivals.departmental_per_year", "arrivals.incident_per_year",
        "arrivals.parliamentary_per_year", "arrivals.cio_rijk_per_year",
    ),
    "Attention and positions": (
        "attention.rijksbreed_share", "attention.delegate_commit_prob",
        "positions.noise_sd", "positions.fit_weight", "positions.objection_threshold",
    ),
    "Voorportalen and ICBR": (
        "voorportaal.vooroverleg.quality", "voorportaal.pass_maturity",
        "icbr.adoption_prob", "icbr.bypass_prob",
    ),
    "Compliance": (
        "compliance.enforcement", "compliance.report_in_progress",
        "compliance.jaargesprek_detection",
    ),
    "Run": ("horizon_weeks",),
}

#: Slider ranges narrower than the schema's allowed range, where the full range is unwieldy.
SLIDER_LIMITS: dict[str, tuple[float, float]] = {
    "horizon_weeks": (52, 520),
    "regime.override_rounds": (1, 8),
    "cio_beraad.interval_weeks": (1, 13),
    "cio_beraad.slots": (1, 20),
    "cio_beraad.max_rounds": (1, 12),
    "arrivals.departmental_per_year": (0, 60),
    "arrivals.incident_per_year": (0, 40),
    "arrivals.parliamentary_per_year": (0, 40),
    "arrivals.cio_rijk_per_year": (0, 30),
    "positions.noise_sd": (0, 1),
    "positions.fit_weight": (0, 3),
    "positions.objection_threshold": (0, 1),
}


@dataclass(frozen=True)
class Control:
    """One control: which widget, its range and what it says about the parameter."""

    key: str
    param: Param
    widget: str                 # "select", "checkbox", "int" or "float"
    low: float | None = None
    high: float | None = None
    step: float | None = None

    @property
    def label(self) -> str:
        unit = self.param.unit
        return f"{self.param.doc} [{unit}]" if unit and unit != "share" else (
            f"{self.param.doc} [share 0-1]" if unit == "share" else self.param.doc)

    def source(self) -> str:
        """Provenance as shown: 'source: ADR:L968-970' or 'assumption: ...'."""
        prov = self.param.provenance
        return prov if prov.startswith("assumption") else f"source: {prov}"

    def note(self, scenario: Scenario, value: Any) -> str:
        """One line under the control: the scenario's value, and who set it."""
        base = scenario.get(self.key)
        set_by = scenario.provenance_overrides.get(self.key, "schema default")
        mark = "changed here; " if value != base else ""
        return f"{mark}{scenario.name}: {fmt(base)} ({set_by}) · {self.source()}"


def fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def control(key: str) -> Control:
    """The control for a dotted key, from its schema entry."""
    p = lookup(key)
    if p is None:
        raise KeyError(f"{key}: not in the parameter schema")
    if p.choices is not None:
        return Control(key, p, "select")
    if isinstance(p.default, bool):
        return Control(key, p, "checkbox")
    low, high = SLIDER_LIMITS.get(key, (p.low, p.high))
    if isinstance(p.default, int):
        return Control(key, p, "int", int(low), int(high), 1)
    span = float(high) - float(low)
    return Control(key, p, "float", float(low), float(high), 0.01 if span <= 1 else 0.1)


def all_controls() -> dict[str, list[Control]]:
    return {group: [control(k) for k in keys] for group, keys in GROUPS.items()}
