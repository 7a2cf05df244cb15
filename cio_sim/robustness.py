"""Rankings under readings: a comparison run under each variant of each named reading
(:mod:`cio_sim.readings`) on common random numbers, and per metric whether the scenarios'
ranking holds under every reading or flips, and under which.

    >>> rc = cio_sim.compare(["consensus_2021", "keuzematrix"], 10, readings="all")
    >>> rc.summary      # per metric: the ranking at the defaults, holds, flips under
    >>> rc.table        # per metric and variant set: each scenario's mean, the ranking

The runs are one batch of ``kind = "compare"`` (so it resumes, runs on workers and Dask and
is stored like any comparison): one cell per scenario and variant set that changes the
scenario, every cell on the same seeds. A variant that sets what a scenario already has, or a
reading that does not matter for it (``Reading.applies_when``), reuses the scenario's own
runs; a scenario that itself sets another variant than a reading's default runs under the
default variant too. The manifest's ``readings`` entry records which cell is which, so a
stored batch gives the same tables (:func:`from_result`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import catalogue, comparison
from .readings import Assignment, Reading, ReadingError, select
from .readings import tag as reading_tag
from .stats import paired_difference

if TYPE_CHECKING:  # the batch machinery loads when a comparison runs
    from .batch.runner import Plan
    from .batch.store import BatchResult
    from .scenario import Scenario

__all__ = ["MANIFEST_KEY", "TABLE_COLUMNS", "Design", "ReadingsComparison", "combinations",
           "compare", "design_of", "from_result", "plan_readings", "ranking_tables"]

#: The manifest entry that marks a comparison under readings and maps its cells.
MANIFEST_KEY = "readings"
#: Longest cell label (a scenario name; see cio_sim.scenario.MAX_NAME).
MAX_LABEL = 200
#: The fixed columns of :attr:`ReadingsComparison.table` (then one mean column per scenario).
TABLE_COLUMNS = ("metric", "direction", "readings", "ranking", "holds", "flipped",
                 "material_flips", "unchanged")
#: The columns of :attr:`ReadingsComparison.summary`.
SUMMARY_COLUMNS = ("metric", "direction", "ranking", "variant_sets", "holds", "flips_under",
                   "material_flips_under")


# ---------------------------------------------------------------------------- design

@dataclass(frozen=True)
class Design:
    """Which runs answer which question: ``grid[j][i]`` is the label of the runs of scenario
    ``i`` under variant set ``assignments[j]`` (set 0: every scenario as given)."""

    scenarios: tuple[str, ...]
    readings: tuple[str, ...]
    combined: bool
    assignments: tuple[Assignment, ...]
    grid: tuple[tuple[str, ...], ...]

    @property
    def tags(self) -> list[str]:
        """Each variant set as a label: ``defaults``, ``q3_working_group=confirm``, ..."""
        return [reading_tag(a) for a in self.assignments]

    def unchanged(self, j: int) -> list[str]:
        """The scenarios that variant set ``j`` leaves as they are (their own runs)."""
        return [s for s, label, base in zip(self.scenarios, self.grid[j], self.grid[0],
                                            strict=True) if label == base]

    def as_manifest(self) -> dict[str, Any]:
        return {"scenarios": list(self.scenarios), "readings": list(self.readings),
                "combined": self.combined,
                "assignments": [[list(p) for p in a] for a in self.assignments],
                "grid": [list(row) for row in self.grid]}

    @classmethod
    def from_manifest(cls, entry: Mapping[str, Any]) -> Design:
        """The design a manifest recorded; a :class:`ReadingError` when it is malformed."""
        try:
            design = cls(tuple(entry["scenarios"]), tuple(entry["readings"]),
                         bool(entry["combined"]),
                         tuple(tuple((str(r), str(v)) for r, v in a)
                               for a in entry["assignments"]),
                         tuple(tuple(str(x) for x in row) for row in entry["grid"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ReadingError(f"manifest '{MANIFEST_KEY}' entry is malformed ({exc})") from None
        if len(design.grid) != len(design.assignments) or any(
                len(row) != len(design.scenarios) for row in design.grid):
            raise ReadingError(f"manifest '{MANIFEST_KEY}' entry: the grid does not match the "
                               "scenarios and variant sets")
        return design


def combinations(readings: Sequence[Reading], combined: bool) -> int:
    """How many combinations of variants the readings have: one reading varied at a time,
    1 + the variants besides the defaults; ``combined``, the product of their variant counts
    (the defaults included). A scenario that sets a non-default variant itself adds the
    default variant's sets (see :func:`design_of`)."""
    if not combined:
        return 1 + sum(len(r.others) for r in readings)
    count = 1
    for r in readings:
        count *= len(r.variants)
    return count


