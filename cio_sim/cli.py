"""The ``cio-sim`` command line: run, compare, sweep, validate, params, list, report, export,
repair.

User errors (bad scenario files, unknown keys, bad ``--set``, a results directory that does
not match) print one line ``cio-sim: error: ...`` to stderr and exit with status 2, before
anything is written.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import shlex
import sys
import textwrap
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from . import __version__

if TYPE_CHECKING:  # the heavy modules load only when a command needs them (fast --help)
    import pandas as pd

    from .batch.store import BatchResult
    from .scenario import Scenario

PROG = "cio-sim"
EXIT_USAGE = 2
WIDTH = 100


class CLIError(Exception):
    """A user error with a one-line message (exit status 2)."""


class BatchFailed(Exception):
    """Every run of a batch failed (exit status 1, one line with the first error)."""


def _note(text: str) -> None:
    sys.stderr.write(f"{PROG}: {text}\n")
    sys.stderr.flush()


def _finish(result: BatchResult) -> None:
    """Print the batch's notes; raise BatchFailed when every run failed."""
    from .batch.runner import first_error

    for note in result.notes:
        _note(f"note: {note}")
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

def _left_table(frame: pd.DataFrame, cols: Sequence[str]) -> list[str]:
    """Plain text table, left-aligned, last column unpadded."""
    widths = [max(len(c), *(len(str(v)) for v in frame[c])) if len(frame) else len(c)
              for c in cols]
    rows = [list(cols), *frame[list(cols)].itertuples(index=False)]
    return ["  ".join(str(v).ljust(w) for v, w in zip(row[:-1], widths[:-1], strict=True))
            + "  " + str(row[-1]) for row in rows]


def _headline(result: BatchResult, derived: bool = True) -> list[str]:
    """Headline metrics present in the result (derived ones only where they add something:
    like-for-like compliance needs several scenarios)."""
    from . import catalogue

    keys = catalogue.headline(result.metrics())
    return keys if derived else [k for k in keys if not catalogue.lookup(k).derived]


def _summary_lines(result: BatchResult, metrics: Sequence[str] | None = None) -> list[str]:
    """metric, better, mean ± 95% CI half-width (a word where there is no interval)."""
    import pandas as pd

    from . import catalogue
    from .report import format_cell

    table = result.summary_table(list(metrics) if metrics is not None else _headline(result))
    if table.empty:
        return ["(no successful runs)"]
    arrows = {"higher": "higher", "lower": "lower", "neither": ""}
    flat = pd.DataFrame({
        "metric": table["metric"],
        "better": [arrows[str(catalogue.better(m))] for m in table["metric"]],
        "mean ± 95% CI": [format_cell(r.mean, r.ci_low, r.ci_high, str(r.note or ""))
                          for r in table.itertuples()]})
    return _left_table(flat, list(flat.columns))


def _comparison_lines(result: BatchResult, metrics: Sequence[str] | None = None) -> list[str]:
    """Metrics (rows) by scenario (columns): mean ± 95% CI half-width."""
    import pandas as pd

    from .report import format_cell

    table = result.comparison_table(list(metrics) if metrics is not None else None)
    if table.empty:
        return ["(no successful runs)"]
    scen = list(dict.fromkeys(table.columns.get_level_values(0)))
    flat = pd.DataFrame({"metric": list(table.index), **{
        s: [format_cell(r[(s, "mean")], r[(s, "ci_low")], r[(s, "ci_high")],
                        str(r[(s, "note")] or "")) for _, r in table.iterrows()]
        for s in scen}})
    return _left_table(flat, list(flat.columns))


