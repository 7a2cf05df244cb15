"""The exploration pipeline: Morris screening of every assumption, Sobol indices for the ones
that matter, pattern-oriented filtering of a quasi-random sample, the regime comparison over
the accepted ensemble, and scenario discovery (PRIM).

Every stage runs as batches (stages.py): each run is stored as it finishes, in the batch
store's format, and a resumed exploration runs only the missing runs (the batch's resume
rule); because each run depends only on the experiment, it ends with the same tables as an
uninterrupted one. Analyses are recomputed from the stored runs.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import itertools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..batch.designs import sobol_points
from ..batch.executors import ExecutorError, get_executor
from ..batch.plan import BatchError
from ..batch.store import (
    DB_NAME,
    LOCK_NAME,
    STORE_FILES,
    ResultStore,
    StoreError,
    StoreWriteError,
    WriterLock,
    git_commit,
    read_manifest,
    write_manifest,
)
from ..files import FileRefused, check_owned, make_dir, replacing
from . import comparison, indices, prim
from .cost import stage_costs
from .experiment import DIRECTIONS, SCREENING_ONLY, ExploreError, ExploreExperiment
from .prim import MIN_ACCEPTED_FOR_PRIM
from .stages import RUNS_DIR, RunStage, Stage, StageRunner


@dataclass
class Exploration:
    """The tables of a finished exploration (also written as CSV in ``out``)."""

    experiment: ExploreExperiment
    out: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)


def pair_column(a: str, b: str, metric: str) -> str:
    return f"{a} - {b}:{metric}"


def _outcomes(exp: ExploreExperiment, stored: dict[int, dict[str, Any]]) -> pd.DataFrame:
    """One row per point (``stored``: payloads by point 0..n-1): every regime's mean of every
    metric, and every pair's difference."""
    rows = []
    for p in range(len(stored)):
        means = stored[p]["means"]
        rows.append({f"{r}:{m}": (np.nan if means[r][m] is None else means[r][m])
                     for r in exp.regimes for m in exp.metrics})
    df = pd.DataFrame(rows, dtype=float)
    for m in exp.metrics:
        for a, b in itertools.combinations(exp.regimes, 2):
            df[pair_column(a, b, m)] = df[f"{a}:{m}"] - df[f"{b}:{m}"]
    return df


#: The store of explorations made before the stages ran as batches: recognised as cio-sim's
#: and removed by ``--force``, but not resumed (its points would be a second store format).
LEGACY_DB = "explore.sqlite"
#: Store files an exploration keeps beside its runs/ folder (with the earlier database and its
#: sidecars); ``--force`` removes these and the batch stores under runs/.
STORE_NAMES = ("manifest.json", LEGACY_DB, f"{LEGACY_DB}-wal", f"{LEGACY_DB}-shm",
               f"{LEGACY_DB}-journal")
#: Everything else an exploration writes into its folder (with its *.csv tables).
OWN_NAMES = (*STORE_NAMES, RUNS_DIR, LOCK_NAME, "report.md", "report.html", "figures")


def _check_out(exp: ExploreExperiment, out: Path, resume: bool, force: bool,
               clear: bool = False) -> None:
    """Refuse a folder that is not cio-sim's or holds another exploration (one line); with
    ``clear`` (under the writer lock) ``force`` removes the stored exploration's store files,
    and nothing else (never a whole folder)."""
    anchor = RUNS_DIR if (out / RUNS_DIR).is_dir() else LEGACY_DB
    tables = [p.name for p in out.iterdir() if p.suffix == ".csv"] if out.is_dir() else []
    check_owned(out, "manifest.json", (*OWN_NAMES, *tables), anchor=anchor, ignore=(LOCK_NAME,))
    manifest = None
    if (out / "manifest.json").exists():
        with contextlib.suppress(StoreError):  # damaged: said below if runs are stored
            manifest = read_manifest(out)
    if manifest is not None and manifest.get("kind") != "exploration":
        raise ExploreError(f"{out}: holds a {manifest.get('kind')} batch's results, not an "
                           "exploration; choose another --out")
    if not (out / RUNS_DIR).exists() and not (out / LEGACY_DB).exists():
        return
    if force:
        if clear:
            _remove_stores(out)
        return
    if not resume:
        raise ExploreError(f"{out}: holds an exploration already; use --resume to complete "
                           "it or --force to replace it")
    if (out / LEGACY_DB).exists():
        raise ExploreError(f"{out}: holds an exploration stored before its stages ran as "
                           f"batches ({LEGACY_DB}), which does not resume; use --force to run "
                           "it again")
    if manifest is None:
        raise ExploreError(f"{out}: stored runs without a readable manifest.json; use --force "
                           "to replace them (only cio-sim's files are removed)")
    if manifest.get("digest") != exp.digest():
        raise ExploreError(f"{out}: was made by a different experiment (digest "
                           f"{manifest.get('digest')} vs {exp.digest()}); use another --out "
                           "or --force")