def _effective(scenario: Scenario, assignment: Assignment,
               known: Mapping[str, Reading]) -> Assignment:
    """The parts of a variant set that change the scenario: the reading matters for it and
    the variant sets a value the scenario does not already have."""
    out = []
    for name, variant in assignment:
        reading = known[name]
        if reading.applies(scenario.values) is not None:
            continue
        if any(scenario.get(k) != v for k, v in reading.variant(variant).items()):
            out.append((name, variant))
    return tuple(out)


def _label(name: str, effective: Assignment) -> str:
    label = f"{name} [{reading_tag(effective)}]"
    if len(label) <= MAX_LABEL:
        return label
    digest = hashlib.sha256(reading_tag(effective).encode()).hexdigest()[:8]
    return f"{name[:MAX_LABEL - 20]} [readings {digest}]"


def _variant_sets(scenarios: Sequence[Scenario], chosen: Sequence[Reading], combined: bool,
                  known: Mapping[str, Reading]) -> list[Assignment]:
    """The variant sets, the scenarios as given (``()``) first: each other variant of each
    reading (or every combination), and a reading's default variant too where a scenario
    sets another one (``keuzematrix_escalation_advice`` run under ``financial_org``)."""
    deviate = {r.name for r in chosen
               if any(_effective(sc, ((r.name, r.default),), known) for sc in scenarios)}
    if not combined:
        return [(), *(((r.name, v),) for r in chosen for v in r.variants
                      if v != r.default or r.name in deviate)]
    sets: list[Assignment] = [()]
    for combo in itertools.product(*(tuple(r.variants) for r in chosen)):
        parts = tuple((r.name, v) for r, v in zip(chosen, combo, strict=True)
                      if v != r.default or r.name in deviate)
        if parts and parts not in sets:
            sets.append(parts)
    return sets


def design_of(scenarios: Sequence[Scenario], readings: str | Sequence[str | Reading],
              combined: bool = False) -> tuple[Design, list[Scenario]]:
    """The design and the scenarios to run (one per label, the scenarios as given first)."""
    chosen = select(readings)
    known = {r.name: r for r in chosen}
    sets = _variant_sets(scenarios, chosen, combined, known)
    cells: dict[str, Scenario] = {s.name: s for s in scenarios}
    grid = []
    for assignment in sets:
        row = []
        for sc in scenarios:
            effective = _effective(sc, assignment, known)
            if not effective:
                row.append(sc.name)
                continue
            label = _label(sc.name, effective)
            if label not in cells:
                settings = {k: v for r, var in effective
                            for k, v in known[r].variant(var).items()}
                varied = sc.with_overrides(settings,
                                           source=f"reading {reading_tag(effective)}")
                cells[label] = dataclasses.replace(
                    varied, name=label, _checked=True,
                    description=f"{sc.description} Reading: {reading_tag(effective)}.".strip())
            row.append(label)
        grid.append(tuple(row))
    design = Design(tuple(s.name for s in scenarios), tuple(r.name for r in chosen), combined,
                    tuple(sets), tuple(grid))
    return design, list(cells.values())


