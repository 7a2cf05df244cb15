"""The ``cio-sim`` parser and entry point: builds one subcommand per module in
:data:`COMMANDS`, runs the chosen one and turns its exceptions into one line and an exit
status."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import textwrap
import warnings
from collections.abc import Sequence

from .. import __version__
from . import (
    app,
    compare,
    decompose,
    explore,
    export,
    listing,
    params,
    readings,
    repair,
    report,
    run,
    sweep,
    validate,
)
from .common import EXIT_USAGE, PROG, BatchFailed, CLIError, Parser

#: The commands, in the order ``cio-sim --help`` lists them. A command is a module with
#: NAME, HELP, DESCRIPTION, EPILOG, ``add_arguments(parser)`` and ``main(args, argv) -> int``
#: (and LOADS_STACK = True if it runs the model); adding one is that module and a name here.
COMMANDS = (run, compare, decompose, sweep, explore, validate, params, readings, listing,
            report, export, repair, app)

EPILOG = """\
examples:
  cio-sim list
  cio-sim params consensus_2021 --set regime.decision_rule=doorzettingsmacht
  cio-sim validate my_scenario.toml
  cio-sim run consensus_2021 -n 30 --workers 4
  cio-sim run consensus_2021 -n 30 --set horizon_weeks=104 --out results/short
  cio-sim compare consensus_2021 doorzettingsmacht_2026 keuzematrix -n 50 --out results/regimes
  cio-sim decompose consensus_2021 doorzettingsmacht_2026 -n 30 --workers 2
  cio-sim sweep experiments/grid_override_rounds.toml --workers 4
  cio-sim report results/regimes

Results go to results/<name>/ (manifest.json + results.sqlite). A batch that was interrupted
continues with --resume; --force replaces stored results. Run i always uses seed
SeedSequence(seed).spawn(n)[i], on every backend, and every scenario of a comparison sees the
same seeds (common random numbers).
"""

PLUGIN_HELP = ("load parts (a decision rule, a routing, ...) registered by a module, given "
               "by dotted name or .py file, before the command runs; worker processes load "
               "it too (repeat for several)")

#: What the commands that load the model and batch stack (Mesa, numpy, pandas, scipy) load.
_STACK = ("cio_sim.batch.runner",)


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of ``cio-sim`` (exposed for documentation and tests)."""
    parser = Parser(
        prog=PROG, formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG,
        description=textwrap.fill(
            "Simulate the Dutch central government's CIO-stelsel and compare governance "
            "regimes on throughput and compliance. 'cio-sim COMMAND --help' explains each "
            "command with examples.", 88))
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--plugin", action="append", default=[], metavar="MODULE",
                        help=PLUGIN_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for command in COMMANDS:
        p = sub.add_parser(command.NAME, help=command.HELP,
                           description=textwrap.fill(command.DESCRIPTION, 88),
                           epilog=command.EPILOG,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("--plugin", action="append", default=[], metavar="MODULE",
                       dest="command_plugins", help=PLUGIN_HELP)
        command.add_arguments(p)
        p.set_defaults(func=command.main, loads_stack=getattr(command, "LOADS_STACK", False))
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Cost warnings as one line on stderr; other warnings as Python prints them."""
    from ..scenario import CostWarning

    if issubclass(category, CostWarning):
        sys.stderr.write(f"{PROG}: warning: {' '.join(str(message).split())}\n")
    else:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cio-sim`` console script. Returns the exit status.

    Without ``argv`` (the console script) the process is the command's own, and the model
    stack is imported with the garbage collector paused (:func:`cio_sim.heap.quiet_import`:
    about a third of the start-up otherwise); a call with ``argv`` leaves the heap alone."""
    own_process = argv is None
    try:
        return _main(list(sys.argv[1:] if argv is None else argv), own_process)
    finally:
        if own_process:
            _ignore_interrupts()


def _main(argv: list[str], own_process: bool) -> int:
    from .after_batch import FINISHED

    FINISHED.clear()                            # a batch of an earlier call in this process
    if own_process:
        _exit_on_interrupt()
    try:
        parser = build_parser()
    except KeyboardInterrupt as exc:
        return _handle(exc)
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
    try:
        if own_process and args.loads_stack:
            from ..heap import quiet_import

            quiet_import(*_STACK)
        for spec in [*args.plugin, *getattr(args, "command_plugins", [])]:
            from ..plugins import PluginError, load_plugin

            try:
                load_plugin(spec)
            except PluginError as exc:
                sys.stderr.write(f"{PROG}: error: {exc}\n")
                return EXIT_USAGE
        if hasattr(args, "backend"):
            from ..batch import backends

            if args.backend not in backends():
                choices = ", ".join(repr(b) for b in backends())
                sys.stderr.write(f"{PROG}: error: argument --backend: invalid choice: "
                                 f"{args.backend!r} (choose from {choices}) (see "
                                 f"'{PROG} {args.command} --help')\n")
                return EXIT_USAGE
        if own_process:
            _terminate_as_interrupt()
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return args.func(args, argv)
    except (Exception, KeyboardInterrupt) as exc:
        return _handle(exc)


def _exit_on_interrupt() -> None:
    """Until the command runs, Ctrl-C or SIGTERM exits at once with one line: nothing is
    stored yet, and an interrupt raised inside an extension module's import (numpy's) would
    surface as an ImportError with two tracebacks rather than as KeyboardInterrupt."""
    import signal

    from .. import _interrupted_at_start_up

    with contextlib.suppress(ValueError, OSError, AttributeError):  # not the main thread
        signal.signal(signal.SIGINT, _interrupted_at_start_up)
        signal.signal(signal.SIGTERM, _interrupted_at_start_up)


def _ignore_interrupts() -> None:
    """The command is done: an interrupt while Python shuts down (which restores the default
    handlers, so a Ctrl-C there would kill the process silently with status -2) is ignored."""
    import signal

    with contextlib.suppress(ValueError, OSError, AttributeError):  # not the main thread
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _terminate_as_interrupt() -> None:
    """SIGTERM (a kill, a stopped CI job) ends a command as Ctrl-C does: stored runs kept,
    the manifest updated, workers stopped, one line. Ctrl-C raises KeyboardInterrupt again
    (the start-up guard of :mod:`cio_sim.cli` ends here)."""
    import signal

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt("terminated")

    with contextlib.suppress(ValueError, OSError, AttributeError):  # not the main thread
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, interrupt)


