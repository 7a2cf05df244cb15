"""The exploration notebook runs top to bottom, headless (it runs experiments/explore_ci.toml,
every stage of the pipeline)."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="pip install 'cio-sim[notebook]'")
nbclient = pytest.importorskip("nbclient", reason="pip install 'cio-sim[notebook]'")
pytest.importorskip("ipykernel", reason="pip install 'cio-sim[notebook]'")
pytest.importorskip("SALib", reason="pip install 'cio-sim[explore]'")

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "notebooks" / "explore.ipynb"


@pytest.mark.slow
def test_explore_notebook_executes(tmp_path: Path) -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
                 for o in c.get("outputs", []))
    assert images >= 4
    assert (tmp_path / "explore_ci" / "report.md").exists()
