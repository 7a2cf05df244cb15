"""Arrival streams: the dated roadmap milestones (planned) and stochastic streams for
departmental items, incidents, parliamentary commitments and CIO Rijk's own items.

All arrivals for the horizon are drawn up front from a generator of their own, so two
regimes run with the same seed see the same proposals (common random numbers)."""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from .draws import BoundedIntegers
from .institutions import COMPLEXITIES, THEME_DOMAINS, THEMES
from .proposals import Traits
from .types import ItemKind

WEEKS_PER_YEAR = 52
WEEKS_PER_QUARTER = 13
# Beta concentration for drawn shares: assumption, a moderate spread around each mean.
CONCENTRATION = 6.0
# Impact of roadmap items by scope (besluit_extract §4.2 scope labels; values assumption).
SCOPE_IMPACT = {"rijksbreed": 0.7, "voorziening": 0.7, "kader": 0.65, "agreement": 0.5,
                "central": 0.35, "department": 0.3}
# Share of incident items that are security items (assumption: CISO Rijk incidents, B21 art 14).
INCIDENT_SECURITY_SHARE = 0.6
# Mean share of the other departments a multi-department item affects (assumption).
SPREAD = {"departmental": 0.25, "incident": 0.5, "parliamentary": 0.6, "cio_rijk": 1.0}
# The stochastic streams, in the order they are drawn (that order is part of the stream).
STOCHASTIC_ORIGINS = ("departmental", "incident", "parliamentary", "cio_rijk")
# Mean impact by origin (assumption: items from the centre aim Rijksbreed).
IMPACT_MEAN = {"departmental": 0.4, "incident": 0.5, "parliamentary": 0.5, "cio_rijk": 0.6}


@dataclass(frozen=True, slots=True)
class ArrivalSpec:
    """A new proposal's arrival: its week, its traits and how well it fits each member."""

    week: int
    traits: Traits
    context: tuple[float, ...]       # context mismatch per member (departments, then advisory)


def _beta_ab(mean: float) -> tuple[float, float]:
    """Beta parameters for a share around `mean` (concentration `CONCENTRATION`)."""
    mean = min(max(mean, 1e-3), 1 - 1e-3)
    return mean * CONCENTRATION, (1 - mean) * CONCENTRATION


def load_milestones() -> list[dict[str, str]]:
    """The dated roadmap milestones (RK; besluit_extract §4.2) bundled with the package."""
    return [dict(row) for row in _milestones()]


@functools.cache
def _milestones() -> tuple[dict[str, str], ...]:
    """The bundled milestones, read once per process (every model construction uses them)."""
    text = resources.files("cio_sim.data").joinpath("roadmap_milestones.csv").read_text()
    return tuple(csv.DictReader(text.splitlines()))


