"""The ``cio-sim`` command line: run, compare, sweep, validate, params, list, report, repair.

User errors (bad scenario files, unknown keys, bad ``--set``, a results directory that does
not match) print one line ``cio-sim: error: ...`` to stderr and exit with status 2, before
anything is written.
"""

from __future__ import annotations

import argparse
import math
import os
import shlex
import sys
import textwrap
import warnings
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from . import __version__
from .batch import backends
from .regimes import describe_parts
from .scenario import (
    CostWarning,
    Scenario,
    ScenarioError,
    bundled_names,
    folder_name,
    load_scenario,
    read_toml_file,
)

if TYPE_CHECKING:
    import pandas as pd

    from .batch import (
        BatchError,
        BatchResult,
        StoreError,
        StoreWriteError,
        execute,
        load_experiment,
        load_results,
        plan_batch,
        plan_compare,
        plan_sweep,
        repair_store,
    )
    from .batch import Cell as _Cell
    from .batch.runner import first_error
    from .batch.store import HEADLINE_METRICS


def _import_heavy() -> None:
    """Import pandas and the batch runner and store (and with them the model and Mesa) on
    first use, so that `cio-sim --help` answers without them (about 1.5 s of CPU)."""
    global pd, BatchError, BatchResult, StoreError, StoreWriteError, execute
    global load_experiment, load_results, plan_batch, plan_compare, plan_sweep
    global repair_store, _Cell, first_error, HEADLINE_METRICS
    import pandas as pd

    from .batch import (
        BatchError,
        BatchResult,
        StoreError,
        StoreWriteError,
        execute,
        load_experiment,
        load_results,
        plan_batch,
        plan_compare,
        plan_sweep,
        repair_store,
    )
    from .batch import Cell as _Cell
    from .batch.runner import first_error
    from .batch.store import HEADLINE_METRICS


PROG = "cio-sim"
EXIT_USAGE = 2


class CLIError(Exception):
    """A user error with a one-line message (exit status 2)."""


class BatchFailed(Exception):
    """Every run of a batch failed (exit status 1, one line with the first error)."""


def _finish(result: BatchResult) -> None:
    """Print the batch's notes; raise BatchFailed when every run failed."""
    for note in result.notes:
        sys.stderr.write(f"{PROG}: note: {note}\n")
    failed = first_error(result)
    if failed is not None:
        raise BatchFailed(failed)


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        sub = self.prog.split(" ", 1)[1] if " " in self.prog else ""
        hint = f" (see '{PROG} {sub} --help')" if sub else f" (see '{PROG} --help')"
        sys.stderr.write(f"{PROG}: error: {message}{hint}\n")
        raise SystemExit(EXIT_USAGE)


