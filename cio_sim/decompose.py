"""Where a gap between two scenarios comes from: factor separation over the parts by which
they differ.

Each *factor* is a regime part or parameter value (or a group of them) that scenario ``b``
sets differently from scenario ``a``. Design points switch subsets of factors from their
``a`` value to their ``b`` value; every point runs on the same seeds (common random numbers)
through the batch runner. Per replication, the gap ``y(b) - y(a)`` splits exactly into
anchored effects (the factor separation of Stein and Alpert, 1993, J. Atmos. Sci. 50:2107):

- main effect of factor i: ``y(a + i) - y(a)``, what switching i alone does;
- interaction of i and j: ``y(a + i + j) - y(a + i) - y(a + j) + y(a)``, what switching both
  adds beyond the two alone;
- remainder: the gap minus every main effect and two-way interaction (the three-way and
  higher interactions),

so main effects, interactions and remainder sum to the gap. With at most
:data:`MAX_FULL_FACTORS` factors the design is the full factorial (2^k points), otherwise the
anchored design: ``a``, ``b``, every single factor and every pair switched (1 + k + k(k-1)/2
+ 1 points), which is all the effects need; the remainder is then not split further. Effects
are averaged over replications with a t-interval (they are paired contrasts), and each one's
share of the mean gap is given. The effects are anchored at ``a``: with interactions, main
effects anchored at ``b`` differ, which the interactions measure.
"""

from __future__ import annotations

import itertools
import math
import sys
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import catalogue
from .scenario import Scenario, ScenarioError, flatten, load_scenario
from .stats import mean_ci

__all__ = ["MAX_FULL_FACTORS", "Factor", "decompose", "design_points", "differing_factors",
           "effects_table", "plan_decompose", "run_decompose"]

#: Up to this many factors the design is the full factorial; above, the anchored design.
MAX_FULL_FACTORS = 6
#: Above this many factors a decomposition refuses: group them (``groups``) first.
MAX_FACTORS = 12
#: Columns of :func:`effects_table`.
COLUMNS = ("metric", "term", "kind", "factors", "n", "effect", "ci_low", "ci_high", "share",
           "note")


@dataclass(frozen=True)
class Factor:
    """One factor: a name and the dotted keys it switches from ``a``'s values to ``b``'s."""

    name: str
    low: Mapping[str, Any]
    high: Mapping[str, Any]

    def describe(self) -> str:
        return ", ".join(f"{k}: {_plain(self.low.get(k))} -> {_plain(v)}"
                         for k, v in self.high.items())


