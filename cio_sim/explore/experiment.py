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

from .. import catalogue
from ..params import lookup
from ..patterns import FACTS, HORIZON_WEEKS, REPRODUCED
from ..scenario import ScenarioError, load_scenario, read_toml_file
from ..schema import InvalidValue, Param
from .settings import names, param_range, table
from .space import RUN_CONTROLS, Space, build_space, is_assumption, is_numeric

#: Metrics that can be compared, with the direction that is better (+1 higher, -1 lower;
#: summary metrics of cio_sim.catalogue with a better direction).
DIRECTIONS: dict[str, int] = {m.key: sign for m in catalogue.CATALOGUE
                              if not m.family and not m.derived
                              and (sign := catalogue.better_sign(m.key)) != 0}
#: Speed as the share decided within a year (Kaplan-Meier, so undecided items count; always
#: finite, unlike the median time to decision when fewer than half are decided).
DEFAULT_METRICS = ("adopted_per_year", "decided_within_52_weeks", "backlog_end",
                   "compliance_actual", "strategic_agenda_share", "ambition_retained")
DEFAULT_REGIMES = ("consensus_2021", "doorzettingsmacht_2026", "keuzematrix")
PRIM_METHODS = ("builtin", "ema_workbench")

TOP_KEYS = ("name", "description", "seed", "out", "regimes", "metrics", "stages", "screening",
            "sobol", "filter", "discovery", "space", "calibration", "breakeven",
            "sobol_calibrated")
#: The stages an experiment runs: all of them, or the Morris screening alone (a preset).
STAGES = ("screening", "sobol", "filter")
SCREENING_ONLY = ("screening",)


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
class SpaceTable:
    """``[space]``: the explored assumptions (default: every one) and their stated ranges."""

    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    ranges: dict[str, Any] = field(default_factory=dict)


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


def _calibration(data: Any) -> Calibration:
    """The ``[calibration]`` table and its target arrays."""
    from .targets import check_calibration, parse_targets

    for key in ("targets", "held_out", "cutoff_reason"):
        if isinstance(data, Mapping) and key not in data:
            raise ValueError(f"calibration.{key}: missing (history matching states its "
                             "targets, held-out facts and cut-off)")
    cal = table("calibration", data, Calibration, replications=Param(10, "", "", low=2),
                cutoff=Param(3.0, "", "", low=0))
    if not cal.cutoff > 0:
        raise ValueError(f"calibration.cutoff: got {cal.cutoff!r}; allowed: a number > 0")
    cal.targets = parse_targets(data["targets"], "calibration.targets")
    cal.held_out = parse_targets(data["held_out"], "calibration.held_out")
    check_calibration(cal.targets, cal.held_out)
    if {t.name for t in cal.targets} & {t.name for t in cal.held_out}:
        raise ValueError("calibration.held_out: a name is also a calibration target")
    return cal


def _keys(where: str, value: Any) -> list[str]:
    """Dotted keys of numeric assumptions (the parameters an exploration may vary)."""
    if not (isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)):
        raise ValueError(f"{where}: expected a list of dotted parameter keys")
    for key in value:
        spec = lookup(key)
        if spec is None:
            raise ValueError(f"{where}: {key}: not a parameter of the schema")
        if key in RUN_CONTROLS or not is_numeric(spec) or not is_assumption(spec):
            raise ValueError(f"{where}: {key}: not a numeric assumption (provenance "
                             f"{spec.provenance!r})")
    return list(value)


def _space(data: Any) -> Space:
    tab = table("space", data, SpaceTable)
    include = None if tab.include is None else _keys("space.include", tab.include)
    if not isinstance(tab.ranges, Mapping):
        raise ValueError("space.ranges: expected a table: dotted key = [low, high]")
    ranges = {key: param_range(f"space.ranges.{key}", key, value)
              for key, value in tab.ranges.items() if _keys("space.ranges", [key])}
    space = build_space(ranges, include, _keys("space.exclude", tab.exclude))
    if space.dim < 2:
        raise ValueError("space: needs at least two parameters to explore")
    stray = sorted(set(ranges) - set(space.keys))
    if stray:
        raise ValueError(f"space.ranges.{stray[0]}: not among the explored parameters")
    return space