class ArrivalGenerator:
    """Draws the arrival specs for a run.

    Construction is a large part of a short run (the arrivals about 11% of a 5-year run,
    benchmarks/README.md), so `stochastic` is written tight: the beta parameters are worked
    out once per generator and the traits are drawn inline, one scalar at a time in a fixed
    order (that order is the arrival stream; keep it). Bounded integers
    and samples come from `draws.BoundedIntegers` (numpy's numbers without numpy's per-call
    cost), so every integer draw from `rng` must go through `self.ints`."""

    def __init__(self, p: dict[str, Any], n_departments: int, n_members: int,
                 rng: np.random.Generator, n_seats: int | None = None):
        self.p = p
        self.n = n_departments
        self.n_members = n_members
        # Every item draws a context for all `n_seats` seats a regime can fill and keeps its
        # members' part: the stream is then the same whatever seats the regime fills, so two
        # regimes on one seed see the same arrivals (common random numbers).
        self.n_seats = max(n_members, n_seats or n_members)
        self.rng = rng
        self.ints = BoundedIntegers(rng)
        self.pp = pp = p["proposals"]
        self._context_sd = p["positions"]["context_sd"]
        # Per origin: beta parameters of impact, prescriptiveness and maturity (see `_beta_ab`).
        self._beta_params = {origin: (
            _beta_ab(IMPACT_MEAN[origin]), _beta_ab(pp["prescriptiveness_mean"]),
            _beta_ab(pp["maturity_incident_mean"] if origin == "incident"
                     else pp["maturity_mean"])) for origin in IMPACT_MEAN}
        # Roadmap items: impact by scope, prescriptiveness and maturity as departmental items.
        self._scope_impact = {scope: _beta_ab(mean) for scope, mean in SCOPE_IMPACT.items()}
        self._presc_ab, self._maturity_ab = _beta_ab(pp["prescriptiveness_mean"]), \
            _beta_ab(pp["maturity_mean"])

    def _context(self) -> tuple[float, ...]:
        drawn = self.rng.normal(0.0, self._context_sd, self.n_seats).tolist()
        return tuple(drawn[:self.n_members] if self.n_seats > self.n_members else drawn)

    def _complexity(self) -> str:
        u = self.rng.random()
        if u < self.pp["p_simple"]:
            return COMPLEXITIES[0]
        return COMPLEXITIES[2] if u < self.pp["p_simple"] + self.pp["p_complex"] \
            else COMPLEXITIES[1]

    def _kind(self, origin: str) -> str:
        """What the item is, by the shares in `proposals` (one draw)."""
        u, pp = self.rng.random(), self.pp
        if origin == "incident":
            return ItemKind.INCIDENT_RESPONSE if u < pp["p_incident_response"] \
                else ItemKind.KADER
        if u < pp["p_study"]:
            return ItemKind.STUDY
        return ItemKind.FINANCIAL if u < pp["p_study"] + pp["p_financial"] else ItemKind.KADER

    def several(self, origin: str, first: int | None) -> tuple[int, ...]:
        n_others = self.n - 1 if first is not None else self.n
        k = 1 + int(self.rng.binomial(n_others - 1, SPREAD[origin])) if n_others else 0
        # Choosing positions among the others (0..n_others-1) draws the same numbers as
        # choosing from the list of the others; position j is department j, or j + 1 from
        # the own department on.
        chosen = self.ints.sample(n_others, min(k, n_others))
        if first is None:
            return tuple(sorted(chosen))
        return tuple(sorted([first, *(j + (j >= first) for j in chosen)]))

    def stochastic(self, origin: str, week: int) -> ArrivalSpec:
        rng, pp, below = self.rng, self.pp, self.ints.below
        theme = THEMES[below(len(THEMES))]   # the draw rng.choice(THEMES) makes
        domains = THEME_DOMAINS[theme]
        if origin == "incident" and rng.random() < INCIDENT_SECURITY_SHARE:
            domain = "security"
        else:
            domain = domains[below(len(domains))]
        if origin == "departmental":
            own = below(self.n)
            affected = self.several(origin, own) if rng.random() < \
                pp["p_several_departmental"] else (own,)
        elif origin == "cio_rijk":
            affected = tuple(range(self.n))
        else:
            affected = self.several(origin, None)
        kind = self._kind(origin)
        # A financial decision has financial consequences by definition.
        fin_org = rng.random() < pp["p_fin_org"] or kind == ItemKind.FINANCIAL
        impact_ab, presc_ab, maturity_ab = self._beta_params[origin]
        # The order of the draws: impact, complexity, outside, strategic, prescriptiveness,
        # maturity, weapon systems, context.
        impact = rng.beta(*impact_ab)
        complexity = self._complexity()
        outside = fin_org and rng.random() < pp["p_outside_digitalisation"]
        strategic = rng.random() < pp[f"p_strategic_{origin}"]
        prescriptiveness = rng.beta(*presc_ab)
        maturity = rng.beta(*maturity_ab)
        traits = Traits(
            origin=origin, theme=theme, domain=domain, affected=affected,
            impact=float(impact), complexity=complexity, fin_org=bool(fin_org),
            outside_digitalisation=bool(outside), strategic=bool(strategic),
            prescriptiveness=float(prescriptiveness), maturity=float(maturity),
            weapon_systems=bool(rng.random() < pp["p_weapon_systems"]), kind=kind,
        )
        return ArrivalSpec(week, traits, self._context())

    def planned(self, row: dict[str, str], week: int) -> ArrivalSpec:
        rng, pp = self.rng, self.pp
        scope = row["scope"]
        affected = (self.ints.below(self.n),) if scope == "department" else tuple(range(self.n))
        fin_org = row["fin_org"] == "1"
        traits = Traits(
            origin="roadmap", theme=int(row["theme"]), domain=row["domain"],
            affected=affected, impact=float(rng.beta(*self._scope_impact[scope])),
            complexity=row["complexity"], fin_org=fin_org,
            outside_digitalisation=fin_org and bool(rng.random() < pp["p_outside_digitalisation"]),
            strategic=row["strategic"] == "1",
            prescriptiveness=float(rng.beta(*self._presc_ab)),
            maturity=float(rng.beta(*self._maturity_ab)),
            weapon_systems=False, label=row["id"],
            # Scope 'central': BZK's own roadmap tasks (e.g. CIO-cafés), not kaders (RK).
            kind=ItemKind.CENTRAL_TASK if scope == "central" else ItemKind.KADER,
        )
        return ArrivalSpec(week, traits, self._context())

    def inputs(self) -> tuple[Any, ...]:
        """Everything the arrival streams depend on besides the generator's state: the
        `proposals`, `arrivals` and `positions.context_sd` parameters and the seat counts
        (`SharedArrivals` hands the arrivals of one run to another only when these agree)."""
        return (repr(self.pp), repr(self.p["arrivals"]), self._context_sd, self.n,
                self.n_members, self.n_seats)

    def state(self) -> tuple[dict[str, Any], int | None]:
        """Where the generator's random stream stands (its bit generator and the unused half
        that `BoundedIntegers` holds)."""
        return self.rng.bit_generator.state, self.ints.half

    def restore(self, state: tuple[dict[str, Any], int | None]) -> None:
        """Put the random stream where `state` says."""
        self.rng.bit_generator.state, self.ints.half = state

    def all(self, horizon: int, start_year: int) -> dict[int, list[ArrivalSpec]]:
        """Arrival specs by week for the whole horizon."""
        by_week: dict[int, list[ArrivalSpec]] = {}
        if self.p["arrivals"]["planned"]:
            for row in _milestones():
                week = ((int(row["year"]) - start_year) * WEEKS_PER_YEAR
                        + (int(row["quarter"]) - 1) * WEEKS_PER_QUARTER
                        + self.ints.below(WEEKS_PER_QUARTER))
                spec = self.planned(row, week)
                if 0 <= week < horizon:
                    by_week.setdefault(week, []).append(spec)
        rates = self.p["arrivals"]
        for origin in STOCHASTIC_ORIGINS:
            lam = rates[f"{origin}_per_year"] / WEEKS_PER_YEAR
            if lam <= 0:
                continue
            stochastic = self.stochastic
            for week, count in enumerate(self.rng.poisson(lam, horizon).tolist()):
                for _ in range(count):
                    by_week.setdefault(week, []).append(stochastic(origin, week))
        return by_week