def _int_at_least(minimum: int):
    """An argparse type: a whole number not below `minimum`."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a number >= {minimum}, got {value}")
        return value
    return parse


_positive_int = _int_at_least(1)
_seed = _int_at_least(0)


# ---------------------------------------------------------------------------- output

def _fmt(x: float, digits: int = 4) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:.{digits}g}"


def _summary_lines(result: BatchResult, metrics: Sequence[str] | None = None) -> list[str]:
    metrics = HEADLINE_METRICS if metrics is None else metrics
    table = result.summary_table([m for m in metrics if m in result.runs.columns])
    if table.empty:
        return ["(no successful runs)"]
    width = max(len(m) for m in table["metric"])
    lines = [f"{'metric':<{width}}  {'mean':>9}  95% CI"]
    for row in table.itertuples():
        ci = "n/a" if math.isnan(row.half_width) else f"[{_fmt(row.ci_low)}, {_fmt(row.ci_high)}]"
        lines.append(f"{row.metric:<{width}}  {_fmt(row.mean):>9}  {ci}")
    return lines


def _comparison_lines(result: BatchResult, metrics: Sequence[str] | None = None) -> list[str]:
    from .report import format_cell

    table = result.comparison_table(metrics)
    if table.empty:
        return ["(no successful runs)"]
    scen = list(dict.fromkeys(table.columns.get_level_values(0)))
    flat = pd.DataFrame({"metric": list(table.index), **{
        s: [format_cell(r[(s, "mean")], r[(s, "ci_low")], r[(s, "ci_high")],
                        str(r[(s, "note")] or "")) for _, r in table.iterrows()]
        for s in scen}})
    return _left_table(flat, list(flat.columns))


def _errors_line(result: BatchResult) -> list[str]:
    errors = result.errors
    if errors.empty:
        return []
    first = errors.iloc[0]
    return [f"warning: {len(errors)} run(s) raised; first ({first['scenario']}, replication "
            f"{first['replication']}): {first['error']}"]


def _write_report(result: BatchResult, out: Path) -> Path | None:
    """report.md with figures (cio_sim.report)."""
    from .report import write_report

    return Path(write_report(result, out))


# ---------------------------------------------------------------------------- commands

def _scenario(ref: str, sets: Sequence[str] | None) -> Scenario:
    return load_scenario(ref, list(sets) if sets else None)


def _command_line(argv: Sequence[str]) -> str:
    return " ".join([PROG, *(shlex.quote(a) for a in argv)])


def cmd_run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    scenario = _scenario(args.scenario, args.set)
    out = Path(args.out) if args.out else Path("results") / scenario.folder_name()
    plan = plan_batch("run", scenario.name, [_Cell(0, 0, scenario)], [scenario.name],
                      args.replications, args.seed, args.workers, args.backend, out,
                      args.resume, args.force, extra={"overrides": list(args.set)},
                      command=_command_line(argv))
    result = execute(plan, args.workers, args.backend, args.scheduler, not args.quiet)
    _finish(result)
    report = None if args.no_report else _write_report(result, out)
    lines = [f"{scenario.name}: {len(result.runs)} runs, seed {args.seed}, "
             f"digest {plan.digest}", *_summary_lines(result), *_errors_line(result),
             f"results: {out} (manifest.json, results.sqlite)"
             + (f"; report: {report}" if report else "")]
    print("\n".join(lines))
    return 0


def cmd_compare(args: argparse.Namespace, argv: Sequence[str]) -> int:
    scenarios = [_scenario(ref, args.set) for ref in args.scenarios]
    plan = plan_compare(scenarios, args.replications, args.seed, args.workers, args.backend,
                        None, args.resume, args.force, command=_command_line(argv))
    out = Path(args.out) if args.out else Path("results") / folder_name(plan.name)
    plan = plan_compare(scenarios, args.replications, args.seed, args.workers, args.backend,
                        out, args.resume, args.force, command=_command_line(argv))
    result = execute(plan, args.workers, args.backend, args.scheduler, not args.quiet)
    _finish(result)
    print(f"{' vs '.join(plan.labels)}: {args.replications} replications each, seed "
          f"{args.seed} (common random numbers); mean ± 95% CI half-width")
    print("\n".join(_comparison_lines(result, HEADLINE_METRICS if not args.all else None)))
    for line in _errors_line(result):
        print(line)
    report = None if args.no_report else _write_report(result, out)
    where = f"results: {out}" + (f"; report: {report}" if report else "")
    print(where)
    return 0


def cmd_sweep(args: argparse.Namespace, argv: Sequence[str]) -> int:
    exp = load_experiment(args.experiment)
    out = Path(args.out) if args.out else Path("results") / folder_name(exp.name)
    plan = plan_sweep(exp, out, args.resume, args.workers, args.backend, args.replications,
                      args.seed, args.force, command=_command_line(argv), weekly=args.weekly)
    result = execute(plan, args.workers, args.backend, args.scheduler, not args.quiet)
    _finish(result)
    keys = list(dict.fromkeys(k for pt in exp.points for k in pt))
    print(f"{exp.name}: {len(exp.points)} design point(s) x {plan.replications} replications "
          f"of {exp.scenario.name}, seed {plan.seed}")
    table = result.summary_table([m for m in ("decisions_per_year", "compliance_actual")
                                  if m in result.runs.columns])
    if not table.empty:
        params = pd.DataFrame([{"point": i, **pt} for i, pt in enumerate(exp.points)])
        wide = table.pivot_table(index="point", columns="metric", values="mean")
        wide.columns = [f"mean {c}" for c in wide.columns]
        merged = params.merge(wide, left_on="point", right_index=True, how="left")
        shown = merged.head(20)
        print(shown.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
        if len(merged) > 20:
            print(f"... {len(merged) - 20} more point(s)")
    elif keys:
        print("(no successful runs)")
    for line in _errors_line(result):
        print(line)
    print(f"results: {out}")
    return 0


def cmd_validate(args: argparse.Namespace, argv: Sequence[str]) -> int:
    path = Path(args.file)
    kind = _experiment_kind(path) if path.suffix == ".toml" and path.exists() else None
    if kind == "morris":
        try:
            from .sensitivity import load_experiment as load_morris
        except ImportError:
            raise CLIError(f"{path}: a sensitivity (Morris) experiment, but "
                           "cio_sim.sensitivity is not available") from None
        try:
            morris = load_morris(path)
        except ValueError as exc:
            raise CLIError(str(exc)) from None
        n_params = len(getattr(morris, "parameters", ()) or ())
        print(f"ok: {path}: sensitivity experiment '{getattr(morris, 'name', path.stem)}' "
              f"over {n_params} parameter(s)")
        return 0
    if kind == "sweep":
        exp = load_experiment(path)
        print(f"ok: {path}: experiment '{exp.name}' on {exp.scenario.name}, "
              f"{len(exp.points)} design point(s) x {exp.replications} replications")
        return 0
    scenario = load_scenario(args.file)
    print(f"ok: {scenario.source}: scenario '{scenario.name}' (digest {scenario.digest()})")
    return 0


def _experiment_kind(path: Path) -> str | None:
    """'sweep' or 'morris' for experiment files, None for scenarios (or unreadable files)."""
    try:
        data = read_toml_file(path)     # refuses FIFOs, devices, huge and deep files
    except ScenarioError:
        return None
    if "parameters" in data and ("regimes" in data or "trajectories" in data):
        return "morris"
    if isinstance(data.get("scenario"), str) or "grid" in data or "sample" in data:
        return "sweep"
    return None


def cmd_params(args: argparse.Namespace, argv: Sequence[str]) -> int:
    scenario = _scenario(args.scenario, args.set)
    table = scenario.parameter_table()
    if args.changed:
        table = table[table["set_by"] != "default"]
    if args.format == "csv":
        table.to_csv(sys.stdout, index=False)
        return 0
    cols = ["key", "value", "unit", "allowed", "set_by", "provenance"]
    shown = table[cols].astype(str)
    if args.format == "md":
        print("| " + " | ".join(cols) + " |")
        print("|" + "---|" * len(cols))
        for row in shown.itertuples(index=False):
            print("| " + " | ".join(v.replace("|", "\\|") for v in row) + " |")
        return 0
    print(f"# {scenario.name} ({scenario.source}), digest {scenario.digest()}")
    print("\n".join(_left_table(shown, cols)))
    return 0


def _left_table(frame: pd.DataFrame, cols: Sequence[str]) -> list[str]:
    """Plain text table, left-aligned, last column unpadded."""
    widths = [max(len(c), *(len(v) for v in frame[c])) if len(frame) else len(c)
              for c in cols]
    rows = [list(cols), *frame[list(cols)].itertuples(index=False)]
    return ["  ".join(str(v).ljust(w) for v, w in zip(row[:-1], widths[:-1], strict=True))
            + "  " + str(row[-1]) for row in rows]


def cmd_list(args: argparse.Namespace, argv: Sequence[str]) -> int:
    print("Bundled scenarios:")
    for name in bundled_names():
        try:
            desc = load_scenario(name).description
        except ScenarioError as exc:
            desc = f"(invalid: {exc})"
        wrapped = textwrap.fill(desc, width=96, initial_indent="    ", subsequent_indent="    ")
        print(f"  {name}\n{wrapped}" if desc else f"  {name}")
    print("\nRegime parts (set with --set <key>=<name>):")
    for part, names in describe_parts().items():
        print(f"  {part}:")
        for name, doc in names.items():
            print(f"    {name:<24} {doc}")
    return 0


def cmd_app(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Serve the interactive page; the app package is imported only here (keeps --help fast)."""
    from . import app

    if app.missing():
        raise CLIError("the app needs the [app] extra (missing: " + ", ".join(app.missing())
                       + "); install it with: pip install 'cio-sim[app]'")
    load_scenario(args.scenario)
    if args.compare:
        load_scenario(args.compare)
    print(f"cio-sim app: open http://{args.host}:{args.port} in a browser (Ctrl-C stops)",
          flush=True)
    env = app.server_env(args.scenario, args.compare, args.seed)
    command = app.server_command(args.host, args.port)
    if os.name == "posix":              # become the server: a signal to this pid stops it
        os.execve(command[0], command, env)
    import subprocess

    with subprocess.Popen(command, env=env) as server:
        try:
            return server.wait()
        except KeyboardInterrupt:       # Ctrl-C reaches the server too; let it finish
            server.wait()
            return 0


