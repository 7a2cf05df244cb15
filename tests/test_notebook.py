"""The quickstart notebook runs top to bottom, headless, so it never rots."""

from __future__ import annotations

from pathlib import Path

import pytest

import cio_sim

nbformat = pytest.importorskip("nbformat", reason="nbformat not installed "
                               "(pip install 'cio-sim[notebook]')")
nbclient = pytest.importorskip("nbclient", reason="nbclient not installed "
                               "(pip install 'cio-sim[notebook]')")
pytest.importorskip("ipykernel", reason="ipykernel not installed (pip install 'cio-sim[notebook]')")

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "notebooks" / "quickstart.ipynb"
HAS_RUNNER = hasattr(cio_sim, "run_batch") and hasattr(cio_sim, "compare")


@pytest.mark.slow
@pytest.mark.xfail(not HAS_RUNNER, strict=False,
                   reason="cio_sim.run_batch / cio_sim.compare not available yet")
def test_quickstart_notebook_executes(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
                 for o in c.get("outputs", []))
    shown = sum(1 for c in nb.cells if c.cell_type == "code"
                and "plots.plot_" in c.source and c.source.rstrip().endswith(";"))
    assert shown >= 8 and images == shown    # every figure cell shows its figure, once
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []))
    assert "| metric | better | consensus_2021 |" in text        # format_summary_table
    assert "doorzettingsmacht_2026 − consensus_2021" in text      # format_paired_table