def _remove_stores(out: Path) -> None:
    """Remove an exploration's store files: its own beside runs/, and under runs/ the store
    files of every batch folder, then the folders left empty. A file cio-sim did not write
    (or a link) stays, and so does the folder holding it."""
    for name in STORE_NAMES:
        (out / name).unlink(missing_ok=True)
    runs = out / RUNS_DIR
    if not runs.is_dir() or runs.is_symlink():
        return
    own = (*STORE_FILES, LOCK_NAME)
    for dirpath, _dirs, filenames in os.walk(runs, topdown=False):
        folder = Path(dirpath)
        for name in filenames:
            if name in own and not (folder / name).is_symlink():
                (folder / name).unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # not empty: something of the user's is left
            folder.rmdir()


def run_exploration(exp: ExploreExperiment, out: str | Path | None = None,
                    backend: str = "local", workers: int | None = None,
                    scheduler: str | None = None, resume: bool = False, force: bool = False,
                    progress: bool = True, report: bool = True) -> Exploration:
    """Run (or resume) the whole exploration and write its tables, figures and report. What
    stops it before or between runs (the folder, the executor, a batch) is one ExploreError
    line; a write failing midway (disk full) stays a StoreWriteError."""
    indices._salib()
    out_dir = Path(out) if out is not None else exp.out_dir
    try:
        _check_out(exp, out_dir, resume, force)
        make_dir(out_dir)
        with WriterLock(out_dir, "cio-sim explore"):  # a second explore waits with one line
            _check_out(exp, out_dir, resume, force, clear=True)
            return _explore(exp, out_dir, backend, workers, scheduler, progress, report)
    except StoreWriteError:
        raise
    except (BatchError, ExecutorError, FileRefused, StoreError) as exc:
        raise ExploreError(str(exc)) from None
    except KeyboardInterrupt as exc:  # the line names every stage's runs, not the last batch's
        exc.stored = (out_dir, _stored_runs(out_dir))  # type: ignore[attr-defined]
        raise


def _stored_runs(out_dir: Path) -> int:
    """Runs stored in all of an exploration's stage batches (what --resume keeps)."""
    total = 0
    for db in sorted((out_dir / RUNS_DIR).glob(f"*/*/{DB_NAME}")):
        with contextlib.suppress(StoreError, OSError):
            store = ResultStore(db, readonly=True)
            total += store.count()
            store.close()
    return total