def cmd_report(args: argparse.Namespace, argv: Sequence[str]) -> int:
    directory = Path(args.dir)
    out = Path(args.out) if args.out else directory
    with load_results(directory) as result:
        stored, expected = len(result.runs), result.manifest.get("runs_expected")
        status = result.manifest.get("status")
        if stored == 0:
            raise CLIError(f"{directory}: no runs stored yet (status {status}); continue the "
                           "batch with --resume")
        if status != "complete":
            sys.stderr.write(f"{PROG}: note: {directory} is {status}: {stored} of {expected} "
                             "runs stored; the report covers those\n")
        try:
            report = _write_report(result, out)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise CLIError(f"{out}: cannot write the report here ({reason}); choose another "
                           "folder with --out") from None
    print(f"report: {report}")
    return 0


def cmd_repair(args: argparse.Namespace, argv: Sequence[str]) -> int:
    print("\n".join(repair_store(args.dir).lines()))
    return 0


# ---------------------------------------------------------------------------- parser

EPILOG = """\
examples:
  cio-sim list
  cio-sim params consensus_2021 --set regime.decision_rule=doorzettingsmacht
  cio-sim validate my_scenario.toml
  cio-sim run consensus_2021 -n 30 --workers 4
  cio-sim run consensus_2021 -n 30 --set horizon_weeks=104 --out results/short
  cio-sim compare consensus_2021 doorzettingsmacht_2026 keuzematrix -n 50 --out results/regimes
  cio-sim sweep experiments/grid_override_rounds.toml --workers 4
  cio-sim report results/regimes

Results go to results/<name>/ (manifest.json + results.sqlite). A batch that was interrupted
continues with --resume; --force replaces stored results. Run i always uses seed
SeedSequence(seed).spawn(n)[i], on every backend, and every scenario of a comparison sees the
same seeds (common random numbers).
"""