class SharedArrivals:
    """The arrivals of runs that draw the same ones, drawn once.

    Two runs whose arrival generators stand at the same state and have the same inputs
    (`ArrivalGenerator.inputs`) draw the same arrivals: the regimes of one replication of a
    comparison (common random numbers), about a sixth of each run's CPU. A batch worker runs
    those one after the other and passes them one `SharedArrivals`; the first run draws, the
    others get the same specs (frozen, so shared safely) in a dict of their own, and their
    generator is left where drawing would have left it (a scale-up draws from it later). So
    every run is the one it would have been alone (tests/test_arrivals.py checks it)."""

    def __init__(self) -> None:
        self._drawn: dict[tuple[Any, ...], tuple[dict[int, list[ArrivalSpec]],
                                                 tuple[dict[str, Any], int | None]]] = {}

    def __len__(self) -> int:
        """How many different sets of arrivals were drawn."""
        return len(self._drawn)

    def all(self, gen: ArrivalGenerator, horizon: int,
            start_year: int) -> dict[int, list[ArrivalSpec]]:
        """`gen.all(horizon, start_year)`, drawn by the first run with these inputs."""
        state, half = gen.state()
        key = (repr(state), half, gen.inputs(), horizon, start_year)
        if key in self._drawn:
            by_week, after = self._drawn[key]
            gen.restore(after)
        else:
            by_week = gen.all(horizon, start_year)
            self._drawn[key] = by_week, gen.state()
        return {week: list(specs) for week, specs in by_week.items()}
