"""The quickstart notebook runs top to bottom, headless, so it never rots."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import errors, execute_notebook, images, outputs

import cio_sim

pytest.importorskip("nbformat", reason="nbformat not installed "
                    "(pip install 'cio-sim[notebook]')")
pytest.importorskip("nbclient", reason="nbclient not installed "
                    "(pip install 'cio-sim[notebook]')")
pytest.importorskip("ipykernel", reason="ipykernel not installed (pip install 'cio-sim[notebook]')")

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "notebooks" / "quickstart.ipynb"
HAS_RUNNER = hasattr(cio_sim, "run_batch") and hasattr(cio_sim, "compare")


@pytest.mark.slow
@pytest.mark.xfail(not HAS_RUNNER, strict=False,
                   reason="cio_sim.run_batch / cio_sim.compare not available yet")
def test_quickstart_notebook_executes(tmp_path):
    nb = execute_notebook(NOTEBOOK, tmp_path, timeout=180)
    assert not errors(nb)
    shown = sum(1 for c in nb.cells if c.cell_type == "code"
                and "plots.plot_" in c.source and c.source.rstrip().endswith(";"))
    assert shown >= 8 and images(nb) == shown    # every figure cell shows its figure, once
    text = "".join(o.get("text", "") for o in outputs(nb))
    assert "| metric | better | consensus_2021 |" in text        # format_summary_table
    assert "doorzettingsmacht_2026 − consensus_2021" in text      # format_paired_table
    # the paired table's `better` column says better / worse / no material difference
    tables = "".join(o.get("data", {}).get("text/plain", "") for o in outputs(nb))
    assert "share_better" in tables
    assert re.search(r"\s(better|worse|no material difference|unclear)\s+[−-]?\d", tables)


def test_notebook_extra_opens_and_runs_notebooks():
    """The [notebook] extra installs Jupyter's command line with nbconvert and JupyterLab."""
    import subprocess
    import sys

    pytest.importorskip("nbconvert", reason="nbconvert not installed "
                        "(pip install 'cio-sim[notebook]')")
    done = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--version"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip()[:1].isdigit(), done.stderr
    import importlib.util

    assert importlib.util.find_spec("jupyterlab") is not None     # `jupyter lab` opens it