def _explore(exp: ExploreExperiment, out_dir: Path, backend: str, workers: int | None,
             scheduler: str | None, progress: bool, report: bool) -> Exploration:
    started = time.time()
    previous = read_manifest(out_dir) if (out_dir / "manifest.json").exists() else {}
    manifest: dict[str, Any] = {
        "kind": "exploration", "name": exp.name, "experiment": exp.source,
        "description": exp.description, "digest": exp.digest(), "identity": exp.identity(),
        "created": previous.get("created", _dt.datetime.now(_dt.UTC).isoformat(
            timespec="seconds")),
        "git_commit": git_commit(), "backend": backend, "workers": workers,
        "status": "running", "stage_seconds": previous.get("stage_seconds", {}),
    }
    write_manifest(out_dir, manifest)
    space = exp.space
    result = Exploration(exp, out_dir)
    with get_executor(backend)(workers or 1, scheduler) as executor:
        runner = StageRunner(out_dir, exp, executor, backend, progress)
        got: dict[str, dict[int, dict[str, Any]]] = {}  # every stage's payloads, in run order

        def run_stage(stage: Stage) -> dict[int, Any]:
            t0 = time.time()
            got[stage.name] = runner.run(stage)
            _timing(manifest, stage.name, runner.computed, time.time() - t0, out_dir)
            return got[stage.name]

        # 1. Morris screening of every explored assumption.
        morris_x = indices.morris_design(space.problem(), exp.screening.trajectories,
                                         exp.screening.levels, exp.seed)
        values = [space.values(u) for u in morris_x]
        screen = _outcomes(exp, run_stage(Stage(
            "screening", values, exp.screening.replications, exp.screening.horizon_weeks)))
        morris = indices.morris_indices(space.problem(), morris_x, screen,
                                        exp.screening.levels, exp.seed)
        screen_points = pd.DataFrame(values, columns=list(space.keys))
        result.tables = {"morris_indices": morris,
                         "screening_outcomes": pd.concat([screen_points, screen], axis=1)}
        if exp.stages == SCREENING_ONLY:
            from .screening import screening_tables

            result.tables.update(screening_tables(exp, run_stage, screen_points, screen))
            result.info = {"screening_points": len(values), "n_errors": sum(
                len(p["errors"]) for stage in got.values() for p in stage.values()),
                "cost": stage_costs(got)}
            return _finish(result, manifest, started, report)
        selected = _selection(out_dir, manifest, previous,
                              indices.select_parameters(morris, exp.sobol.parameters))

        # 2. Sobol indices of the selected parameters (the others at their defaults).
        sub = space.subspace(selected)
        sob_x = indices.sobol_design(sub.problem(), exp.sobol.base_samples, exp.seed)
        sob_out = _outcomes(exp, run_stage(Stage("sobol", [sub.values(u) for u in sob_x],
                                                 exp.sobol.replications,
                                                 exp.sobol.horizon_weeks)))
        sobol = indices.sobol_indices(sub.problem(), sob_out, exp.sobol.resamples, exp.seed)

        # 3. Pattern-oriented filtering of a quasi-random sample of every assumption, for
        # each scale of the prior (the same quasi-random directions, shrunk toward the
        # defaults); or history matching on emergent facts instead.
        if exp.calibration is not None:
            from .calibrate import after_calibration, run_calibration

            calibrated = run_calibration(exp, run_stage)
            sample, stored = calibrated.sample.reset_index(drop=True), calibrated.stored
            after_calibration(exp, calibrated, run_stage, indices.select_parameters(
                morris, space.dim), lambda got, _n: _outcomes(exp, got))
        else:
            calibrated = None
            sample, stored = _filter(exp, run_stage)
        cost = stage_costs(got)
    ensemble = sample.drop(columns=["scale", "point"])
    n_sets = len(sample)
    ens_out = _outcomes(exp, stored)
    fact_names = list(exp.filter.facts) if calibrated is None else [
        t.name for t in exp.calibration.targets]  # type: ignore[union-attr]
    facts = pd.DataFrame([stored[p]["facts"] for p in range(n_sets)], columns=fact_names)
    accepted = np.array([stored[p]["accepted"] for p in range(n_sets)], dtype=bool)
    errors = [(p, e) for p in range(n_sets) for e in stored[p]["errors"]]
    ensemble_table = pd.concat([sample, facts.add_prefix("fact:"), ens_out], axis=1)
    ensemble_table.insert(0, "accepted", accepted)

    # 4. Comparison over the accepted ensemble; beside it, unfiltered, over the screening
    # design (a Morris grid over every assumption, every regime run at every point).
    # Unfiltered over the whole box too: the filter's independent sample at scale 1 (every
    # set compared, accepted or not), with the filter's seeds.
    acc_out = ens_out[accepted]
    whole = ens_out[(sample["scale"] == 1.0).to_numpy()]
    frames = {"": acc_out, "_screening": screen, **({"_unfiltered": whole} if calibrated is None
                                                    else {})}
    compared = {name + suffix: compare(frame, exp.regimes, exp.metrics, DIRECTIONS)
                for suffix, frame in frames.items()
                for name, compare in (("pairwise", comparison.pairwise),
                                      ("regret", comparison.regret))}

    # 5. Scenario discovery: where does one regime beat another?
    # Over the accepted ensemble when it is large enough, otherwise over the screening design.
    use_accepted = int(accepted.sum()) >= MIN_ACCEPTED_FOR_PRIM
    x = ensemble[accepted] if use_accepted else screen_points
    o = acc_out if use_accepted else screen
    result.tables = {
        "morris_indices": morris, "sobol_indices": sobol, "ensemble": ensemble_table,
        **compared, "boxes": discover(exp, x.reset_index(drop=True), o.reset_index(drop=True)),
        "ranges": narrowing(exp, ensemble, accepted), "fact_pass_rates": fact_pass_rates(facts),
        **({"acceptance": acceptance(sample["scale"], accepted)} if calibrated is None else {}),
        "screening_outcomes": result.tables["screening_outcomes"],
    }
    result.info = {
        "selected": selected, "accepted": int(accepted.sum()), "samples": n_sets,
        "prim_over": "accepted" if use_accepted else "screening", "errors": errors[:20],
        "n_errors": len(errors), "screening_points": len(morris_x),
        "sobol_points": len(sob_x), "cost": cost, "unfiltered_points": len(whole),
    }
    if calibrated is not None:
        result.tables.update(calibrated.tables)
        result.tables["p_material"] = comparison.p_material(acc_out, exp.regimes, exp.metrics,
                                                            DIRECTIONS)
        result.info.update(calibrated.info)
    return _finish(result, manifest, started, report)


