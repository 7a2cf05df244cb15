"""The ``cio-sim`` command line: run, compare, sweep, explore, validate, params, list, report,
export, repair, app.

One module per command (``cio_sim/cli/<command>.py``: its help, its arguments and its
``main``), listed once in :data:`cio_sim.cli.entry.COMMANDS`; :mod:`.common` holds the shared
options and errors, :mod:`.format` the text tables, :mod:`.after_batch` what follows a batch.
Commands import the model stack inside ``main``, so ``cio-sim --help`` answers before Mesa,
numpy or pandas load.

User errors (bad scenario files, unknown keys, bad ``--set``, a results directory that does
not match) print one line ``cio-sim: error: ...`` to stderr and exit with status 2, before
anything is written.
"""

import os as _os
import signal as _signal
import sys as _sys


def _interrupted_at_start_up(signum: int, frame: object) -> None:
    _sys.stderr.write("cio-sim: interrupted; nothing was stored\n")
    _os._exit(130)


# The command's own process (console script, or `python -m cio_sim.cli` while runpy locates
# it): Ctrl-C while the command's modules load is one line too; main() takes over from here.
if _sys.argv and (_sys.argv[0] == "-m" or _os.path.basename(_sys.argv[0]) == "cio-sim"):
    _signal.signal(_signal.SIGINT, _interrupted_at_start_up)
    _signal.signal(_signal.SIGTERM, _interrupted_at_start_up)

from .common import EXIT_USAGE, PROG, WIDTH, BatchFailed, CLIError, settings_label  # noqa: E402
from .entry import COMMANDS, build_parser, main  # noqa: E402
from .params import params_lines  # noqa: E402

__all__ = ["COMMANDS", "EXIT_USAGE", "PROG", "WIDTH", "BatchFailed", "CLIError",
           "build_parser", "main", "params_lines", "settings_label"]