def _interrupted(err: BaseException) -> str:
    """The line after Ctrl-C or SIGTERM: what a batch kept, if it had started storing."""
    stored = getattr(err, "stored", None)
    if not stored:
        from .after_batch import FINISHED

        if not FINISHED:
            return "interrupted; nothing was stored"
        out, n = FINISHED[-1]
        runs = "1 run" if n == 1 else f"{n} runs"
        if out is None:
            return f"interrupted after the batch finished ({runs}, kept in no folder)"
        return (f"interrupted after the batch finished; its {runs} are stored in {out} "
                f"('{PROG} report {out}' writes the report)")
    out, n = stored
    if n == 0:
        return f"interrupted; no run was stored yet in {out}"
    runs = "1 run" if n == 1 else f"{n} runs"
    return f"interrupted; {runs} stored in {out} are kept, continue with --resume"


def _user_errors() -> tuple[type[BaseException], ...]:
    """Exception classes that are user errors, from the modules loaded so far."""
    from ..scenario import ScenarioError

    found: list[type[BaseException]] = [CLIError, ScenarioError]
    for module, name in (("cio_sim.files", "FileRefused"),
                         ("cio_sim.batch.runner", "BatchError"),
                         ("cio_sim.batch.messages", "StoreError")):
        mod = sys.modules.get(module)
        if mod is not None and hasattr(mod, name):
            found.append(getattr(mod, name))
    return tuple(found)


def _handle(exc: BaseException) -> int:
    """Exit status and one line on stderr for an exception from a command."""
    from concurrent.futures.process import BrokenProcessPool

    store_write = sys.modules.get("cio_sim.batch.messages")
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
    except KeyboardInterrupt as err:
        sys.stderr.write(f"{PROG}: {_interrupted(err)}\n")
        return 130