def plan_readings(scenarios: Sequence[str | Path | Scenario],
                  readings: str | Sequence[str | Reading], combined: bool = False,
                  replications: int = 30, seed: int = 1, workers: int = 1,
                  backend: str = "local", out: str | Path | None = None, resume: bool = False,
                  force: bool = False, command: str | None = None,
                  weekly: bool = True) -> Plan:
    """Validate a comparison under readings without writing anything (see :func:`compare`)."""
    from .batch.plan import Cell, compared_scenarios, plan_batch

    loaded = compared_scenarios(scenarios)
    names = [s.name for s in loaded]
    design, cells = design_of(loaded, readings, combined)
    labels = [c.name for c in cells]
    return plan_batch("compare", "readings_" + "_vs_".join(names),
                      [Cell(i, 0, c) for i, c in enumerate(cells)], labels, replications,
                      seed, workers, backend, out, resume, force,
                      extra={MANIFEST_KEY: design.as_manifest()}, command=command,
                      weekly=weekly)


# ---------------------------------------------------------------------------- tables

def _ranking(means: Mapping[str, float], order: Sequence[str], sign: int) -> list[str]:
    """Scenarios best first (NaN last); ties keep ``order`` (the ranking at the defaults)."""
    pos = {s: i for i, s in enumerate(order)}

    def key(s: str) -> tuple[int, float, int]:
        m = means[s]
        return (1, 0.0, pos[s]) if pd.isna(m) else (0, -sign * m, pos[s])

    return sorted(means, key=key)


def _at(runs: pd.DataFrame, design: Design, j: int) -> pd.DataFrame:
    """The runs of variant set ``j``, each labelled by its scenario's own name, with the
    derived metrics (like-for-like compliance over the kaders every scenario judges)."""
    names = dict(zip(design.grid[j], design.scenarios, strict=True))
    if len(names) < len(design.scenarios):     # two scenarios on one label cannot happen
        raise ReadingError("variant set maps two scenarios onto one set of runs")
    frames = [runs[runs["scenario"] == label].assign(scenario=name, label=name)
              for label, name in names.items()]
    return comparison.with_derived(pd.concat(frames, ignore_index=True))