def _plain(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _short(key: str) -> str:
    return key.removeprefix("regime.")


def differing_factors(a: Scenario, b: Scenario,
                      groups: Mapping[str, Sequence[str]] | None = None) -> list[Factor]:
    """The factors by which ``b`` differs from ``a``: one per differing dotted key (a regime
    part, or any parameter), or per group in ``groups`` (name -> keys or key prefixes; the
    keys of a group switch together). Sorted as the keys appear in the schema."""
    fa, fb = flatten(a.values), flatten(b.values)
    keys = [k for k in dict.fromkeys([*fa, *fb]) if fa.get(k) != fb.get(k)]
    taken: dict[str, str] = {}
    for name, members in (groups or {}).items():
        for k in keys:
            if any(k == m or k.startswith(m.rstrip(".") + ".") for m in members):
                if k in taken:
                    raise ValueError(f"groups: {k!r} is in both {taken[k]!r} and {name!r}")
                taken[k] = name
    factors: list[Factor] = []
    seen: set[str] = set()
    for k in keys:
        if k in taken:
            name = taken[k]
            if name in seen:
                continue
            seen.add(name)
            ks = [x for x in keys if taken.get(x) == name]
            factors.append(Factor(name, {x: fa.get(x) for x in ks}, {x: fb.get(x) for x in ks}))
        else:
            factors.append(Factor(_short(k), {k: fa.get(k)}, {k: fb.get(k)}))
    for name in groups or {}:
        if name not in seen:
            raise ValueError(f"groups: {name!r} matches no key in which the scenarios differ")
    return factors


def design_points(k: int, interactions: bool = True) -> list[frozenset[int]]:
    """The subsets of factors switched, in run order: the full factorial for ``k`` <=
    :data:`MAX_FULL_FACTORS`, else the anchored design (none, each single, each pair, all);
    without ``interactions``, the main-effects design (none, each single, all)."""
    if interactions and k <= MAX_FULL_FACTORS:
        return [frozenset(s) for r in range(k + 1)
                for s in itertools.combinations(range(k), r)]
    pairs = itertools.combinations(range(k), 2) if interactions else ()
    pts = [frozenset(), *(frozenset([i]) for i in range(k)),
           *(frozenset(p) for p in pairs), frozenset(range(k))]
    return list(dict.fromkeys(pts))


def _point_name(a: Scenario, b: Scenario, factors: Sequence[Factor], s: frozenset[int]) -> str:
    if not s:
        return a.name
    if len(s) == len(factors):
        return b.name
    return a.name + "+" + "+".join(factors[i].name for i in sorted(s))


def _term(s: frozenset[int], factors: Sequence[Factor]) -> str:
    return " x ".join(factors[i].name for i in sorted(s))


# --------------------------------------------------------------------------- algebra


def effects_table(responses: Mapping[frozenset[int], pd.DataFrame], factors: Sequence[str],
                  metrics: Sequence[str], confidence: float = 0.95,
                  interactions: bool = True) -> pd.DataFrame:
    """Gap, main effects, two-way interactions and remainder per metric, from the responses
    of the design points (subset of switched factors -> a frame indexed by replication, a
    column per metric). Needs the points none, all, each single and each pair.

    One row per (metric, term): ``kind`` is gap / main / interaction / remainder,
    ``factors`` the term's factors, ``n`` replications, ``effect`` the mean over
    replications with its t-interval ``ci_low``/``ci_high``, ``share`` the effect over the
    mean gap (NaN when the gap is 0), ``note`` a word where a value needs one. Within each
    metric the effects (main, interaction, remainder) sum to the gap. Without
    ``interactions`` only none, all and each single are needed, and the remainder holds
    every interaction.
    """
    k = len(factors)
    need = design_points(k, interactions)
    missing = [s for s in need if s not in responses]
    if missing:
        raise ValueError(f"effects_table: design point {sorted(missing[0])} is missing")
    common = responses[frozenset()].index
    for s in need:
        common = common.intersection(responses[s].index)
    names = list(factors)
    rows = []
    for m in metrics:
        def y(s: frozenset[int], m: str = m) -> np.ndarray:
            return pd.to_numeric(responses[s].loc[common, m], errors="coerce") \
                .to_numpy(dtype=float)

        with np.errstate(invalid="ignore"):
            rows += _metric_rows(m, y, k, names, confidence, interactions)
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _metric_rows(m: str, y: Callable[[frozenset[int]], np.ndarray], k: int,
                 names: Sequence[str], confidence: float,
                 interactions: bool = True) -> list[dict[str, Any]]:
    """The rows of one metric of :func:`effects_table`."""
    pts = {s: y(s) for s in design_points(k, interactions)}
    note = ""
    if any(np.isinf(v).any() for v in pts.values()):
        note = "a median not reached in some replications"
    elif any(np.isnan(v).any() for v in pts.values()):
        note = "no value in some replications (e.g. no due compliance pairs)"
    base = pts[frozenset()]
    gap = pts[frozenset(range(k))] - base
    mains = {i: pts[frozenset([i])] - base for i in range(k)}
    inter = {(i, j): pts[frozenset([i, j])] - pts[frozenset([i])] - pts[frozenset([j])] + base
             for i, j in itertools.combinations(range(k), 2)} if interactions else {}
    rest = gap - sum(mains.values(), np.zeros_like(gap)) \
        - sum(inter.values(), np.zeros_like(gap))
    terms: list[tuple[str, str, str, np.ndarray]] = [("gap", "gap", " + ".join(names), gap)]
    terms += [(names[i], "main", names[i], v) for i, v in mains.items()]
    terms += [(f"{names[i]} x {names[j]}", "interaction", f"{names[i]}, {names[j]}", v)
              for (i, j), v in inter.items()]
    terms.append(("remainder", "remainder",
                  ("three-way and higher interactions" if k > 2 else "") if interactions
                  else "every interaction", rest))
    gap_mean = math.nan if note else float(gap.mean())
    rows = []
    for term, kind, fs, v in terms:
        if note:
            mean = lo = hi = math.nan
            n = int(np.isfinite(v).sum())
        else:
            mean, lo, hi, n = mean_ci(v, confidence)
        share = mean / gap_mean if math.isfinite(mean) and math.isfinite(gap_mean) \
            and gap_mean != 0 else math.nan
        rows.append({"metric": m, "term": term, "kind": kind, "factors": fs, "n": n,
                     "effect": mean, "ci_low": lo, "ci_high": hi, "share": share,
                     "note": note})
    return rows


# --------------------------------------------------------------------------- runs


@dataclass
class DecomposePlan:
    """A decomposition, validated: its factors, design points and the batch plan."""

    a: Scenario
    b: Scenario
    factors: list[Factor]
    points: list[frozenset[int]]
    batch: Any
    interactions: bool = True

    @property
    def design(self) -> str:
        k = len(self.factors)
        if not self.interactions:
            return (f"main-effects design: {len(self.points)} points (a, b and each of the {k} "
                    "factors switched alone); the remainder holds every interaction")
        if k <= MAX_FULL_FACTORS:
            return f"full factorial 2^{k} = {len(self.points)} points"
        return (f"anchored design: {len(self.points)} points (a, b, each of the {k} factors and "
                "each pair switched); the remainder holds every higher interaction")


def plan_decompose(a: str | Path | Scenario, b: str | Path | Scenario, replications: int = 30,
                   seed: int = 1, workers: int = 1, backend: str = "local",
                   out: str | Path | None = None, resume: bool = False, force: bool = False,
                   groups: Mapping[str, Sequence[str]] | None = None,
                   command: str | None = None, interactions: bool = True,
                   ends: bool = True) -> DecomposePlan:
    """Validate a decomposition of ``b - a`` (see :func:`decompose`) without running it.
    Without ``interactions``, the main-effects design; without ``ends``, the batch leaves
    out the points ``a`` and ``b`` (a comparison has run them on the same seeds already:
    pass its runs to :func:`run_decompose`)."""
    from .batch.runner import BatchError, Cell, plan_batch

    sa = a if isinstance(a, Scenario) else load_scenario(a)
    sb = b if isinstance(b, Scenario) else load_scenario(b)
    if sa.name == sb.name:
        raise BatchError(f"decompose: the two scenarios need different names (both {sa.name!r})")
    try:
        factors = differing_factors(sa, sb, groups)
    except ValueError as exc:
        raise BatchError(f"decompose: {exc}") from None
    if not factors:
        raise BatchError(f"decompose: {sa.name} and {sb.name} set every parameter alike: "
                         "there is no gap to decompose")
    if len(factors) > MAX_FACTORS:
        raise BatchError(f"decompose: {len(factors)} differing keys; at most {MAX_FACTORS} "
                         "factors: group keys that switch together (groups= in Python)")
    points = design_points(len(factors), interactions)
    cells = []
    for s in points:
        if not ends and (not s or len(s) == len(factors)):
            continue
        over: dict[str, Any] = {}
        for i in sorted(s):
            over.update(factors[i].high)
        name = _point_name(sa, sb, factors, s)
        try:
            sc = sb if len(s) == len(factors) else sa._overridden(over, "decompose")
        except ScenarioError as exc:
            raise BatchError(f"decompose: the design point {name} is not a valid scenario "
                             f"({exc}); group the parts that must switch together") from None
        cells.append(Cell(len(cells), 0, Scenario(name, sc.values, sc.description, sc.source,
                                           sc.chain, sc.provenance_overrides, _checked=True)))
    labels = [c.scenario.name for c in cells]
    if not cells:   # one factor and the ends known: nothing to run
        return DecomposePlan(sa, sb, factors, points, None, interactions)
    extra = {"decompose": {"a": sa.name, "b": sb.name,
                           "factors": [{"name": f.name, "keys": {k: [_plain(f.low[k]),
                                                                     _plain(v)]
                                                                 for k, v in f.high.items()}}
                                       for f in factors],
                           "points": [sorted(s) for s in points]}}
    batch = plan_batch("decompose", f"decompose_{sa.name}_vs_{sb.name}", cells, labels,
                       replications, seed, workers, backend, out, resume, force, extra=extra,
                       command=command, weekly=False)
    return DecomposePlan(sa, sb, factors, points, batch, interactions)


def responses_by_point(runs: pd.DataFrame, plan: DecomposePlan) -> dict[frozenset[int],
                                                                         pd.DataFrame]:
    """Each design point's runs indexed by replication, with the derived metrics (compliance
    over the kader strata every point judges)."""
    from . import comparison

    df = comparison.label_runs(runs)
    df = comparison.with_derived(df[[c for c in df.columns if c != "point"]])
    names = [_point_name(plan.a, plan.b, plan.factors, s) for s in plan.points]
    return {s: df[df["label"] == n].set_index("replication")
            for s, n in zip(plan.points, names, strict=True)}


def run_decompose(plan: DecomposePlan, workers: int = 1, backend: str = "local",
                  scheduler: str | None = None, progress: bool = False,
                  metrics: Sequence[str] | None = None,
                  model: Callable[..., Any] | None = None,
                  known_runs: pd.DataFrame | None = None) -> tuple[pd.DataFrame, Any]:
    """Run a planned decomposition; return its effects table and the batch result.
    ``known_runs``: runs of the points ``a`` and ``b`` on the same seeds (a plan without
    ``ends``), labelled by their scenario names."""
    from .batch import execute

    result = None if plan.batch is None else \
        execute(plan.batch, workers, backend, scheduler, progress, model=model)
    runs = result.runs if result is not None else pd.DataFrame()
    if known_runs is not None:   # the points a and b, from a comparison on the same seeds
        runs = pd.concat([known_runs, runs], ignore_index=True)
    responses = responses_by_point(runs, plan)
    have = set(next(iter(responses.values())).columns)
    wanted = [m for m in (metrics if metrics is not None else catalogue.HEADLINE)
              if m in have]
    table = effects_table(responses, [f.name for f in plan.factors], wanted,
                          interactions=plan.interactions)
    table.attrs.update({"a": plan.a.name, "b": plan.b.name, "design": plan.design,
                        "factors": {f.name: f.describe() for f in plan.factors},
                        "replications": int(responses[frozenset()].shape[0])})
    return table, result


def decompose(a: str | Path | Scenario, b: str | Path | Scenario, replications: int = 30,
              seed: int = 1, workers: int = 1, backend: str = "local",
              out: str | Path | None = None, resume: bool = False, force: bool = False,
              groups: Mapping[str, Sequence[str]] | None = None,
              metrics: Sequence[str] | None = None, progress: bool = False) -> pd.DataFrame:
    """Decompose the gap ``b - a`` on every headline metric into the parts by which the two
    scenarios differ: a DataFrame with a row per (metric, term), the term the gap, a part's
    main effect, a two-way interaction or the remainder, with mean, 95% interval and share of
    the gap; the effects of a metric sum to its gap (see the module docstring).
    ``table.attrs`` holds the factors, the design, replications and seed.

    ``groups`` switches keys together as one factor (name -> keys or key prefixes), e.g. a
    reading's parameters, or parts a cross-field rule ties together."""
    plan = plan_decompose(a, b, replications, seed, workers, backend, out, resume, force,
                          groups)
    table, result = run_decompose(plan, workers, backend, progress=progress, metrics=metrics)
    table.attrs["seed"] = seed
    result.close()
    return table


class _CallableModule(types.ModuleType):
    """``cio_sim.decompose`` is both this module and the function: once the module is
    imported, the package attribute is the module, and calling it calls :func:`decompose`."""

    def __call__(self, *args: Any, **kwargs: Any) -> pd.DataFrame:
        return decompose(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