def _paired_lines(result: BatchResult, baseline: str | None,
                  metrics: Sequence[str] | None) -> list[str]:
    """Paired differences against the baseline: a block per scenario, a row per metric."""
    import pandas as pd

    from . import catalogue
    from .report import format_paired_cell

    paired = result.paired_table(baseline, list(metrics) if metrics is not None else None)
    if paired.empty:
        return []
    base = paired["baseline"].iloc[0]
    lines: list[str] = []
    for scenario, frame in paired.groupby("scenario", sort=False):
        lines += ["", *textwrap.wrap(f"{scenario} − {base}: paired over the same seeds; mean "
                                     "difference [95% CI]; share of replications better / "
                                     "worse", WIDTH)]
        rows = []
        for _, r in frame.iterrows():
            cell = format_paired_cell(r)
            diff, _, share = cell.partition("; better in ")
            rows.append({"metric": r["metric"],
                         "better": {"higher": "higher", "lower": "lower", "neither": ""}[
                             str(catalogue.better(r["metric"]))],
                         "difference": diff,
                         "better / worse": share.replace(", worse in ", " / ")})
        flat = pd.DataFrame(rows)
        lines += _left_table(flat, list(flat.columns))
    return lines


def _caveat_lines(result: BatchResult) -> list[str]:
    from .report import compliance_caveat

    text = compliance_caveat(result.runs, result.design_keys)
    return textwrap.wrap(text.replace("`", ""), WIDTH) if text else []


def _errors_line(result: BatchResult) -> list[str]:
    errors = result.errors
    if errors.empty:
        return []
    first = errors.iloc[0]
    return [f"warning: {len(errors)} run(s) raised; first ({first['scenario']}, replication "
            f"{first['replication']}): {first['error']}"]


def _report_after_batch(result: BatchResult, out: Path, skip: bool) -> Path | None:
    """Write the report after a batch, unless asked not to, or unless the batch found nothing
    to do and a report is already there (then say so)."""
    if skip:
        return None
    nothing = any(n.startswith("nothing to do") for n in result.notes)
    if nothing and (out / "report.md").exists():
        _note(f"report unchanged: {out / 'report.md'} ('{PROG} report {out}' rewrites it)")
        return out / "report.md"
    return _write_report(result, out)


def _report_and_where(result: BatchResult, out: Path, skip: bool, stored: str = "") -> None:
    """Write the report after a batch (see above) and print where the results and it are."""
    report = _report_after_batch(result, out, skip)
    print(f"results: {out}{stored}" + (f"; report: {report}" if report else ""))


def _write_report(result: BatchResult, out: Path) -> Path:
    """report.md with figures (cio_sim.report), saying so first: figures take a while."""
    _files_backend()
    from .report import write_report

    _note(f"writing report: {out / 'report.md'} and figures/ ...")
    return Path(write_report(result, out))


def _files_backend() -> None:
    """The command line only writes figure files: use Agg unless pyplot is already set up."""
    if "matplotlib.pyplot" not in sys.modules:
        import matplotlib

        matplotlib.use("Agg")


# ---------------------------------------------------------------------------- commands

def overrides_label(name: str, sets: Sequence[str]) -> str:
    """``<scenario>-set-<hash>``: the label and default folder of a run with ``--set``
    overrides (6 hex digits of a hash of the parsed overrides, order-independent)."""
    from .scenario import parse_assignment

    parsed = dict(parse_assignment(t) for t in sets)
    blob = json.dumps(parsed, sort_keys=True, default=str, separators=(",", ":"))
    return f"{name}-set-{hashlib.sha256(blob.encode()).hexdigest()[:6]}"


def _scenario(ref: str, sets: Sequence[str] | None) -> Scenario:
    """A scenario with its --set overrides; overrides give it its own name and say so in its
    description, so its results never mix with (or overwrite) the plain scenario's."""
    import dataclasses

    from .scenario import load_scenario

    if not sets:
        return load_scenario(ref)
    changed = load_scenario(ref, list(sets))
    return dataclasses.replace(
        changed, name=overrides_label(changed.name, sets),
        description=(f"{changed.description} " if changed.description else "")
        + f"With --set {', '.join(sets)}.")