def ranking_tables(runs: pd.DataFrame, design: Design,
                   metrics: Sequence[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table (one row per metric and variant set) and the summary (one row per metric) of
    a comparison under readings; see :class:`ReadingsComparison`."""
    ok = comparison.ok_runs(runs)
    frames = [_at(ok, design, j) for j in range(len(design.assignments))]
    if metrics is None:
        metrics = [m for m in catalogue.headline(frames[0].columns)
                   if catalogue.better_sign(m)]
    metrics = [m for m in metrics if m in frames[0].columns]
    rows, summary = [], []
    for m in metrics:
        sign = catalogue.better_sign(m) or 1           # no direction: highest first
        delta = catalogue.material(m)
        base_order: list[str] = list(design.scenarios)
        flips, material_flips = [], []
        for j, frame in enumerate(frames):
            values = {s: pd.to_numeric(frame.loc[frame["scenario"] == s, m], errors="coerce")
                      for s in design.scenarios}
            means = {s: float(v.mean()) if v.notna().any() else float("nan")
                     for s, v in values.items()}
            ranking = _ranking(means, base_order, sign)
            if j == 0:
                base_order = ranking
            pos = {s: i for i, s in enumerate(ranking)}
            flipped, material = [], []
            for a, b in itertools.combinations(base_order, 2):    # a ahead of b at defaults
                if pos[b] < pos[a]:
                    flipped.append(f"{b}/{a}")
                    reps = frame.set_index(["scenario", "replication"])[m]
                    p = paired_difference(reps.loc[b], reps.loc[a].reindex(reps.loc[b].index),
                                          sign, delta=delta[0] if delta else None)
                    if p.material == "better":
                        material.append(f"{b}/{a}")
            tag = reading_tag(design.assignments[j])
            if flipped:
                flips.append(tag)
            if material:
                material_flips.append(tag)
            rows.append({"metric": m, "direction": str(catalogue.better(m)), "readings": tag,
                         "ranking": " > ".join(ranking), "holds": not flipped,
                         "flipped": ", ".join(flipped), "material_flips": ", ".join(material),
                         "unchanged": ", ".join(design.unchanged(j)) if j else "", **means})
        summary.append({"metric": m, "direction": str(catalogue.better(m)),
                        "ranking": " > ".join(base_order),
                        "variant_sets": len(frames) - 1, "holds": not flips,
                        "flips_under": "; ".join(flips),
                        "material_flips_under": "; ".join(material_flips)})
    table = pd.DataFrame(rows, columns=[*TABLE_COLUMNS, *design.scenarios])
    return table, pd.DataFrame(summary, columns=list(SUMMARY_COLUMNS))


# ---------------------------------------------------------------------------- result

class ReadingsComparison:
    """A comparison under readings: the batch (``result``), its ``design``, and the tables.

    ``table``: one row per metric and variant set (``readings``: ``defaults`` or the variants
    that differ from them, ``reading=variant, ...``): ``ranking`` (scenarios best first,
    ``a > b > c``), ``holds`` (the same order as at the defaults), ``flipped`` (pairs in the
    other order, ``now_ahead/was_ahead``), ``material_flips`` (those where the gap in the new
    order is material: P(gap > delta) >= 0.95 over the paired replications, delta from
    :mod:`cio_sim.catalogue`), ``unchanged`` (scenarios the variant leaves as they are) and
    one column per scenario with its mean. ``summary``: one row per metric, the ranking at the
    defaults, whether it ``holds`` under every variant set, and the sets it flips under.
    """

    def __init__(self, result: BatchResult, design: Design,
                 metrics: Sequence[str] | None = None) -> None:
        self.result = result
        self.design = design
        self.metrics = list(metrics) if metrics is not None else None

    def __repr__(self) -> str:
        d = self.design
        return (f"<ReadingsComparison {' vs '.join(d.scenarios)}: {len(d.assignments)} "
                f"variant sets of {', '.join(d.readings)}>")

    @cached_property
    def _tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        return ranking_tables(self.result.runs, self.design, self.metrics)

    @property
    def table(self) -> pd.DataFrame:
        return self._tables[0]

    @property
    def summary(self) -> pd.DataFrame:
        return self._tables[1]

    def at_defaults(self) -> pd.DataFrame:
        """The runs of the scenarios as given (the defaults of every reading)."""
        runs = self.result.runs
        return runs[runs["scenario"].isin(self.design.grid[0])]


def from_result(result: BatchResult, metrics: Sequence[str] | None = None
                ) -> ReadingsComparison | None:
    """The comparison under readings a stored batch holds, or None for another batch."""
    entry = result.manifest.get(MANIFEST_KEY)
    if not isinstance(entry, Mapping):
        return None
    return ReadingsComparison(result, Design.from_manifest(entry), metrics)


def compare(scenarios: Sequence[str | Path | Scenario], replications: int = 30, seed: int = 1,
            workers: int = 1, backend: str = "local", scheduler: str | None = None,
            out: str | Path | None = None, resume: bool = False, progress: bool = False,
            force: bool = False, command: str | None = None, weekly: bool = True,
            readings: str | Sequence[str | Reading] | None = None,
            combined: bool = False) -> BatchResult | ReadingsComparison:
    """Run several scenarios with the same seeds (common random numbers).

    Without ``readings``: :func:`cio_sim.batch.compare` (a :class:`BatchResult`). With
    ``readings`` (``"all"``, a name, ``"a,b"`` or a list): the comparison under each variant of
    each reading, one reading varied at a time from the defaults (``combined=True``: every
    combination), as a :class:`ReadingsComparison` whose ``table`` and ``summary`` are
    DataFrames (the same numbers as ``cio-sim compare --readings`` and the report).
    """
    from .batch.runner import compare as plain
    from .batch.runner import execute

    if readings is None:
        return plain(scenarios, replications, seed, workers, backend, scheduler, out, resume,
                     progress, force, command, weekly)
    plan = plan_readings(scenarios, readings, combined, replications, seed, workers, backend,
                         out, resume, force, command, weekly)
    result = execute(plan, workers, backend, scheduler, progress)
    return ReadingsComparison(result, Design.from_manifest(plan.extra[MANIFEST_KEY]))
