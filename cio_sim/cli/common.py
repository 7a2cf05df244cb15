"""What every command shares: the program name and exit status, the user-error exceptions, the
one-line-error parser, argument types, the batch and ``--set`` options, and scenarios with
their ``--set`` settings."""

from __future__ import annotations

import argparse
import hashlib
import json
import shlex
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:  # the heavy modules load only when a command needs them (fast --help)
    from ..scenario import Scenario

PROG = "cio-sim"
EXIT_USAGE = 2
WIDTH = 100


class CLIError(Exception):
    """A user error with a one-line message (exit status 2)."""


class BatchFailed(Exception):
    """Every run of a batch failed (exit status 1, one line with the first error)."""


def note(text: str) -> None:
    """One line ``cio-sim: <text>`` on stderr."""
    sys.stderr.write(f"{PROG}: {text}\n")
    sys.stderr.flush()


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        sub = self.prog.split(" ", 1)[1] if " " in self.prog else ""
        hint = f" (see '{PROG} {sub} --help')" if sub else f" (see '{PROG} --help')"
        sys.stderr.write(f"{PROG}: error: {message}{hint}\n")
        raise SystemExit(EXIT_USAGE)


def int_at_least(minimum: int):
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


positive_int = int_at_least(1)
seed = int_at_least(0)


def batch_options(p: argparse.ArgumentParser, replications: bool = True,
                  report: bool = True) -> None:
    """Options of every command that runs a batch: replications, seed, workers, backend,
    output folder, resume, force, quiet and (with `report`) --no-report."""
    if replications:
        p.add_argument("-n", "--replications", type=positive_int, default=30,
                       help="number of replications (default 30)")
        p.add_argument("--seed", type=seed, default=1, help="base seed (default 1)")
    p.add_argument("--workers", type=positive_int, default=1,
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
        p.add_argument("--no-report", action="store_true",
                       help="skip the report (report.html, report.md, figures/)")


def weekly_option(p: argparse.ArgumentParser) -> None:
    """``--weekly``: keep every run's weekly table even without a report that draws it."""
    p.add_argument("--weekly", action="store_true",
                   help="keep every run's weekly table even with --no-report (by default "
                        "they are kept only for the report's figures over time)")


def keeps_weekly(args: argparse.Namespace) -> bool:
    """Weekly tables only where a figure uses them: with the report, or when asked for."""
    return bool(args.weekly or not args.no_report)


def keys_option(p: argparse.ArgumentParser) -> None:
    """``--keys``: name metrics by their keys instead of their labels."""
    p.add_argument("--keys", action="store_true",
                   help="name metrics by their keys (as in export and the Python API, e.g. "
                        "decisions_per_year) instead of their labels")


def set_option(p: argparse.ArgumentParser) -> None:
    """The repeatable ``--set KEY=VALUE`` option."""
    p.add_argument("--set", action="append", metavar="KEY=VALUE", default=[],
                   help="set a parameter by dotted key (repeatable), e.g. --set "
                        "departments.FIN.time_share=0.5; the results get their own label and "
                        "folder, <scenario>-set-<6 hex digits of the settings>")


def settings_label(name: str, sets: Sequence[str]) -> str:
    """``<scenario>-set-<hash>``: the label and default folder of a run with ``--set``
    settings (6 hex digits of a hash of the parsed settings, order-independent)."""
    from ..scenario import parse_assignment

    parsed = dict(parse_assignment(t) for t in sets)
    blob = json.dumps(parsed, sort_keys=True, default=str, separators=(",", ":"))
    return f"{name}-set-{hashlib.sha256(blob.encode()).hexdigest()[:6]}"


def scenario_with_sets(ref: str, sets: Sequence[str] | None) -> Scenario:
    """A scenario with its --set settings; they give it its own name and say so in its
    description, so its results never mix with (or overwrite) the plain scenario's."""
    import dataclasses

    from ..scenario import load_scenario

    if not sets:
        return load_scenario(ref)
    changed = load_scenario(ref, list(sets))
    return dataclasses.replace(
        changed, name=settings_label(changed.name, sets),
        description=(f"{changed.description} " if changed.description else "")
        + f"With --set {', '.join(sets)}.")


def command_line(argv: Sequence[str]) -> str:
    """The command as typed (shell-quoted), for the manifest."""
    return " ".join([PROG, *(shlex.quote(a) for a in argv)])