def _command_line(argv: Sequence[str]) -> str:
    return " ".join([PROG, *(shlex.quote(a) for a in argv)])


def cmd_run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from .batch import Cell, execute, plan_batch

    scenario = _scenario(args.scenario, args.set)
    out = Path(args.out) if args.out else Path("results") / scenario.folder_name()
    plan = plan_batch("run", scenario.name, [Cell(0, 0, scenario)], [scenario.name],
                      args.replications, args.seed, args.workers, args.backend, out,
                      args.resume, args.force, extra={"overrides": list(args.set)},
                      command=_command_line(argv))
    result = execute(plan, args.workers, args.backend, args.scheduler, not args.quiet)
    _finish(result)
    print(f"{scenario.name}: {len(result.runs)} runs, seed {args.seed}, digest {plan.digest}")
    print("\n".join([*_summary_lines(result, _headline(result, derived=False)),
                     *_errors_line(result)]))
    _report_and_where(result, out, args.no_report, " (manifest.json, results.sqlite)")
    return 0


def cmd_compare(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from .batch import execute, plan_compare
    from .scenario import folder_name

    scenarios = [_scenario(ref, args.set) for ref in args.scenarios]
    plan = plan_compare(scenarios, args.replications, args.seed, args.workers, args.backend,
                        None, args.resume, args.force, command=_command_line(argv))
    if args.baseline is not None and args.baseline not in plan.labels:
        raise CLIError(f"--baseline: {args.baseline!r} is not among the compared scenarios "
                       f"({', '.join(plan.labels)})")
    out = Path(args.out) if args.out else Path("results") / folder_name(plan.name)
    plan = plan_compare(scenarios, args.replications, args.seed, args.workers, args.backend,
                        out, args.resume, args.force, command=_command_line(argv))
    result = execute(plan, args.workers, args.backend, args.scheduler, not args.quiet)
    _finish(result)
    metrics = None if args.all else _headline(result)
    print(f"{' vs '.join(plan.labels)}: {plan.replications} replications each, seed "
          f"{args.seed} (common random numbers); mean ± 95% CI half-width")
    print("\n".join(_comparison_lines(result, metrics)))
    print("\n".join(_paired_lines(result, args.baseline, metrics)))
    caveat = _caveat_lines(result)
    if caveat:
        print()
        print("\n".join(caveat))
    for line in _errors_line(result):
        print(line)
    _report_and_where(result, out, args.no_report)
    return 0


def cmd_sweep(args: argparse.Namespace, argv: Sequence[str]) -> int:
    import pandas as pd

    from .batch import execute, load_experiment, plan_sweep
    from .scenario import folder_name

    exp = load_experiment(args.experiment)
    out = Path(args.out) if args.out else Path("results") / folder_name(exp.name)
    plan = plan_sweep(exp, out, args.resume, args.workers, args.backend, args.replications,
                      args.seed, args.force, command=_command_line(argv), weekly=args.weekly)
    result = execute(plan, args.workers, args.backend, args.scheduler, not args.quiet)
    _finish(result)
    print(f"{exp.name}: {len(exp.points)} design point(s) x {plan.replications} replications "
          f"of {exp.scenario.name}, seed {plan.seed}")
    shown = [m for m in ("decisions_per_year", "time_to_decision_median_weeks",
                         "compliance_actual") if m in result.runs.columns]
    table = result.summary_table(shown)
    if not table.empty:
        params = pd.DataFrame([{"point": i, **pt} for i, pt in enumerate(exp.points)])
        wide = table.pivot_table(index="point", columns="metric", values="mean")
        wide = wide[[m for m in shown if m in wide.columns]]
        merged = params.merge(wide, left_on="point", right_index=True, how="left")
        print(merged.head(20).to_string(
            index=False, float_format=lambda v: "not reached" if v == math.inf else f"{v:.4g}"))
        if len(merged) > 20:
            print(f"... {len(merged) - 20} more point(s)")
    else:
        print("(no successful runs)")
    for line in _errors_line(result):
        print(line)
    _report_and_where(result, out, args.no_report)
    return 0


def cmd_validate(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from .scenario import load_scenario

    path = Path(args.file)
    kind = _experiment_kind(path) if path.suffix == ".toml" and path.exists() else None
    if kind == "explore":
        from .explore import ExploreError
        from .explore import load_experiment as load_explore

        try:
            exp = load_explore(path)
        except ExploreError as exc:
            raise CLIError(str(exc)) from None
        print(f"ok: {path}: exploration experiment '{exp.name}' over {exp.space.dim} "
              f"assumption(s), regimes {', '.join(exp.regimes)}")
        return 0
    if kind == "morris":
        from .sensitivity import load_experiment as load_morris

        try:
            morris = load_morris(path)
        except ValueError as exc:
            raise CLIError(str(exc)) from None
        n_params = len(getattr(morris, "parameters", ()) or ())
        print(f"ok: {path}: sensitivity experiment '{getattr(morris, 'name', path.stem)}' "
              f"over {n_params} parameter(s)")
        return 0
    if kind == "sweep":
        from .batch import load_experiment

        exp = load_experiment(path)
        print(f"ok: {path}: experiment '{exp.name}' on {exp.scenario.name}, "
              f"{len(exp.points)} design point(s) x {exp.replications} replications")
        return 0
    scenario = load_scenario(args.file)
    print(f"ok: {scenario.source}: scenario '{scenario.name}' (digest {scenario.digest()})")
    return 0


def cmd_explore(args: argparse.Namespace, argv: Sequence[str]) -> int:
    try:  # heavy imports only here, so 'cio-sim --help' stays fast
        from .explore import ExploreError, load_experiment, run_exploration
        from .explore.report import depends_on
    except ImportError as exc:
        raise CLIError(f"cio-sim explore needs its extra: pip install 'cio-sim[explore]' "
                       f"({exc})") from None
    try:
        exp = load_experiment(args.experiment)
        result = run_exploration(exp, args.out, "serial" if args.backend == "local"
                                 and args.workers <= 1 else args.backend, args.workers,
                                 args.scheduler, args.resume, args.force,
                                 progress=not args.quiet)
    except (ExploreError, ImportError) as exc:
        raise CLIError(str(exc)) from None
    info = result.info
    print(f"{exp.name}: {exp.space.dim} assumptions; screening {info['screening_points']} "
          f"points, Sobol {info['sobol_points']} points on {len(info['selected'])} "
          f"parameters; filter accepted {info['accepted']} of {info['samples']} parameter "
          f"sets; {info['n_errors']} run error(s)")
    print("\n".join(line.lstrip("> ").replace("**", "") for line in depends_on(result)
                     if line.strip(">")))
    print(f"results: {result.out} (report.md, *.csv, figures/, explore.sqlite)")
    return 0


def _experiment_kind(path: Path) -> str | None:
    """'sweep', 'morris' or 'explore' for experiment files, None for scenarios (or unreadable
    files)."""
    from .scenario import ScenarioError, read_toml_file
    try:
        data = read_toml_file(path)     # refuses FIFOs, devices, huge and deep files
    except ScenarioError:
        return None
    if "parameters" in data and ("regimes" in data or "trajectories" in data):
        return "morris"
    if any(k in data for k in ("screening", "sobol", "filter", "discovery")):
        return "explore"
    if isinstance(data.get("scenario"), str) or "grid" in data or "sample" in data:
        return "sweep"
    return None


def _short_set_by(text: str) -> str:
    """'scenario override (--set)' -> '--set'; 'scenario x.toml' -> 'x.toml'."""
    if text.startswith("scenario override (") and text.endswith(")"):
        return text[len("scenario override ("):-1]
    return text.removeprefix("scenario ")


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:max(1, width - 1)] + "…"


def params_lines(table: pd.DataFrame, width: int = WIDTH) -> list[str]:
    """Parameters as text no wider than ``width``: one line with key, value, unit and allowed
    values, then the one who set it and the provenance, wrapped and indented."""
    cols = ["key", "value", "unit", "allowed"]
    shown = table[cols].astype(str)
    caps = {"key": 44, "value": 24, "unit": 12}
    widths = {c: min(caps[c], max(len(c), *(len(v) for v in shown[c])) if len(shown)
                     else len(c)) for c in caps}
    rest = width - sum(widths.values()) - 2 * len(caps)
    lines = ["  ".join([*(c.ljust(widths[c]) for c in caps), "allowed"]),
             "    set by: provenance"]
    for (_, row), (_, full) in zip(shown.iterrows(), table.iterrows(), strict=True):
        fits = len(row["allowed"]) <= rest
        head = "  ".join([*(_clip(row[c], widths[c]).ljust(widths[c]) for c in caps),
                          row["allowed"] if fits else ""])
        lines.append(head.rstrip())
        tail = f"{_short_set_by(str(full['set_by']))}: {full['provenance']}"
        if not fits:
            tail = f"allowed: {row['allowed']}; {tail}"
        lines += textwrap.wrap(tail, width, initial_indent="    ", subsequent_indent="      ")
    return lines


def cmd_params(args: argparse.Namespace, argv: Sequence[str]) -> int:
    scenario = _scenario(args.scenario, args.set)
    table = scenario.parameter_table()
    if args.changed:
        table = table[table["set_by"] != "default"]
    if args.format == "csv":
        table.to_csv(sys.stdout, index=False)
        return 0
    cols = ["key", "value", "unit", "allowed", "set_by", "provenance"]
    if args.format == "md":
        shown = table[cols].astype(str)
        print("| " + " | ".join(cols) + " |")
        print("|" + "---|" * len(cols))
        for row in shown.itertuples(index=False):
            print("| " + " | ".join(v.replace("|", "\\|") for v in row) + " |")
        return 0
    print(textwrap.shorten(f"# {scenario.name} ({Path(scenario.source).name}), digest "
                           f"{scenario.digest()}", WIDTH))
    print("\n".join(params_lines(table)))
    return 0


def cmd_list(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from .scenario import ScenarioError, bundled_names, load_scenario

    print("Bundled scenarios:")
    for name in bundled_names():
        try:
            desc = load_scenario(name).description
        except ScenarioError as exc:
            desc = f"(invalid: {exc})"
        wrapped = textwrap.fill(desc, width=96, initial_indent="    ", subsequent_indent="    ")
        print(f"  {name}\n{wrapped}" if desc else f"  {name}")
    from .regimes import describe_parts

    print("\nRegime parts (set with --set <key>=<name>):")
    for part, names in describe_parts().items():
        print(f"  {part}:")
        for name, doc in names.items():
            line = f"    {name:<24} {doc}"
            print("\n".join(textwrap.wrap(line, WIDTH, subsequent_indent=" " * 29)))
    return 0


def cmd_app(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Serve the interactive page; the app package is imported only here (keeps --help fast)."""
    from . import app
    from .scenario import load_scenario

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
    from .batch import load_results

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
        if args.markdown:
            from .report import headline_markdown

            print(headline_markdown(result, args.baseline))
            return 0
        try:
            report = _write_report(result, out)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise CLIError(f"{out}: cannot write the report here ({reason}); choose another "
                           "folder with --out") from None
    print(f"report: {report}")
    return 0


def cmd_repair(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from .batch import repair_store

    print("\n".join(repair_store(args.dir).lines()))
    return 0


def cmd_export(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from .batch import load_results

    directory = Path(args.dir)
    result = load_results(directory)
    fmt = "parquet" if args.parquet else "csv"
    dest = Path(args.to) if args.to else directory / fmt
    paths = result.to_parquet(dest) if fmt == "parquet" else result.to_csv(dest)
    print(f"exported {len(result.runs)} runs as {fmt}: "
          + ", ".join(str(p) for p in paths))
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


def _batch_options(p: argparse.ArgumentParser, replications: bool = True,
                   report: bool = True) -> None:
    if replications:
        p.add_argument("-n", "--replications", type=_positive_int, default=30,
                       help="number of replications (default 30)")
        p.add_argument("--seed", type=_seed, default=1, help="base seed (default 1)")
    p.add_argument("--workers", type=_positive_int, default=1,
                   help="worker processes (or Dask workers) (default 1: serial; capped at "
                        "the machine's cores and the number of runs)")
    p.add_argument("--backend", default=None, metavar="NAME",
                   help="local (processes), serial, dask, or a registered backend (default "
                        "local; dask when --scheduler is given)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address (tcp://host:8786); without it --backend dask "
                        "starts a local cluster")
    p.add_argument("--out", metavar="DIR", help="results directory")
    p.add_argument("--resume", action="store_true",
                   help="finish an interrupted batch in --out (same parameters and seed)")
    p.add_argument("--force", action="store_true", help="replace results already in --out")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="no progress (a bar on a terminal, else a line every 10%%)")
    if report:
        p.add_argument("--no-report", action="store_true", help="skip report.md and figures")


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
    p.add_argument("--baseline", metavar="SCENARIO",
                   help="scenario the others are compared with, replication by replication "
                        "(default: the first)")
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

    p = add("explore", "which regime wins, and under which assumptions",
            "Run an exploration experiment: Morris screening of every assumption, Sobol "
            "indices for the ones that matter (per regime and for the differences between "
            "regimes), pattern-oriented filtering on the stylized facts, the regime "
            "comparison over the accepted parameter sets with common random numbers, and "
            "scenario discovery (PRIM). Writes report.md with figures, CSV tables and "
            "explore.sqlite (every finished design point) into the output directory. Needs "
            "pip install 'cio-sim[explore]'.",
            "examples:\n  cio-sim explore experiments/explore_ci.toml --workers 2\n"
            "  cio-sim explore experiments/explore_study.toml --workers 2 --resume\n"
            "  cio-sim explore experiments/explore_study.toml --backend dask "
            "--scheduler tcp://host:8786")
    p.add_argument("experiment", help="exploration experiment .toml file")
    _batch_options(p, replications=False, report=False)
    p.set_defaults(func=cmd_explore)

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
            "into it (or into --out), or print its headline tables as Markdown. The results "
            "are only read, so a read-only folder works.",
            "examples:\n  cio-sim report results/consensus_2021\n"
            "  cio-sim report /read-only/results --out my_report\n"
            "  cio-sim report results/regimes --markdown")
    p.add_argument("dir", help="results directory (holds manifest.json)")
    p.add_argument("--out", metavar="DIR", help="write the report here (default: the results "
                   "directory)")
    p.add_argument("--markdown", action="store_true",
                   help="print the headline tables (summary, paired differences) as Markdown "
                        "instead of writing the report")
    p.add_argument("--baseline", metavar="SCENARIO",
                   help="baseline of the paired differences (default: the first scenario)")
    p.set_defaults(func=cmd_report)

    p = add("export", "write a results directory's tables as CSV or Parquet",
            "Write runs (one row per run, every metric a column, like-for-like compliance "
            "included), the weekly timeseries and the summary table (mean and 95% CI per "
            "metric and scenario) as CSV or Parquet files.",
            "examples:\n  cio-sim export results/consensus_2021 --csv\n"
            "  cio-sim export results/regimes --parquet --to results/regimes-export")
    p.add_argument("dir", help="results directory (holds manifest.json)")
    kind = p.add_mutually_exclusive_group(required=True)
    kind.add_argument("--csv", action="store_true", help="CSV files")
    kind.add_argument("--parquet", action="store_true",
                      help="Parquet files (needs pyarrow: pip install 'cio-sim[parquet]')")
    p.add_argument("--to", metavar="DIR", help="output folder (default: DIR/csv or DIR/parquet)")
    p.set_defaults(func=cmd_export)

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
    from .scenario import CostWarning

    if issubclass(category, CostWarning):
        sys.stderr.write(f"{PROG}: warning: {' '.join(str(message).split())}\n")
    else:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


#: Commands that load the model and batch stack (Mesa, numpy, pandas, scipy), and what they load.
_STACK = ("cio_sim.batch.runner",)
_LOADS_STACK = {"run", "compare", "sweep", "explore", "validate", "report", "export", "repair"}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cio-sim`` console script. Returns the exit status.

    Without ``argv`` (the console script) the process is the command's own, and the model
    stack is imported with the garbage collector paused (:func:`cio_sim.heap.quiet_import`:
    about a third of the start-up otherwise); a call with ``argv`` leaves the heap alone."""
    own_process = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_USAGE
    if args.command is None:
        parser.print_help()
        return 0
    if getattr(args, "backend", "local") is None:
        args.backend = "dask" if args.scheduler else "local"
    if getattr(args, "scheduler", None) and args.backend != "dask":
        sys.stderr.write(f"{PROG}: error: --scheduler needs --backend dask\n")
        return EXIT_USAGE
    if own_process and args.command in _LOADS_STACK:
        from .heap import quiet_import

        quiet_import(*_STACK)
    if hasattr(args, "backend"):
        from .batch import backends

        if args.backend not in backends():
            choices = ", ".join(repr(b) for b in backends())
            sys.stderr.write(f"{PROG}: error: argument --backend: invalid choice: "
                             f"{args.backend!r} (choose from {choices}) (see "
                             f"'{PROG} {args.command} --help')\n")
            return EXIT_USAGE
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return args.func(args, argv)
    except (Exception, KeyboardInterrupt) as exc:
        return _handle(exc)


def _user_errors() -> tuple[type[BaseException], ...]:
    """Exception classes that are user errors, from the modules loaded so far."""
    from .scenario import ScenarioError

    found: list[type[BaseException]] = [CLIError, ScenarioError]
    for module, name in (("cio_sim.batch.runner", "BatchError"),
                         ("cio_sim.batch.store", "StoreError")):
        mod = sys.modules.get(module)
        if mod is not None and hasattr(mod, name):
            found.append(getattr(mod, name))
    return tuple(found)


def _handle(exc: BaseException) -> int:
    """Exit status and one line on stderr for an exception from a command."""
    from concurrent.futures.process import BrokenProcessPool

    store_write = sys.modules.get("cio_sim.batch.store")
    write_error = getattr(store_write, "StoreWriteError", ()) if store_write else ()
    try:
        raise exc
    except write_error as err:  # disk full midway: the stored runs are intact
        sys.stderr.write(f"{PROG}: error: {' '.join(str(err).split())}\n")
        return 1
    except _user_errors() as err:
        message = " ".join(str(err).split())
        sys.stderr.write(f"{PROG}: error: {message}\n")
        return EXIT_USAGE
    except BatchFailed as err:
        sys.stderr.write(f"{PROG}: error: {' '.join(str(err).split())}\n")
        return 1
    except BrokenProcessPool as err:
        sys.stderr.write(f"{PROG}: error: a worker process died ({err}); stored runs are "
                         "kept, continue with --resume\n")
        return 1
    except BrokenPipeError:  # output piped into e.g. `head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except OSError as err:  # e.g. an output folder that cannot be written
        sys.stderr.write(f"{PROG}: error: {' '.join(str(err).split())}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted; stored runs are kept, continue with "
                         "--resume\n")
        return 130


if __name__ == "__main__":
    sys.exit(main())