def _filter(exp: ExploreExperiment, run_stage: RunStage
            ) -> tuple[pd.DataFrame, dict[int, dict[str, Any]]]:
    """The rejection filter's sample (its scale and point beside the values) and payloads,
    one stage per scale of the prior (the whole box keeps the plain name ``filter``). The
    sample is a prefix of one quasi-random sequence: raise filter.samples and resume."""
    unit = sobol_points(exp.space.dim, exp.filter.samples, exp.seed)
    parts, stored = [], {}
    for scale in exp.filter.scales:
        values = [exp.space.shrunk(scale).values(u) for u in unit]
        # The whole box's sample is also the unfiltered comparison: compare every set.
        payloads = run_stage(Stage("filter" if scale == 1.0 else f"filter@{scale:g}", values,
                                   exp.filter.replications, facts=exp.filter.facts,
                                   early_rejection=exp.filter.early_rejection,
                                   compare_rejected=scale == 1.0))
        stored.update({len(stored) + p: payloads[p] for p in range(len(values))})
        parts.append(pd.concat([pd.DataFrame({"scale": scale, "point": range(len(values))}),
                                pd.DataFrame(values)], axis=1))
    return pd.concat(parts, ignore_index=True), stored


def _finish(result: Exploration, manifest: dict[str, Any], started: float, report: bool
            ) -> Exploration:
    """Write the tables, the finished manifest and the report."""
    for name, table in result.tables.items():
        with replacing(result.out / f"{name}.csv") as fh:
            table.to_csv(fh, index=False)
    manifest.update({"status": "complete", "finished": _dt.datetime.now(_dt.UTC).isoformat(
        timespec="seconds"), "wall_seconds_last_call": round(time.time() - started, 2),
        **{k: v for k, v in result.info.items() if k != "errors"}})
    write_manifest(result.out, manifest)
    result.info["manifest"] = manifest
    if report:
        from .report import write_report

        write_report(result)
    return result


def _selection(out: Path, manifest: dict[str, Any], previous: dict[str, Any],
               selected: list[str]) -> list[str]:
    """The Sobol stage's parameters: kept in the manifest when first chosen, so a resumed
    exploration completes the same design even if the selection rule has changed since."""
    kept = previous.get("sobol_parameters")
    manifest["sobol_parameters"] = list(kept) if kept else selected
    write_manifest(out, manifest)
    return manifest["sobol_parameters"]