def experiment_from_dict(data: Mapping[str, Any], source: str = "<dict>") -> ExploreExperiment:
    """Validate an experiment table (as read from TOML); a refusal is one line naming
    ``source``, the key and what is allowed."""
    try:
        return _experiment(data, source)
    except ValueError as exc:
        raise ExploreError(f"{source}: {exc}") from None


def _experiment(data: Mapping[str, Any], source: str) -> ExploreExperiment:
    for key in data:
        if key not in TOP_KEYS:
            raise ValueError(f"{key}: unknown key; allowed: {', '.join(TOP_KEYS)}")
    name = data.get("name", Path(source).stem if source != "<dict>" else "explore")
    if not isinstance(name, str) or not name or any(c in name for c in "/\\\0") \
            or name.startswith(".") or len(name) > 100:
        raise ValueError(f"name: got {name!r}; allowed: a plain folder name (no '/', '\\', "
                         "no leading '.', at most 100 characters)")
    kw: dict[str, Any] = {}
    if "seed" in data:
        try:
            kw["seed"] = Param(1, "", "", low=0).coerce(data["seed"])
        except InvalidValue as exc:
            raise ValueError(f"seed: {exc}") from None
    for key in ("out", "description"):
        if key in data:
            if not isinstance(data[key], str):
                raise ValueError(f"{key}: expected a string")
            kw[key] = data[key]
    if "regimes" in data:
        regimes = names("regimes", data["regimes"], data["regimes"], "at least two distinct "
                        "scenario names or paths", least=2)
        for ref in regimes:
            try:
                load_scenario(ref)
            except ScenarioError as exc:
                raise ValueError(f"regimes: {exc}") from None
        kw["regimes"] = regimes
    if "metrics" in data:
        kw["metrics"] = names("metrics", data["metrics"], DIRECTIONS)
    if "stages" in data:
        if not isinstance(data["stages"], list) or tuple(data["stages"]) not in (
                STAGES, SCREENING_ONLY):
            raise ValueError(f"stages: got {data['stages']!r}; allowed: {list(STAGES)} or "
                             f"{list(SCREENING_ONLY)}")
        kw["stages"] = tuple(data["stages"])
    kw["screening"] = table("screening", data.get("screening", {}), Screening)
    kw["sobol"] = table("sobol", data.get("sobol", {}), Sobol)
    kw["filter"] = table("filter", data.get("filter", {}), Filter)
    kw["discovery"] = table("discovery", data.get("discovery", {}), Discovery,
                            method=Param("builtin", "", "", choices=PRIM_METHODS))
    if kw["screening"].ranking_metrics:
        names("screening.ranking_metrics", kw["screening"].ranking_metrics,
              kw.get("metrics", DEFAULT_METRICS), "the experiment's metrics")
    if kw["screening"].levels % 2:
        raise ValueError("screening.levels: Morris needs an even number of levels")
    names("filter.facts", kw["filter"].facts, FACTS)
    scales = kw["filter"].scales
    if not (isinstance(scales, tuple) and scales and all(
            isinstance(x, int | float) and not isinstance(x, bool) and 0 < x <= 1
            for x in scales) and len(set(scales)) == len(scales)):
        shown = list(scales) if isinstance(scales, tuple) else scales
        raise ValueError(f"filter.scales: got {shown!r}; allowed: a list of distinct numbers "
                         "in (0, 1]")
    kw["filter"].scales = tuple(float(x) for x in scales)
    space = _space(data.get("space", {}))
    kw["sobol"].parameters = min(kw["sobol"].parameters, space.dim)
    if "calibration" in data:
        kw["calibration"] = _calibration(data["calibration"])
    for key in ("breakeven", "sobol_calibrated"):
        if key in data:
            if "calibration" not in kw:
                raise ValueError(f"{key}: needs a [calibration] table (it starts from the "
                                 "plausible sets)")
            from .breakeven import parse_breakeven
            from .region_sobol import parse_region_sobol

            parse = parse_breakeven if key == "breakeven" else parse_region_sobol
            kw[key] = parse(data[key], space, key)
    return ExploreExperiment(name=name, space=space, source=source, **kw)


def load_experiment(path: str | Path) -> ExploreExperiment:
    """Read and validate an exploration experiment TOML file."""
    path = Path(path)
    try:   # a regular UTF-8 file of bounded size and depth, or one line
        data = read_toml_file(path)
    except ScenarioError as exc:
        raise ExploreError(" ".join(str(exc).split())) from None
    return experiment_from_dict(data, str(path))
