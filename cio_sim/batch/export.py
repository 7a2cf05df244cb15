"""Exports of a batch's results: CSV (floats to six significant figures, the weekly table
streamed) and Parquet (every digit), each file written atomically into a folder cio-sim may
write into."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from .. import comparison
from ..files import replacing
from ..matched import OUTCOMES
from .manifest import check_output_folder
from .messages import StoreError


class Exportable(Protocol):
    """What an export reads of a result (:class:`cio_sim.batch.results.BatchResult`)."""

    manifest: Mapping[str, Any]
    runs: pd.DataFrame
    timeseries: pd.DataFrame
    design_keys: list[str]

    def metrics_frame(self) -> pd.DataFrame: ...
    def summary_table(self) -> pd.DataFrame: ...
    def paired_table(self) -> pd.DataFrame: ...
    def iter_timeseries(self) -> Iterator[pd.DataFrame]: ...

#: The files of an export (an export folder of an earlier version holds only these).
EXPORT_CSV = ("runs.csv", "timeseries.csv", "summary.csv", "paired.csv")
EXPORT_PARQUET = ("runs.parquet", "timeseries.parquet", "summary.parquet", "paired.parquet")

#: Floats in CSV exports: six significant figures (221.233, not 221.23333333333332), far
#: finer than any replication interval; integers are written as they are.
CSV_FLOAT_FORMAT = "%.6g"



def export_runs(result: Exportable) -> pd.DataFrame:
    """Every run (failed ones too) with the derived metrics as real columns (the kader
    outcomes a comparison stores per run stay in the database: compare's paired table holds
    what they give, compliance over matched kaders)."""
    runs = result.runs.drop(columns=[OUTCOMES], errors="ignore")
    derived = result.metrics_frame()
    if comparison.SHARED_COMPLIANCE in derived.columns:
        runs[comparison.SHARED_COMPLIANCE] = derived[comparison.SHARED_COMPLIANCE]
        runs = runs[[c for c in runs.columns if c != "error"] + ["error"]]
    return runs


def export_paired(result: Exportable) -> pd.DataFrame | None:
    """The paired table against the first scenario (material differences included), for a
    comparison of two or more scenarios; None otherwise (one scenario, or a sweep)."""
    if result.design_keys or result.manifest.get("kind") == "sweep":
        return None
    paired = result.paired_table()
    return paired if len(paired) else None


def write_csv(result: Exportable, directory: str | Path) -> list[Path]:
    """Write runs.csv, timeseries.csv (streamed), summary.csv and, for a comparison,
    paired.csv (differences against the first scenario with the material-difference
    probabilities) into ``directory``; floats rounded to :data:`CSV_FLOAT_FORMAT`."""
    directory = Path(directory)
    check_output_folder(directory, names=EXPORT_CSV)
    runs_path = directory / "runs.csv"
    with replacing(runs_path) as fh:
        export_runs(result).to_csv(fh, index=False, float_format=CSV_FLOAT_FORMAT)
    ts_path = directory / "timeseries.csv"
    first = True
    with replacing(ts_path) as fh:
        for chunk in result.iter_timeseries():
            chunk.to_csv(fh, index=False, header=first, float_format=CSV_FLOAT_FORMAT)
            first = False
    summary_path = directory / "summary.csv"
    with replacing(summary_path) as fh:
        result.summary_table().to_csv(fh, index=False, float_format=CSV_FLOAT_FORMAT)
    paths = [runs_path, ts_path, summary_path]
    paired = export_paired(result)
    if paired is not None:
        paths.append(directory / "paired.csv")
        with replacing(paths[-1]) as fh:
            paired.to_csv(fh, index=False, float_format=CSV_FLOAT_FORMAT)
    return paths


def write_parquet(result: Exportable, directory: str | Path) -> list[Path]:
    """Write runs.parquet, timeseries.parquet, summary.parquet and, for a comparison,
    paired.parquet (needs pyarrow)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise StoreError("Parquet export needs pyarrow: pip install 'cio-sim[parquet]'") \
            from None
    directory = Path(directory)
    check_output_folder(directory, names=EXPORT_PARQUET)
    paths = [directory / f"{n}.parquet" for n in ("runs", "timeseries", "summary")]
    runs = export_runs(result)
    runs["error"] = runs["error"].astype("string")
    for path, table in zip(paths, (runs, result.timeseries, result.summary_table()),
                           strict=True):
        with replacing(path, "wb") as fh:
            table.to_parquet(fh, index=False)
    paired = export_paired(result)
    if paired is not None:
        paths.append(directory / "paired.parquet")
        with replacing(paths[-1], "wb") as fh:
            paired.to_parquet(fh, index=False)
    return paths


__all__ = ["CSV_FLOAT_FORMAT", "EXPORT_CSV", "EXPORT_PARQUET", "export_paired", "export_runs",
           "write_csv", "write_parquet"]
