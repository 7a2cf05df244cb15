"""The outcome of a batch (:class:`BatchResult`): its runs, weekly timeseries and manifest,
the summary, comparison and paired tables, and exports; :func:`load_results` opens a results
folder read-only, as one snapshot, with its true status (running, incomplete, complete)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .. import comparison
from . import export
from .database import ResultStore
from .lock import lock_holder
from .manifest import DB_NAME, derive_status, read_manifest, same_batch_problem
from .messages import StoreError


class BatchResult:
    """The outcome of a batch: ``runs`` (one row per run), ``timeseries`` and ``manifest``.

    Tables are read lazily from the store, so a result over many runs costs little memory
    until you ask for its timeseries.
    """

    def __init__(self, store: ResultStore, manifest: dict[str, Any], path: Path | None = None):
        self._store = store
        self.manifest = manifest
        self.path = Path(path) if path is not None else None
        self._runs: pd.DataFrame | None = None
        self._timeseries: pd.DataFrame | None = None
        #: One-line remarks of the batch that made this result (capped workers, nothing to
        #: resume); the CLI prints them.
        self.notes: list[str] = []

    def __repr__(self) -> str:
        where = f" at {self.path}" if self.path else ""
        try:
            runs = f"{self._store.count()} runs"
        except sqlite3.Error:
            runs = "closed"
        return f"<BatchResult {self.manifest.get('name')!r}: {runs}{where}>"

    def close(self) -> None:
        """Close the database connection (tables already read stay available)."""
        self._store.close()

    def __enter__(self) -> BatchResult:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return len(self.runs)

    @property
    def _names(self) -> list[str]:
        return [s if isinstance(s, str) else s["name"]
                for s in self.manifest.get("scenarios", [])]

    @property
    def _with_point(self) -> bool:
        return self.manifest.get("kind") == "sweep"

    @property
    def runs(self) -> pd.DataFrame:
        """One row per run: scenario, [point and its parameters], replication, seed,
        every summary metric, error."""
        if self._runs is None:
            self._runs = self._store.read_runs(self._with_point)
        return self._runs

    @property
    def timeseries(self) -> pd.DataFrame:
        """The model's weekly timeseries for every run, with scenario and replication
        (empty when the batch kept no weekly tables: manifest ``"weekly": false``)."""
        if self._timeseries is None:
            self._timeseries = self._store.read_timeseries(self._names, self._with_point)
        return self._timeseries

    def iter_timeseries(self, chunksize: int = 50_000) -> Iterator[pd.DataFrame]:
        """The timeseries in chunks of rows, without loading them all."""
        return self._store.iter_timeseries(self._names, self._with_point, chunksize)

    @property
    def errors(self) -> pd.DataFrame:
        """The runs that raised, with their error text."""
        runs = self.runs
        return runs[runs["error"].notna()]

    @property
    def design_keys(self) -> list[str]:
        """The swept parameters (dotted keys) of a sweep; empty otherwise."""
        return list(self.manifest.get("design_keys", []))

    def metrics(self) -> list[str]:
        """Names of the numeric metrics: the summary keys present in ``runs`` (catalogue
        order), then the derived ones (like-for-like compliance; over matched kaders where the
        batch stored its runs' kader outcomes, a paired-table metric only)."""
        frame = self.metrics_frame()
        return sorted([*comparison.metric_columns(frame, self.design_keys),
                       *comparison.paired_metrics(frame)], key=comparison.rank)

    def metrics_frame(self) -> pd.DataFrame:
        """The successful runs with a ``label`` per scenario (or design point, by its
        parameter values) and the derived metrics as real columns."""
        return comparison.with_derived(comparison.label_runs(self.runs, self.design_keys))

    def summary_table(self, metrics: Sequence[str] | None = None,
                      level: float = 0.95) -> pd.DataFrame:
        """Mean and t-based confidence interval per metric per scenario (or design point).

        Long format: one row per (scenario, [point], metric) with n, mean, std, ci_low,
        ci_high, half_width and note (see :func:`cio_sim.comparison.summary_table`). In a
        sweep ``scenario`` names the point by its parameter values. NaN values (undefined
        rates) are left out of n.
        """
        table = comparison.summary_table(self.runs, metrics, level, self.design_keys)
        if "point" in table.columns:
            table = table.sort_values("point", kind="stable").reset_index(drop=True)
        return table

    def comparison_table(self, metrics: Sequence[str] | None = None,
                         level: float = 0.95) -> pd.DataFrame:
        """Metrics as rows, ``(scenario, statistic)`` as columns: the numbers of
        :meth:`summary_table` side by side (mean, ci_low, ci_high, half_width, n, note)."""
        return comparison.comparison_table(self.summary_table(metrics, level))

    def paired_table(self, baseline: str | None = None, metrics: Sequence[str] | None = None,
                     level: float = 0.95) -> pd.DataFrame:
        """Paired differences of every scenario against ``baseline`` (default the first):
        mean difference, its confidence interval and the share of replications in which each
        scenario does better (see :func:`cio_sim.comparison.paired_table`)."""
        return comparison.paired_table(self.runs, baseline, metrics, level, self.design_keys)

    def compliance_sets(self) -> tuple[dict[str, list[str]], list[str]]:
        """Kader strata judged per scenario, and the strata all share (like for like)."""
        return comparison.compliance_sets(comparison.label_runs(self.runs, self.design_keys))

    # -- export

    def to_csv(self, directory: str | Path) -> list[Path]:
        """Write runs.csv, timeseries.csv (streamed), summary.csv and, for a comparison,
        paired.csv into ``directory`` (see :func:`.export.write_csv`; floats rounded to
        :data:`.export.CSV_FLOAT_FORMAT`, Parquet keeps every digit)."""
        return export.write_csv(self, directory)

    def to_parquet(self, directory: str | Path) -> list[Path]:
        """Write runs.parquet, timeseries.parquet, summary.parquet and, for a comparison,
        paired.parquet (needs pyarrow; see :func:`.export.write_parquet`)."""
        return export.write_parquet(self, directory)


def load_results(directory: str | Path) -> BatchResult:
    """Open a results directory written by a batch (``manifest.json`` + database).

    Opens the database read-only (a read-only folder works; nothing is written into it).
    ``manifest["status"]`` and ``manifest["runs_stored"]`` are derived from the stored rows
    (see :func:`derive_status`). A damaged database or manifest, or a database holding
    fewer runs than the manifest recorded, raises a one-line :class:`StoreError` that says
    how to recover.
    """
    if not isinstance(directory, str | os.PathLike):
        raise StoreError(f"directory: got {directory!r:.60}; allowed: the path of a results "
                         "folder")
    directory = Path(directory)
    manifest = read_manifest(directory)
    store = ResultStore(directory / DB_NAME, readonly=True)
    try:
        problem = same_batch_problem(manifest, store.read_meta())
        if problem is not None:
            raise store.damaged(problem)
        stored = store.count()
        recorded = manifest.get("runs_stored")
        if isinstance(recorded, int) and stored < recorded:
            raise store.damaged(f"holds {stored} runs, the manifest recorded {recorded}")
    except StoreError:
        store.close()
        raise
    manifest = {**manifest, "runs_stored": stored,
                "status": derive_status(manifest, stored, lock_holder(directory) is not None)}
    return BatchResult(store, manifest, directory)




__all__ = ["BatchResult", "load_results"]
