"""``python -m cio_sim.cli``: the ``cio-sim`` command."""

import sys

from .entry import main

sys.exit(main())
