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

from .common import EXIT_USAGE, PROG, WIDTH, BatchFailed, CLIError, settings_label
from .entry import COMMANDS, build_parser, main
from .params import params_lines

__all__ = ["COMMANDS", "EXIT_USAGE", "PROG", "WIDTH", "BatchFailed", "CLIError",
           "build_parser", "main", "params_lines", "settings_label"]
