"""Morris screening of the model's assumptions (parameters whose provenance is
``assumption: …``), for throughput and compliance and for the ranking of regimes.

Usage::

    python -m cio_sim.sensitivity experiments/sensitivity_morris.toml

The experiment file names the regimes, the parameters with their ranges, the number of Morris
trajectories and the replications per design point. Every design point is run under every
regime with the same seeds (common random numbers), so that for each point the ranking of the
regimes on each ranking metric can be compared with the ranking at the defaults.

Output, in the experiment's ``out`` folder (``results/sensitivity`` by default):

- ``morris_indices.csv``: mu, mu*, sigma and the mu* confidence half-width per regime, output
  and parameter (SALib ``morris.analyze``); outputs include the gaps between the regimes that
  are ranked next to each other at the defaults (``gap_<metric>_<a>_minus_<b>``);
- ``points.csv``: every design point with its parameter values, every regime's outputs and
  whether the ranking on each metric differs from the default ranking;
- ``ranking_flips.csv``: per gap between neighbouring regimes and parameter, the change of
  the gap over the parameter's range (least squares over all points) and whether moving that
  parameter alone to an end of its range would flip the pair (see :func:`_flip_table`);
- ``baseline.csv``: the regimes' outputs at the defaults (more replications);
- ``morris_mu_star_sigma.png``: mu* against sigma per output;
- ``manifest.json``: the experiment, seeds, the git commit, timings.

SALib is an optional dependency (``pip install cio-sim[sensitivity]``).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import itertools
import math
import sys
import time
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .batch import designs
from .batch.executors import available_cores, get_executor
from .batch.seeds import run_seed
from .batch.store import git_commit, write_manifest
from .heap import collected_once, release
from .model import CIOModel
from .params import lookup
from .scenario import Scenario, ScenarioError, load_scenario

DEFAULT_OUTPUTS = ("adopted_per_year", "median_lead_time_decided_weeks", "compliance_actual")
DEFAULT_RANKING = ("adopted_per_year", "compliance_actual")
EXPERIMENT_KEYS = ("name", "description", "regimes", "outputs", "ranking_metrics",
                   "trajectories", "levels", "replications", "baseline_replications", "seed",
                   "workers", "horizon_weeks", "out", "parameters")


class SensitivityError(ValueError):
    """The experiment file is invalid (one-line message naming the key)."""


def _salib() -> Any:
    try:
        from SALib.analyze import morris as analyze
    except ImportError:
        raise ImportError("cio_sim.sensitivity needs SALib: pip install 'cio-sim[sensitivity]'") \
            from None
    return analyze


@dataclass
class MorrisExperiment:
    """A Morris screening over assumptions, run under several regimes."""

    name: str
    parameters: dict[str, tuple[float, float]]
    regimes: tuple[str, ...] = ("consensus_2021", "doorzettingsmacht_2026", "keuzematrix")
    outputs: tuple[str, ...] = DEFAULT_OUTPUTS
    ranking_metrics: tuple[str, ...] = DEFAULT_RANKING
    trajectories: int = 10
    levels: int = 4
    replications: int = 2
    baseline_replications: int = 10
    seed: int = 1
    workers: int = 2
    horizon_weeks: int = 260
    out: str = "results/sensitivity"
    description: str = ""
    source: str = "<dict>"
    integer_keys: frozenset[str] = field(default_factory=frozenset)

    def problem(self) -> dict[str, Any]:
        """The SALib problem definition."""
        keys = list(self.parameters)
        return {"num_vars": len(keys), "names": keys,
                "bounds": [list(self.parameters[k]) for k in keys]}


def _check_parameter(source: str, key: str, bounds: Any) -> tuple[float, float]:
    spec = lookup(key)
    where = f"{source}: parameters.{key}"
    if spec is None:
        raise SensitivityError(f"{where}: not a parameter of the schema")
    if not spec.provenance.startswith("assumption"):
        raise SensitivityError(f"{where}: provenance is {spec.provenance!r}, not an assumption")
    if isinstance(spec.default, bool) or not isinstance(spec.default, int | float) \
            or spec.choices is not None:
        raise SensitivityError(f"{where}: not a numeric parameter")
    if not (isinstance(bounds, list) and len(bounds) == 2
            and all(isinstance(b, int | float) and not isinstance(b, bool) for b in bounds)):
        raise SensitivityError(f"{where}: expected [low, high]")
    low, high = float(bounds[0]), float(bounds[1])
    if not low < high:
        raise SensitivityError(f"{where}: low must be below high")
    if (spec.low is not None and low < spec.low) or (spec.high is not None and high > spec.high):
        raise SensitivityError(f"{where}: [{low:g}, {high:g}] leaves the allowed range "
                               f"({spec.allowed()})")
    if not low <= float(spec.default) <= high:
        raise SensitivityError(f"{where}: range [{low:g}, {high:g}] does not contain the "
                               f"default {spec.default}")
    return low, high


def experiment_from_dict(data: Mapping[str, Any], source: str = "<dict>") -> MorrisExperiment:
    """Validate an experiment table (as read from TOML) into a :class:`MorrisExperiment`."""
    unknown = sorted(set(data) - set(EXPERIMENT_KEYS))
    if unknown:
        raise SensitivityError(f"{source}: {unknown[0]}: unknown key; allowed: "
                               + ", ".join(EXPERIMENT_KEYS))
    params = data.get("parameters")
    if not isinstance(params, Mapping) or not params:
        raise SensitivityError(f"{source}: parameters: needs a table of key = [low, high]")
    bounds = {k: _check_parameter(source, k, v) for k, v in params.items()}
    ints = frozenset(k for k in bounds if isinstance(lookup(k).default, int))  # type: ignore
    kwargs: dict[str, Any] = {}
    for key in ("trajectories", "levels", "replications", "baseline_replications", "seed",
                "workers", "horizon_weeks"):
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < (
                    0 if key == "seed" else 1):
                raise SensitivityError(f"{source}: {key}: expected a positive integer")
            kwargs[key] = value
    if kwargs.get("levels", 4) % 2:
        raise SensitivityError(f"{source}: levels: Morris needs an even number of levels")
    for key in ("regimes", "outputs", "ranking_metrics"):
        if key in data:
            value = data[key]
            if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
                raise SensitivityError(f"{source}: {key}: expected a list of names")
            kwargs[key] = tuple(value)
    for key in ("out", "description"):
        if key in data:
            kwargs[key] = str(data[key])
    for regime in kwargs.get("regimes", MorrisExperiment.regimes):
        try:
            load_scenario(regime)
        except ScenarioError as exc:
            raise SensitivityError(f"{source}: regimes: {exc}") from None
    return MorrisExperiment(name=str(data.get("name", "sensitivity")), parameters=bounds,
                            source=source, integer_keys=ints, **kwargs)


def load_experiment(path: str | Path) -> MorrisExperiment:
    """Read and validate a Morris experiment TOML file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SensitivityError(f"{path}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SensitivityError(f"{path}: not valid TOML ({exc})") from None
    return experiment_from_dict(data, str(path))


# ---------------------------------------------------------------------------- running

def _overrides(exp: MorrisExperiment, point: Mapping[str, Any]) -> dict[str, Any]:
    return {"horizon_weeks": exp.horizon_weeks, **point}


def _run_point(task: tuple[int, Scenario, dict[str, Any], int, int, tuple[str, ...]]
               ) -> tuple[int, str, dict[str, float]]:
    """Mean outputs of one regime at one design point over the replications."""
    point, scenario, overrides, seed, reps, outputs = task
    sc = scenario.with_overrides(overrides, source="sensitivity")
    values: dict[str, list[float]] = {k: [] for k in outputs}
    for rep in range(reps):
        with collected_once():              # the finished run is reclaimed in one pass
            model = CIOModel(sc, seed=run_seed(seed, rep)).run()
            summary = model.summary()
            release(model)
            del model
        for k in outputs:
            values[k].append(float(summary[k]))
    means = {k: float(np.nanmean(v)) if np.isfinite(v).any() else math.nan
             for k, v in values.items()}
    return point, scenario.name, means


def _execute(tasks: list[tuple], workers: int, backend: str = "local",
             scheduler: str | None = None) -> list[tuple[int, str, dict[str, float]]]:
    """Run every task on a batch backend (results come back in any order)."""
    if backend == "local":
        workers = min(workers, available_cores(), max(1, len(tasks)))
    with get_executor(backend)(workers, scheduler) as executor:
        return list(executor.map_unordered(_run_point, tasks))


def ranking(values: Mapping[str, float], regimes: Sequence[str]) -> str:
    """Regimes ordered from best (highest value) to worst, as 'a>b>c'."""
    return ">".join(sorted(regimes, key=lambda r: (-values[r], regimes.index(r))))


def _metrics_frame(exp: MorrisExperiment, results: list[tuple[int, str, dict[str, float]]]
                   ) -> pd.DataFrame:
    rows: dict[int, dict[str, float]] = {}
    for point, regime, means in results:
        row = rows.setdefault(point, {"point": point})
        for k, v in means.items():
            row[f"{regime}:{k}"] = v
    return pd.DataFrame(sorted(rows.values(), key=lambda r: r["point"]))


def run(exp: MorrisExperiment, out: str | Path | None = None, progress: bool = True
        ) -> dict[str, pd.DataFrame]:
    """Run the screening and write its tables, figure and manifest. Returns the tables."""
    analyze = _salib()
    started = time.time()
    start_stamp = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    out_dir = Path(out if out is not None else exp.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    problem = exp.problem()
    X, design = designs.morris(exp.parameters, exp.trajectories, exp.levels, exp.seed,
                               exp.integer_keys)
    outputs = tuple(dict.fromkeys((*exp.outputs, *exp.ranking_metrics)))
    scenarios = [load_scenario(r) for r in exp.regimes]
    tasks = [(i, sc, _overrides(exp, design[i]), exp.seed, exp.replications, outputs)
             for i in range(X.shape[0]) for sc in scenarios]
    base_tasks = [(-1, sc, {"horizon_weeks": exp.horizon_weeks}, exp.seed,
                   exp.baseline_replications, outputs) for sc in scenarios]
    if progress:
        print(f"{exp.name}: {len(problem['names'])} parameters, {X.shape[0]} points x "
              f"{len(scenarios)} regimes x {exp.replications} replications "
              f"(+ baseline) on {exp.workers} worker(s)", file=sys.stderr)
    results = _execute(base_tasks + tasks, exp.workers)
    frame = _metrics_frame(exp, results)
    baseline_row = frame[frame["point"] == -1].iloc[0]
    points = frame[frame["point"] >= 0].reset_index(drop=True)
    for j, key in enumerate(problem["names"]):
        points.insert(1 + j, key, [design[i][key] for i in points["point"]])

    # Default ranking and flips per ranking metric.
    default_rank: dict[str, str] = {}
    for metric in exp.ranking_metrics:
        vals = {r: baseline_row[f"{r}:{metric}"] for r in exp.regimes}
        default_rank[metric] = ranking(vals, exp.regimes)
        ranks = [ranking({r: row[f"{r}:{metric}"] for r in exp.regimes}, exp.regimes)
                 for _, row in points.iterrows()]
        points[f"ranking:{metric}"] = ranks
        points[f"flipped:{metric}"] = [r != default_rank[metric] for r in ranks]
        order = default_rank[metric].split(">")
        for a, b in itertools.pairwise(order):
            points[f"gap_{metric}_{a}_minus_{b}"] = (points[f"{a}:{metric}"]
                                                      - points[f"{b}:{metric}"])

    # Morris indices per regime and output, and for the ranking gaps.
    targets = [f"{r}:{k}" for r in exp.regimes for k in exp.outputs]
    targets += [c for c in points.columns if c.startswith("gap_")]
    index_rows = []
    for target in targets:
        y = points[target].to_numpy(dtype=float)
        missing = int((~np.isfinite(y)).sum())
        if missing:
            y = np.where(np.isfinite(y), y, np.nanmean(y))
        si = analyze.analyze(problem, X, y, num_levels=exp.levels, seed=exp.seed)
        regime, _, metric = target.partition(":") if ":" in target else ("ranking", "", target)
        for j, key in enumerate(problem["names"]):
            index_rows.append({
                "regime": regime, "output": metric, "parameter": key,
                "mu": float(si["mu"][j]), "mu_star": float(si["mu_star"][j]),
                "sigma": float(si["sigma"][j]), "mu_star_conf": float(si["mu_star_conf"][j]),
                "missing_filled": missing,
            })
    indices = pd.DataFrame(index_rows)
    indices["rank"] = indices.groupby(["regime", "output"])["mu_star"].rank(
        ascending=False, method="first").astype(int)
    indices = indices.sort_values(["regime", "output", "rank"]).reset_index(drop=True)

    baseline_gaps = {}
    for metric in exp.ranking_metrics:
        order = default_rank[metric].split(">")
        for a, b in itertools.pairwise(order):
            baseline_gaps[f"gap_{metric}_{a}_minus_{b}"] = float(
                baseline_row[f"{a}:{metric}"] - baseline_row[f"{b}:{metric}"])
    flips = _flip_table(exp, points, baseline_gaps)
    baseline = pd.DataFrame([{"regime": r, **{k: baseline_row[f"{r}:{k}"] for k in outputs}}
                             for r in exp.regimes])
    indices.to_csv(out_dir / "morris_indices.csv", index=False)
    points.to_csv(out_dir / "points.csv", index=False)
    flips.to_csv(out_dir / "ranking_flips.csv", index=False)
    baseline.to_csv(out_dir / "baseline.csv", index=False)
    figure = _figure(exp, indices, out_dir / "morris_mu_star_sigma.png")
    manifest = {
        "kind": "morris_sensitivity", "name": exp.name, "description": exp.description,
        "experiment": exp.source, "created": start_stamp,
        "seconds": round(time.time() - started, 1), "git_commit": git_commit(),
        "regimes": list(exp.regimes), "outputs": list(exp.outputs),
        "ranking_metrics": list(exp.ranking_metrics),
        "parameters": {k: list(v) for k, v in exp.parameters.items()},
        "trajectories": exp.trajectories, "levels": exp.levels,
        "points": int(X.shape[0]), "replications": exp.replications,
        "baseline_replications": exp.baseline_replications, "seed": exp.seed,
        "seeds": "replication i uses numpy SeedSequence(seed, spawn_key=(i,)) at every point "
                 "and under every regime (common random numbers)",
        "horizon_weeks": exp.horizon_weeks, "workers": exp.workers,
        "runs": int(X.shape[0] * len(scenarios) * exp.replications
                    + len(scenarios) * exp.baseline_replications),
        "default_ranking": default_rank,
        "flip_share": {m: float(points[f"flipped:{m}"].mean()) for m in exp.ranking_metrics},
        "ranking_shares": {m: {k: float(v) for k, v in points[f"ranking:{m}"].value_counts(
            normalize=True).items()} for m in exp.ranking_metrics},
        "baseline_gaps": baseline_gaps,
        "could_flip": {g: sorted(flips.loc[(flips["gap"] == g) & flips["could_flip"],
                                           "parameter"]) for g in baseline_gaps},
        "files": ["morris_indices.csv", "points.csv", "ranking_flips.csv", "baseline.csv",
                  *([figure.name] if figure else [])],
    }
    write_manifest(out_dir, manifest)
    if progress:
        print(f"wrote {out_dir} in {manifest['seconds']} s", file=sys.stderr)
    return {"indices": indices, "points": points, "flips": flips, "baseline": baseline}


def _flip_table(exp: MorrisExperiment, points: pd.DataFrame,
                baseline_gaps: Mapping[str, float]) -> pd.DataFrame:
    """Which parameter could, on its own, flip a pair of neighbouring regimes.

    For each gap between regimes ranked next to each other at the defaults, fit the gap over
    all design points by least squares on the parameters scaled to [0, 1]; the slope is the
    change of the gap over a parameter's whole range. The gap at either end of a range is
    the default gap (from the baseline replications) plus the slope times the distance from
    the default; the parameter *could flip* the pair when one of them has the other sign.
    """
    keys = list(exp.parameters)
    lows = np.array([exp.parameters[k][0] for k in keys])
    highs = np.array([exp.parameters[k][1] for k in keys])
    z = (points[keys].to_numpy(dtype=float) - lows) / (highs - lows)
    design = np.column_stack([np.ones(len(z)), z])
    defaults = np.array([float(lookup(k).default) for k in keys])  # type: ignore[union-attr]
    z0 = (defaults - lows) / (highs - lows)
    rows = []
    for gap, default_gap in baseline_gaps.items():
        y = points[gap].to_numpy(dtype=float)
        ok = np.isfinite(y)
        coef, *_ = np.linalg.lstsq(design[ok], y[ok], rcond=None)
        fitted = design[ok] @ coef
        ss_tot = float(((y[ok] - y[ok].mean()) ** 2).sum())
        r2 = 1.0 - float(((y[ok] - fitted) ** 2).sum()) / ss_tot if ss_tot > 0 else math.nan
        metric = next(m for m in exp.ranking_metrics if gap.startswith(f"gap_{m}_"))
        for j, key in enumerate(keys):
            slope = float(coef[1 + j])
            at_low = default_gap + slope * (0.0 - z0[j])
            at_high = default_gap + slope * (1.0 - z0[j])
            rows.append({
                "metric": metric, "gap": gap, "parameter": key, "default_gap": default_gap,
                "slope_full_range": slope, "gap_at_low": at_low, "gap_at_high": at_high,
                "could_flip": bool(np.sign(at_low) != np.sign(default_gap)
                                   or np.sign(at_high) != np.sign(default_gap)),
                "r2": r2,
            })
    df = pd.DataFrame(rows, columns=["metric", "gap", "parameter", "default_gap",
                                     "slope_full_range", "gap_at_low", "gap_at_high",
                                     "could_flip", "r2"])
    df["abs_slope"] = df["slope_full_range"].abs()
    return df.sort_values(["gap", "abs_slope"], ascending=[True, False]).reset_index(drop=True)


def _figure(exp: MorrisExperiment, indices: pd.DataFrame, path: Path) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    panels = [(r, k) for r in exp.regimes for k in exp.outputs]
    ncols = len(exp.outputs)
    nrows = len(exp.regimes)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.6 * ncols, 3.8 * nrows), squeeze=False)
    for ax, (regime, output) in zip(axes.flat, panels, strict=True):
        d = indices[(indices["regime"] == regime) & (indices["output"] == output)]
        ax.scatter(d["mu_star"], d["sigma"], s=18)
        for _, row in d.nsmallest(5, "rank").iterrows():
            ax.annotate(row["parameter"].split(".", 1)[-1], (row["mu_star"], row["sigma"]),
                        fontsize=7, xytext=(3, 3), textcoords="offset points")
        lim = max(d["mu_star"].max(), d["sigma"].max(), 1e-9) * 1.1
        ax.plot([0, lim], [0, lim], lw=0.6, ls="--", color="grey")
        ax.set_title(f"{regime}: {output}", fontsize=9)
        ax.set_xlabel("mu*")
        ax.set_ylabel("sigma")
    fig.suptitle(f"Morris screening ({exp.trajectories} trajectories, "
                 f"{exp.replications} replications per point)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m cio_sim.sensitivity EXPERIMENT.toml [--out DIR]``."""
    parser = argparse.ArgumentParser(prog="python -m cio_sim.sensitivity",
                                     description="Morris screening of the model's assumptions")
    parser.add_argument("experiment", help="experiment TOML file")
    parser.add_argument("--out", help="output folder (default: the file's 'out')")
    parser.add_argument("--workers", type=int, help="worker processes (default: the file's)")
    args = parser.parse_args(argv)
    try:
        exp = load_experiment(args.experiment)
    except SensitivityError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.workers:
        exp.workers = args.workers
    try:
        run(exp, args.out)
    except ImportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