def _timing(manifest: dict[str, Any], stage: str, points: int, seconds: float,
            out_dir: Path) -> None:
    """Accumulate wall time per stage over calls (a resumed run adds its share); written at
    once, so an interrupted exploration keeps the times of its finished stages."""
    entry = manifest["stage_seconds"].setdefault(stage, {"points": 0, "seconds": 0.0})
    entry["points"] += points
    entry["seconds"] = round(entry["seconds"] + (seconds if points else 0.0), 2)
    write_manifest(out_dir, manifest)


def discover(exp: ExploreExperiment, x: pd.DataFrame, outcomes: pd.DataFrame,
             find: Callable[..., prim.Box] | None = None) -> pd.DataFrame:
    """A PRIM box per metric and pair of regimes for "a is better than b", where that is
    neither rare nor almost certain (share within [min_share, 1 - min_share])."""
    rows = []
    d = exp.discovery
    for metric in exp.metrics:
        sign = DIRECTIONS[metric]
        for a, b in itertools.combinations(exp.regimes, 2):
            diff = outcomes[pair_column(a, b, metric)].to_numpy(dtype=float)
            ok = np.isfinite(diff)
            if ok.sum() < 10:
                continue
            for winner, loser, y in ((a, b, sign * diff > 0), (b, a, sign * diff < 0)):
                share = float(y[ok].mean())
                if not d.min_share <= share <= 1 - d.min_share:
                    continue
                box = prim.find_box(x[ok].reset_index(drop=True), y[ok], d.method,
                                    peel_alpha=d.peel_alpha, min_coverage=d.min_coverage)
                rows.append({"metric": metric, "winner": winner, "loser": loser,
                             "base_rate": share, "coverage": box.coverage,
                             "density": box.density, "mass": box.mass,
                             "restricted": len(box.limits), "box": box.describe()})
    return pd.DataFrame(rows, columns=["metric", "winner", "loser", "base_rate", "coverage",
                                       "density", "mass", "restricted", "box"])


def fact_pass_rates(facts: pd.DataFrame) -> pd.DataFrame:
    """Per fact: the sets where it was checked (a set that failed an earlier fact is not
    checked further), how many passed, and the pass rate among the checked."""
    checked, passed = facts.notna().sum(), facts.eq(True).sum()
    return pd.DataFrame({"fact": facts.columns, "checked": checked.to_numpy(),
                         "passed": passed.to_numpy(), "pass_rate": (passed / checked).to_numpy()})


def acceptance(scale: pd.Series, accepted: np.ndarray) -> pd.DataFrame:
    """Per component of the prior (scale of the box) and overall: sets, accepted, share."""
    df = pd.DataFrame({"scale": scale.to_numpy(dtype=float), "accepted": accepted})
    out = df.groupby("scale")["accepted"].agg(sets="size", accepted="sum").iloc[::-1]
    out.loc[np.nan] = [len(df), int(accepted.sum())]   # overall: the row without a scale
    out = out.astype(int).reset_index()
    out["share"] = out["accepted"] / out["sets"]
    return out


def narrowing(exp: ExploreExperiment, ensemble: pd.DataFrame, accepted: np.ndarray
              ) -> pd.DataFrame:
    """Per parameter: the sampled range, the accepted 5-95% range, and the two-sample
    Kolmogorov-Smirnov distance between accepted and all points (0 = no narrowing)."""
    from scipy import stats

    rows = []
    for key, (low, high) in zip(exp.space.keys, exp.space.bounds, strict=True):
        v = ensemble[key].to_numpy(dtype=float)
        acc = v[accepted]
        row = {"parameter": key, "low": low, "high": high, "accepted": int(accepted.sum())}
        if acc.size >= 2:
            q = np.quantile(acc, [0.05, 0.5, 0.95])
            row.update({"acc_q05": q[0], "acc_median": q[1], "acc_q95": q[2],
                        "width_ratio": (q[2] - q[0]) / (0.9 * (high - low)),
                        "ks": float(stats.ks_2samp(acc, v).statistic),
                        "ks_p": float(stats.ks_2samp(acc, v).pvalue)})
        rows.append(row)
    df = pd.DataFrame(rows)
    if "ks" in df:
        df = df.sort_values("ks", ascending=False, kind="stable")
    return df.reset_index(drop=True)
