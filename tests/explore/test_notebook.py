"""The exploration notebook runs top to bottom, headless (it runs experiments/explore_ci.toml,
every stage of the pipeline)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import errors, execute_notebook, images

pytest.importorskip("nbformat", reason="pip install 'cio-sim[notebook]'")
pytest.importorskip("nbclient", reason="pip install 'cio-sim[notebook]'")
pytest.importorskip("ipykernel", reason="pip install 'cio-sim[notebook]'")
pytest.importorskip("SALib", reason="pip install 'cio-sim[explore]'")

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "notebooks" / "explore.ipynb"


@pytest.mark.slow
def test_explore_notebook_executes(tmp_path: Path) -> None:
    nb = execute_notebook(NOTEBOOK, tmp_path, timeout=600)
    assert not errors(nb)
    assert images(nb) >= 4
    assert (tmp_path / "explore_ci" / "report.md").exists()