def _batch_options(p: argparse.ArgumentParser, replications: bool = True) -> None:
    if replications:
        p.add_argument("-n", "--replications", type=_positive_int, default=30,
                       help="number of replications (default 30)")
        p.add_argument("--seed", type=_seed, default=1, help="base seed (default 1)")
    p.add_argument("--workers", type=_positive_int, default=1,
                   help="worker processes (or Dask workers) (default 1: serial; capped at "
                        "the machine's cores and the number of runs)")
    p.add_argument("--backend", choices=backends(), default=None,
                   help="local processes, serial or a Dask cluster (default local; dask when "
                        "--scheduler is given)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address (tcp://host:8786); without it --backend dask "
                        "starts a local cluster")
    p.add_argument("--out", metavar="DIR", help="results directory")
    p.add_argument("--resume", action="store_true",
                   help="finish an interrupted batch in --out (same parameters and seed)")
    p.add_argument("--force", action="store_true", help="replace results already in --out")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def _set_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--set", action="append", metavar="KEY=VALUE", default=[],
                   help="override a parameter by dotted key (repeatable), e.g. "
                        "--set departments.FIN.time_share=0.5")


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of ``cio-sim`` (exposed for documentation and tests)."""
    parser = _Parser(
        prog=PROG, formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG,
        description=textwrap.fill(
            "Simulate the Dutch central government's CIO-stelsel and compare governance "
            "regimes on throughput and compliance. 'cio-sim COMMAND --help' explains each "
            "command with examples.", 88))
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(name: str, help_: str, description: str, epilog: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_, description=textwrap.fill(description, 88),
                              epilog=epilog,
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    p = add("run", "replicate one scenario",
            "Run a scenario N times with seeds derived from --seed and store every run. "
            "Prints the mean and 95% confidence interval of the headline metrics and writes "
            "report.md with figures into the output directory.",
            "examples:\n  cio-sim run consensus_2021 -n 30\n"
            "  cio-sim run scenarios/keuzematrix.toml -n 100 --workers 4 --out results/km\n"
            "  cio-sim run consensus_2021 --set regime.decision_rule=doorzettingsmacht "
            "--set regime.override_rounds=1\n"
            "  cio-sim run consensus_2021 -n 1000 --backend dask --scheduler tcp://host:8786\n"
            "  cio-sim run consensus_2021 -n 30 --resume    # after an interruption")
    p.add_argument("scenario", help="bundled scenario name (see 'cio-sim list') or a .toml path")
    _set_option(p)
    _batch_options(p)
    p.add_argument("--no-report", action="store_true", help="skip report.md and figures")
    p.set_defaults(func=cmd_run)

    p = add("compare", "compare regimes with common random numbers",
            "Run several scenarios with the same seeds and print metrics (rows) by scenario "
            "(columns) as mean ± 95% CI half-width; store the runs and write report.md with "
            "figures into the output directory.",
            "examples:\n  cio-sim compare consensus_2021 doorzettingsmacht_2026 -n 50\n"
            "  cio-sim compare consensus_2021 keuzematrix keuzematrix_doorzettingsmacht "
            "--workers 4 --out results/regimes")
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                   help="two or more scenario names or paths")
    _set_option(p)
    _batch_options(p)
    p.add_argument("--all", action="store_true", help="show every metric, not the headline ones")
    p.add_argument("--no-report", action="store_true", help="skip report.md and figures")
    p.set_defaults(func=cmd_compare)

    p = add("sweep", "run an experiment file (grid or Latin hypercube)",
            "Run every design point of an experiment file. The file names a base scenario, "
            "replications and seed, optional fixed overrides in [set], and either [grid] "
            "(dotted key = [values], full factorial) or [sample] (dotted key = [low, high], "
            "n = points; Latin hypercube with the experiment seed). Every design point uses "
            "the same seeds.",
            "example file:\n  scenario = \"consensus_2021\"\n  replications = 10\n  seed = 1\n"
            "  [set]\n  horizon_weeks = 104\n  [grid]\n"
            "  \"regime.decision_rule\" = [\"consensus\", \"doorzettingsmacht\"]\n"
            "  \"regime.override_rounds\" = [1, 2, 3]\n\n"
            "examples:\n  cio-sim sweep experiments/ci_sweep.toml\n"
            "  cio-sim sweep experiments/grid_override_rounds.toml --workers 4 --resume")
    p.add_argument("experiment", help="experiment .toml file")
    p.add_argument("-n", "--replications", type=_positive_int, default=None,
                   help="override the file's replications")
    p.add_argument("--seed", type=_seed, default=None, help="override the file's seed")
    _batch_options(p, replications=False)
    p.add_argument("--weekly", action="store_true",
                   help="also keep every run's weekly table (default: summaries only)")
    p.set_defaults(func=cmd_sweep)

    p = add("validate", "check a scenario or experiment file",
            "Load and validate a scenario (or experiment) file, following extends. Prints "
            "'ok: ...' and exits 0, or one error line and exits 2.",
            "examples:\n  cio-sim validate scenarios/keuzematrix.toml\n"
            "  cio-sim validate experiments/ci_sweep.toml")
    p.add_argument("file", help="a .toml file (or a bundled scenario name)")
    p.set_defaults(func=cmd_validate)

    p = add("params", "every resolved parameter of a scenario",
            "Show every resolved parameter value with its unit, allowed range, who set it "
            "and its provenance (a source line or 'assumption: ...').",
            "examples:\n  cio-sim params consensus_2021\n"
            "  cio-sim params doorzettingsmacht_2026 --changed\n"
            "  cio-sim params consensus_2021 --set horizon_weeks=52 --format csv > p.csv")
    p.add_argument("scenario", help="bundled scenario name or a .toml path")
    _set_option(p)
    p.add_argument("--format", choices=("text", "md", "csv"), default="text",
                   help="output format (default text)")
    p.add_argument("--changed", action="store_true", help="only values that differ from "
                   "the defaults' origin (set by a scenario file or --set)")
    p.set_defaults(func=cmd_params)

    p = add("list", "bundled scenarios and regime parts",
            "List the bundled scenarios with their descriptions, and the regime parts you can "
            "combine in a scenario file.", "example:\n  cio-sim list")
    p.set_defaults(func=cmd_list)

    p = add("report", "write report.md with figures from a results directory",
            "Read a results directory and write report.md with figures and a summary table "
            "into it (or into --out). The results are only read, so a read-only folder works.",
            "examples:\n  cio-sim report results/consensus_2021\n"
            "  cio-sim report /read-only/results --out my_report")
    p.add_argument("dir", help="results directory (holds manifest.json)")
    p.add_argument("--out", metavar="DIR", help="write the report here (default: the results "
                   "directory)")
    p.set_defaults(func=cmd_report)

    p = add("repair", "make a damaged results directory resumable",
            "Check a results directory. A damaged or empty results.sqlite is moved aside "
            "(renamed *.damaged-<time>, nothing is deleted) and its intact runs are copied "
            "into a new one; a damaged or missing manifest.json is rebuilt from the copy in "
            "the database; a status that is no longer true is corrected. Then --resume "
            "finishes the batch with the same results as an uninterrupted one.",
            "example:\n  cio-sim repair results/consensus_2021\n"
            "  cio-sim run consensus_2021 -n 30 --resume")
    p.add_argument("dir", help="results directory")
    p.set_defaults(func=cmd_repair)

    p = add("app", "explore a scenario interactively in the browser",
            "Serve a page that runs the model week by week: step, play and reset; change the "
            "regime parts and main assumptions (with units and provenance); watch the forums' "
            "queues, backlog, decisions, compliance, agenda and attendance; run a second "
            "regime side by side on the same seed; click a proposal to see its path. Needs "
            "the [app] extra: pip install 'cio-sim[app]'.",
            "examples:\n  cio-sim app\n  cio-sim app --scenario keuzematrix "
            "--compare doorzettingsmacht_2026\n  cio-sim app --port 8800 --seed 7")
    p.add_argument("--scenario", default="consensus_2021",
                   help="base scenario, run A (default consensus_2021)")
    p.add_argument("--compare", metavar="SCENARIO",
                   help="start side by side: run B takes this scenario's regime parts")
    p.add_argument("--seed", type=_seed, default=1, help="seed of both runs (default 1)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default "
                   "127.0.0.1)")
    p.add_argument("--port", type=_int_at_least(0), default=8765,
                   help="port to listen on (default 8765)")
    p.set_defaults(func=cmd_app)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Cost warnings as one line on stderr; other warnings as Python prints them."""
    if issubclass(category, CostWarning):
        sys.stderr.write(f"{PROG}: warning: {' '.join(str(message).split())}\n")
    else:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cio-sim`` console script. Returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_USAGE
    if args.command is None:
        parser.print_help()
        return 0
    _import_heavy()
    if getattr(args, "backend", "local") is None:
        args.backend = "dask" if args.scheduler else "local"
    if getattr(args, "scheduler", None) and args.backend != "dask":
        sys.stderr.write(f"{PROG}: error: --scheduler needs --backend dask\n")
        return EXIT_USAGE
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return args.func(args, argv)
    except StoreWriteError as exc:  # disk full midway: the stored runs are intact
        sys.stderr.write(f"{PROG}: error: {' '.join(str(exc).split())}\n")
        return 1
    except (ScenarioError, BatchError, StoreError, CLIError) as exc:
        message = " ".join(str(exc).split())
        sys.stderr.write(f"{PROG}: error: {message}\n")
        return EXIT_USAGE
    except BatchFailed as exc:
        sys.stderr.write(f"{PROG}: error: {' '.join(str(exc).split())}\n")
        return 1
    except BrokenProcessPool as exc:
        sys.stderr.write(f"{PROG}: error: a worker process died ({exc}); stored runs are "
                         "kept, continue with --resume\n")
        return 1
    except BrokenPipeError:  # output piped into e.g. `head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except OSError as exc:  # e.g. an output folder that cannot be written
        sys.stderr.write(f"{PROG}: error: {' '.join(str(exc).split())}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted; stored runs are kept, continue with "
                         "--resume\n")
        return 130


if __name__ == "__main__":
    sys.exit(main())
