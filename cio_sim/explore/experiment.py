"""An exploration experiment (``experiments/explore_*.toml``): what to sample, how much, and
which regimes and metrics to compare. Validated in full before anything runs; a bad file gives
one line naming the file, the key and what is allowed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..params import lookup
from ..patterns import FACTS, HORIZON_WEEKS, REPRODUCED
from ..scenario import ScenarioError, load_scenario, read_toml_file
from .space import RUN_CONTROLS, RangeError, Space, build_space, is_assumption, is_numeric


def _directions() -> dict[str, int]:
    """Summary metrics with a better direction (+1 higher, -1 lower), from the catalogue."""
    from .. import catalogue

    return {m.key: catalogue.better_sign(m.key) for m in catalogue.CATALOGUE
            if not m.family and not m.derived and catalogue.better_sign(m.key) != 0}


#: Metrics that can be compared, with the direction that is better (cio_sim.catalogue).
DIRECTIONS: dict[str, int] = _directions()
#: Speed as the share decided within a year (Kaplan-Meier, so undecided items count; always
#: finite, unlike the median time to decision when fewer than half are decided).
DEFAULT_METRICS = ("adopted_per_year", "decided_within_52_weeks", "backlog_end",
                   "compliance_actual", "strategic_agenda_share", "ambition_retained")
DEFAULT_REGIMES = ("consensus_2021", "doorzettingsmacht_2026", "keuzematrix")
PRIM_METHODS = ("builtin", "ema_workbench")

SECTIONS: dict[str, dict[str, type]] = {
    "screening": {"trajectories": int, "levels": int, "replications": int,
                  "horizon_weeks": int, "baseline_replications": int,
                  "ranking_metrics": list},
    "sobol": {"parameters": int, "base_samples": int, "replications": int,
              "horizon_weeks": int, "resamples": int},
    "filter": {"samples": int, "replications": int, "facts": list, "scales": list,
               "early_rejection": bool},
    "discovery": {"method": str, "min_coverage": float, "peel_alpha": float,
                  "min_share": float},
    "space": {"include": list, "exclude": list, "ranges": dict},
}
TOP_KEYS = ("name", "description", "seed", "out", "regimes", "metrics", "stages", *SECTIONS,
            "calibration", "breakeven", "sobol_calibrated")
#: The stages an experiment runs: all of them, or the Morris screening alone (a preset).
STAGES = ("screening", "sobol", "filter")
SCREENING_ONLY = ("screening",)
CALIBRATION_KEYS = {"waves": int, "points_per_wave": int, "candidates": int, "ensemble": int,
                    "replications": int, "active": int, "result_ensemble": int,
                    "cutoff": float, "cutoff_reason": str, "targets": list, "held_out": list}


class ExploreError(ValueError):
    """The experiment is invalid or its output folder does not match (one-line message)."""


@dataclass
class Screening:
    trajectories: int = 10
    levels: int = 4
    replications: int = 2
    horizon_weeks: int = HORIZON_WEEKS
    #: Screening only: seeds at the defaults for the ranking there (0: no baseline).
    baseline_replications: int = 0
    #: Screening only: metrics whose ranking of the regimes the flip table follows (default:
    #: every metric).
    ranking_metrics: tuple[str, ...] = ()


@dataclass
class Sobol:
    parameters: int = 8        # the most influential ones after screening
    base_samples: int = 64     # N; N * (k + 2) points (first and total order)
    replications: int = 2
    horizon_weeks: int = HORIZON_WEEKS
    resamples: int = 200       # bootstrap resamples for the confidence intervals


@dataclass
class Filter:
    samples: int = 200         # quasi-random (scrambled Sobol) points over the whole space
    replications: int = 12     # seeds per point and variant for the pattern checks
    facts: tuple[str, ...] = REPRODUCED  # the facts reproduced at the defaults
    #: The prior: an equal mixture of the space's box shrunk toward the defaults by each
    #: scale (1 = the whole box). ``samples`` points are drawn for each scale.
    scales: tuple[float, ...] = (1.0,)
    #: Stop a set at its first failing fact (acceptance is the same; rejected sets are cheap
    #: and their regimes are not run).
    early_rejection: bool = True


@dataclass
class Calibration:
    """History matching on emergent facts (explore/history_matching.py, targets.py)."""

    targets: tuple[Any, ...]
    held_out: tuple[Any, ...]
    cutoff_reason: str
    waves: int = 3
    points_per_wave: int = 60
    candidates: int = 20_000
    ensemble: int = 400          # sets drawn from the non-implausible region and run
    replications: int = 10       # seeds per seed block; the ensemble runs two blocks
    active: int = 8              # inputs per emulator (the others act through its noise)
    cutoff: float = 3.0
    #: Fewer plausible sets than this and the report says the run is too small to be a result.
    result_ensemble: int = 300


@dataclass
class Discovery:
    method: str = "builtin"
    min_coverage: float = 0.5  # the box shown is the densest with at least this coverage
    peel_alpha: float = 0.05   # share of points peeled per step
    min_share: float = 0.05    # only outcomes with a share in [min_share, 1 - min_share]


@dataclass
class ExploreExperiment:
    """A whole exploration: screening, Sobol, filtering, comparison and discovery."""

    name: str
    space: Space
    regimes: tuple[str, ...] = DEFAULT_REGIMES
    metrics: tuple[str, ...] = DEFAULT_METRICS
    seed: int = 1
    out: str = ""
    description: str = ""
    source: str = "<dict>"
    screening: Screening = field(default_factory=Screening)
    sobol: Sobol = field(default_factory=Sobol)
    filter: Filter = field(default_factory=Filter)
    discovery: Discovery = field(default_factory=Discovery)
    #: History matching instead of the rejection filter (None: the filter).
    calibration: Calibration | None = None
    #: After the calibration: break-even sweeps and Sobol indices on the calibrated region
    #: (explore/breakeven.py, region_sobol.py). Not part of the identity: their stages are
    #: named by a hash of their own settings and of the calibrated sets they start from.
    breakeven: Any = None
    sobol_calibrated: Any = None
    stages: tuple[str, ...] = STAGES

    @property
    def out_dir(self) -> Path:
        return Path(self.out or f"results/{self.name}")

    def identity(self) -> dict[str, Any]:
        """Everything that determines the stored points (not the output folder or the source,
        and not ``filter.samples``, ``filter.scales`` or ``calibration.ensemble``: a larger
        filter sample, another scale or a larger calibrated ensemble extends a finished
        study)."""
        return {"name": self.name, "regimes": list(self.regimes), "metrics": list(self.metrics),
                "seed": self.seed, "space": {"keys": list(self.space.keys),
                                             "bounds": [list(b) for b in self.space.bounds]},
                "screening": {k: v for k, v in asdict(self.screening).items()
                              if v or k not in ("baseline_replications", "ranking_metrics")},
                **({"stages": list(self.stages)} if self.stages != STAGES else {}),
                "sobol": asdict(self.sobol),
                "filter": {"replications": self.filter.replications,
                           "facts": list(self.filter.facts),
                           "early_rejection": self.filter.early_rejection},
                "discovery": asdict(self.discovery),
                **({"calibration": _calibration_identity(self.calibration)}
                   if self.calibration is not None else {})}

    def digest(self) -> str:
        blob = json.dumps(self.identity(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


#: Calibration keys that do not determine the stored points: the ensemble is a prefix of one
#: random order of the final region (history_matching.draw), so a larger ensemble extends a
#: stored study; the result threshold only changes what the report says.
EXTENDABLE = ("targets", "held_out", "ensemble", "result_ensemble")


def _calibration_identity(c: Calibration) -> dict[str, Any]:
    d = {k: v for k, v in asdict(c).items() if k not in EXTENDABLE}
    d["targets"] = [asdict(t) for t in c.targets]
    d["held_out"] = [asdict(t) for t in c.held_out]
    return json.loads(json.dumps(d, default=str))


def _calibration(source: str, data: Any) -> Calibration:
    """Validate the ``[calibration]`` table and its target arrays."""
    from .targets import TargetError, check_calibration, parse_targets

    if not isinstance(data, Mapping):
        raise _err(source, "calibration", "expected a table")
    for key, value in data.items():
        kind = CALIBRATION_KEYS.get(key)
        if kind is None:
            raise _err(source, f"calibration.{key}",
                       "unknown key; allowed: " + ", ".join(CALIBRATION_KEYS))
        if kind is int and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise _err(source, f"calibration.{key}", f"got {value!r}; allowed: a positive "
                                                     "integer")
        if kind is float and (isinstance(value, bool) or not isinstance(value, int | float)
                              or not value > 0):
            raise _err(source, f"calibration.{key}", f"got {value!r}; allowed: a number > 0")
        if kind is str and (not isinstance(value, str) or not value.strip()):
            raise _err(source, f"calibration.{key}", "expected a non-empty reason")
    for key in ("targets", "held_out", "cutoff_reason"):
        if key not in data:
            raise _err(source, f"calibration.{key}", "missing (history matching states its "
                                                     "targets, held-out facts and cut-off)")
    try:
        targets = parse_targets(data["targets"], "calibration.targets")
        held_out = parse_targets(data["held_out"], "calibration.held_out")
        check_calibration(targets, held_out)
    except TargetError as exc:
        raise ExploreError(f"{source}: {exc}") from None
    if {t.name for t in targets} & {t.name for t in held_out}:
        raise _err(source, "calibration.held_out", "a name is also a calibration target")
    kw = {k: v for k, v in data.items() if k not in ("targets", "held_out")}
    if "replications" in kw and kw["replications"] < 2:
        raise _err(source, "calibration.replications", "at least 2 (a standard error needs "
                                                       "two)")
    return Calibration(targets=targets, held_out=held_out, **kw)


def _after_calibration(source: str, key: str, parse: str, data: Any, space: Space,
                       calibrated: bool) -> Any:
    """Validate ``[breakeven]`` or ``[sobol_calibrated]`` (both need a calibration)."""
    from . import breakeven, region_sobol

    if not calibrated:
        raise _err(source, key, "needs a [calibration] table (it starts from the plausible "
                                "sets)")
    module = breakeven if key == "breakeven" else region_sobol
    try:
        return getattr(module, parse)(data, space, key)
    except ValueError as exc:
        raise ExploreError(f"{source}: {exc}") from None


def _err(source: str, key: str, message: str) -> ExploreError:
    return ExploreError(f"{source}: {key}: {message}")


def _section(source: str, name: str, data: Any, target: Any) -> None:
    if not isinstance(data, Mapping):
        raise _err(source, name, "expected a table")
    allowed = SECTIONS[name]
    for key, value in data.items():
        where = f"{name}.{key}"
        if key not in allowed:
            raise _err(source, where, "unknown key; allowed: " + ", ".join(allowed))
        kind = allowed[key]
        if kind is int:
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise _err(source, where, f"got {value!r}; allowed: a positive integer")
        elif kind is float:
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not 0 <= value <= 1:
                raise _err(source, where, f"got {value!r}; allowed: a number in [0, 1]")
            value = float(value)
        elif kind is str and not isinstance(value, str):
            raise _err(source, where, f"got {value!r}; allowed: a string")
        elif kind is bool and not isinstance(value, bool):
            raise _err(source, where, f"got {value!r}; allowed: true or false")
        if target is not None:
            setattr(target, key, value)


def _range(source: str, key: str, value: Any) -> tuple[float, float]:
    where = f"space.ranges.{key}"
    spec = lookup(key)
    if not (isinstance(value, list) and len(value) == 2 and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value)):
        raise _err(source, where, "expected [low, high]")
    low, high = float(value[0]), float(value[1])
    if not low < high:
        raise _err(source, where, "low must be below high")
    assert spec is not None
    if (spec.low is not None and low < spec.low) or (spec.high is not None and high > spec.high):
        raise _err(source, where, f"[{low:g}, {high:g}] leaves the allowed range "
                                  f"({spec.allowed()})")
    if not low <= float(spec.default) <= high:
        raise _err(source, where, f"[{low:g}, {high:g}] does not contain the default "
                                  f"{spec.default}")
    if isinstance(spec.default, int):
        if low != int(low) or high != int(high):
            raise _err(source, where, "an integer parameter needs whole-number bounds")
        return int(low), int(high)
    return low, high


def _keys(source: str, where: str, value: Any) -> list[str]:
    if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise _err(source, where, "expected a list of dotted parameter keys")
    for key in value:
        spec = lookup(key)
        if spec is None:
            raise _err(source, f"{where}: {key}", "not a parameter of the schema")
        if key in RUN_CONTROLS or not is_numeric(spec) or not is_assumption(spec):
            raise _err(source, f"{where}: {key}",
                       f"not a numeric assumption (provenance {spec.provenance!r})")
    return list(value)


def experiment_from_dict(data: Mapping[str, Any], source: str = "<dict>") -> ExploreExperiment:
    """Validate an experiment table (as read from TOML)."""
    for key in data:
        if key not in TOP_KEYS:
            raise _err(source, key, "unknown key; allowed: " + ", ".join(TOP_KEYS))
    name = data.get("name", Path(source).stem if source != "<dict>" else "explore")
    if not isinstance(name, str) or not name or any(c in name for c in "/\\\0") \
            or name.startswith(".") or len(name) > 100:
        raise _err(source, "name", f"got {name!r}; allowed: a plain folder name (no '/', "
                   "'\\', no leading '.', at most 100 characters)")
    kwargs: dict[str, Any] = {}
    if "seed" in data:
        seed = data["seed"]
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise _err(source, "seed", f"got {seed!r}; allowed: an integer >= 0")
        kwargs["seed"] = seed
    for key in ("out", "description"):
        if key in data:
            if not isinstance(data[key], str):
                raise _err(source, key, "expected a string")
            kwargs[key] = data[key]
    if "regimes" in data:
        regimes = data["regimes"]
        if not (isinstance(regimes, list) and len(regimes) >= 2
                and all(isinstance(r, str) for r in regimes) and len(set(regimes)) == len(regimes)):
            raise _err(source, "regimes", "expected a list of at least two distinct scenario "
                                          "names or paths")
        for ref in regimes:
            try:
                load_scenario(ref)
            except ScenarioError as exc:
                raise _err(source, "regimes", str(exc)) from None
        kwargs["regimes"] = tuple(regimes)
    if "metrics" in data:
        metrics = data["metrics"]
        if not (isinstance(metrics, list) and metrics and all(m in DIRECTIONS for m in metrics)):
            raise _err(source, "metrics", "expected a list of: " + ", ".join(DIRECTIONS))
        kwargs["metrics"] = tuple(metrics)
    sections = {"screening": Screening(), "sobol": Sobol(), "filter": Filter(),
                "discovery": Discovery()}
    for sec, target in sections.items():
        if sec in data:
            _section(source, sec, data[sec], target)
    ranking = sections["screening"].ranking_metrics
    if not (isinstance(ranking, list | tuple) and all(
            m in kwargs.get("metrics", DEFAULT_METRICS) for m in ranking)):
        raise _err(source, "screening.ranking_metrics", "expected a list of the experiment's "
                                                        "metrics")
    sections["screening"].ranking_metrics = tuple(ranking)
    if "stages" in data:
        if tuple(data["stages"]) not in (STAGES, SCREENING_ONLY) if isinstance(
                data["stages"], list) else True:
            raise _err(source, "stages", f"got {data['stages']!r}; allowed: "
                                         f"{list(STAGES)} or {list(SCREENING_ONLY)}")
        kwargs["stages"] = tuple(data["stages"])
    if sections["screening"].levels % 2:
        raise _err(source, "screening.levels", "Morris needs an even number of levels")
    if sections["discovery"].method not in PRIM_METHODS:
        raise _err(source, "discovery.method", f"got {sections['discovery'].method!r}; "
                                               f"allowed: {', '.join(PRIM_METHODS)}")
    facts = sections["filter"].facts
    if not (isinstance(facts, list | tuple) and facts and all(f in FACTS for f in facts)):
        raise _err(source, "filter.facts", "expected a list of: " + ", ".join(FACTS))
    sections["filter"].facts = tuple(facts)
    scales = sections["filter"].scales
    if not (isinstance(scales, list | tuple) and scales and all(
            isinstance(x, int | float) and not isinstance(x, bool) and 0 < x <= 1
            for x in scales) and len(set(scales)) == len(scales)):
        raise _err(source, "filter.scales", f"got {scales!r}; allowed: a list of distinct "
                                            "numbers in (0, 1]")
    sections["filter"].scales = tuple(float(x) for x in scales)
    space_data = data.get("space", {})
    _section(source, "space", space_data, None)
    include = _keys(source, "space.include", space_data["include"]) \
        if "include" in space_data else None
    exclude = _keys(source, "space.exclude", space_data.get("exclude", []))
    ranges_data = space_data.get("ranges", {})
    ranges = {}
    for key, value in ranges_data.items():
        _keys(source, "space.ranges", [key])
        ranges[key] = _range(source, key, value)
    try:
        space = build_space(ranges, include, exclude)
    except RangeError as exc:
        raise ExploreError(f"{source}: {exc}") from None
    if space.dim < 2:
        raise _err(source, "space", "needs at least two parameters to explore")
    stray = sorted(set(ranges) - set(space.keys))
    if stray:
        raise _err(source, f"space.ranges.{stray[0]}", "not among the explored parameters")
    if sections["sobol"].parameters > space.dim:
        sections["sobol"].parameters = space.dim
    if "calibration" in data:
        kwargs["calibration"] = _calibration(source, data["calibration"])
    for key, parse in (("breakeven", "parse_breakeven"), ("sobol_calibrated",
                                                          "parse_region_sobol")):
        if key in data:
            kwargs[key] = _after_calibration(source, key, parse, data[key], space,
                                             "calibration" in kwargs)
    return ExploreExperiment(name=name, space=space, source=source, **kwargs, **sections)


def load_experiment(path: str | Path) -> ExploreExperiment:
    """Read and validate an exploration experiment TOML file."""
    path = Path(path)
    try:   # a regular UTF-8 file of bounded size and depth, or one line
        data = read_toml_file(path)
    except ScenarioError as exc:
        raise ExploreError(" ".join(str(exc).split())) from None
    return experiment_from_dict(data, str(path))
