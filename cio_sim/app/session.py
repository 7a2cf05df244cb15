"""What the app runs: one regime, or two regimes side by side on the same seed.

:class:`Exploration` is a Mesa model whose step advances every run by one week, so Mesa's
visualisation controller (step, play, reset) drives it like any model. Run B takes run A's
scenario and assumptions and swaps in another preset's regime parts, with the same seed:
arrivals come from their own random stream, so both runs see the same proposals and their
difference is a paired difference. The page's runs at seed ``S`` are replication 1 of a batch
at seed ``S`` (``cio-sim run ... --seed S``, ``cio-sim compare ... --seed S``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..batch.seeds import run_seed
from ..lazy_mesa import mesa
from ..model import CIOModel
from ..params import SCHEMA
from ..scenario import Scenario, load_scenario

REGIME_KEYS: tuple[str, ...] = tuple(f"regime.{k}" for k in SCHEMA["regime"])
#: What run B takes from the compared scenario: its regime parts and the keuzematrix's own
#: settings (a preset may set either; the world, arrivals and behaviour stay run A's).
RUN_B_KEYS: tuple[str, ...] = REGIME_KEYS + tuple(f"keuzematrix.{k}" for k in SCHEMA["keuzematrix"])


@dataclass(frozen=True)
class Settings:
    """Everything that defines the runs: base scenario, changed values, seed, second regime."""

    scenario: str = "consensus_2021"
    overrides: tuple[tuple[str, Any], ...] = ()
    seed: int = 1
    compare: str | None = None      # a scenario whose regime parts run B uses

    def with_value(self, key: str, value: Any) -> Settings:
        """A copy with one dotted key set (or cleared when it equals the scenario's value)."""
        base = load_scenario(self.scenario)
        rest = tuple((k, v) for k, v in self.overrides if k != key)
        if base.get(key) != value:
            rest = tuple(sorted((*rest, (key, value))))
        return Settings(self.scenario, rest, self.seed, self.compare)

    def replace(self, **changes: Any) -> Settings:
        fields = {"scenario": self.scenario, "overrides": self.overrides, "seed": self.seed,
                  "compare": self.compare, **changes}
        if fields["scenario"] != self.scenario:
            fields["overrides"] = ()          # a new base scenario starts from its own values
        return Settings(**fields)

    @property
    def changed(self) -> dict[str, Any]:
        return dict(self.overrides)


#: Where the page's changed values come from, in errors and in the values' provenance.
PAGE = "the page's controls"


def scenario_a(settings: Settings) -> Scenario:
    """Run A: the base scenario with the changed values (a refused one is named as the
    page's, not as a command line's ``--set``)."""
    base = load_scenario(settings.scenario)
    return base.with_overrides(settings.changed, source=PAGE) if settings.changed else base


def scenario_b(settings: Settings) -> Scenario | None:
    """Run B: run A's scenario with the regime parts of `settings.compare`."""
    if not settings.compare:
        return None
    other = load_scenario(settings.compare)
    regime = {k: other.get(k) for k in RUN_B_KEYS}
    return scenario_a(settings).with_overrides(regime, source=f"regime of {settings.compare}")


def _label(scenario: Scenario, changed: Mapping[str, Any], run: str) -> str:
    extra = f" with {len(changed)} change(s)" if changed else ""
    return f"{run}: {scenario.name}{extra}"


@dataclass
class Run:
    """One simulated regime and how it is labelled in the views."""

    label: str
    model: CIOModel
    scenario: Scenario
    regime: dict[str, Any] = field(default_factory=dict)


class Exploration(mesa.Model):
    """One or two CIOModel runs stepped together, one week per step."""

    def __init__(self, settings: Settings | None = None):
        super().__init__()
        self.settings = settings = settings or Settings()
        sc_a = scenario_a(settings)
        self.runs: list[Run] = [Run(_label(sc_a, settings.changed, "A"),
                                    CIOModel(sc_a, seed=run_seed(settings.seed, 0)), sc_a,
                                    {k: sc_a.get(k) for k in REGIME_KEYS})]
        sc_b = scenario_b(settings)
        if sc_b is not None:
            self.runs.append(Run(f"B: regime of {settings.compare}",
                                 CIOModel(sc_b, seed=run_seed(settings.seed, 0)), sc_b,
                                 {k: sc_b.get(k) for k in REGIME_KEYS}))
        self.week = 0
        self.horizon = max(r.model.horizon for r in self.runs)

    @property
    def paired(self) -> bool:
        return len(self.runs) == 2

    def step(self) -> None:
        """One more week in every run that has not reached its horizon."""
        for run in self.runs:
            if run.model.steps < run.model.horizon:
                run.model.step()
        self.week = max(r.model.steps for r in self.runs)
        self.running = self.week < self.horizon

    def advance_to(self, week: int) -> Exploration:
        """Step until `week` (or the horizon); returns self."""
        while self.running and self.week < week:
            self.step()
        return self


def replicate(settings: Settings, replications: int, workers: int = 1):
    """Run A and B ``replications`` times on common random numbers with the batch runner
    (replication 1 is the page's pair) and return the paired table (B − A per metric, with
    its 95% interval and verdict), over each run's whole horizon."""
    from ..batch.runner import compare

    sc_b = scenario_b(settings)
    if sc_b is None:
        raise ValueError("replications compare two runs: switch side by side on first")
    sc_a = scenario_a(settings)
    sc_b = dataclasses.replace(sc_b, name=f"{sc_a.name} with the regime of {settings.compare}")
    result = compare([sc_a, sc_b], replications=replications, seed=settings.seed,
                     workers=workers, weekly=False)
    return result.paired_table()
