"""What a batch command does when its runs are done: print the batch's notes, fail when every
run failed, write the report and say where the results are."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .common import PROG, BatchFailed, note

if TYPE_CHECKING:  # the heavy modules load only when a command needs them (fast --help)
    from ..batch.store import BatchResult


#: The batch this process's command finished (its folder and runs stored), so that a Ctrl-C
#: while the tables or the report are written says what is kept rather than "nothing".
FINISHED: list[tuple[Path | None, int]] = []


def finish(result: BatchResult) -> None:
    """Print the batch's notes; raise BatchFailed when every run failed."""
    from ..batch.runner import first_error

    FINISHED.append((result.path, len(result)))
    for text in result.notes:
        note(f"note: {text}")
    failed = first_error(result)
    if failed is not None:
        raise BatchFailed(failed)


def report_after_batch(result: BatchResult, out: Path, skip: bool,
                       rewrite: bool = False) -> Path | None:
    """Write the report after a batch, unless asked not to, or unless the batch found nothing
    to do and a report is already there (then say so; ``rewrite``: write it anyway, e.g. with
    a decomposition added)."""
    if skip:
        return None
    nothing = not rewrite and any(n.startswith("nothing to do") for n in result.notes)
    if nothing and (out / "report.html").exists():
        note(f"report unchanged: {out / 'report.html'} ('{PROG} report {out}' rewrites it)")
        return out / "report.html"
    return write_report(result, out)


def report_and_where(result: BatchResult, out: Path, skip: bool, stored: str = "",
                     rewrite: bool = False) -> None:
    """Write the report after a batch (see above) and print where the results and it are."""
    report = report_after_batch(result, out, skip, rewrite)
    print(f"results: {out}{stored}" + (f"; report: {report}" if report else ""))


def write_report(result: BatchResult, out: Path) -> Path:
    """report.html (every figure embedded) and report.md beside it (cio_sim.report)."""
    from ..report import write_report as write

    note(f"writing report: {out / 'report.html'} (and report.md, figures/) ...")
    return Path(write(result, out))
