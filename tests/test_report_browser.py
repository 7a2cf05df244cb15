"""report.html in a real headless browser: a three-regime comparison written by the command
line opens without console errors or failed requests, every figure is embedded and drawn, and
the verdict paragraph comes first (a few seconds)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cio_sim.cli import main

pytestmark = pytest.mark.browser

@pytest.fixture(scope="module")
def page(chromium) -> Iterator:
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()


def _open(page, path) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:"))
            else errors.append(f"request outside the file: {r.url}"))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return errors


def test_compare_report_opens_cleanly(page, tmp_path, capsys):
    out = tmp_path / "regimes"
    code = main(["compare", "consensus_2021", "doorzettingsmacht_2026", "keuzematrix",
                 "-n", "4", "--out", str(out), "-q"])
    capsys.readouterr()
    assert code == 0
    errors = _open(page, out / "report.html")
    # the first thing after the title is the verdict: what the results say, how sure
    first = page.locator("body > *").nth(1)
    assert first.evaluate("e => e.tagName") == "P"
    assert "verdict" in (first.get_attribute("class") or "")
    assert first.inner_text().startswith("Against consensus_2021, over 4 replications")
    assert page.locator("body > h1").inner_text().startswith("Comparison: consensus_2021")
    # every figure is in the page itself, drawn with a size, and none is missing
    figures = page.locator("figure")
    assert figures.count() == 3
    for k in range(figures.count()):
        box = figures.nth(k).locator("svg").first.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 150
    assert "figure not found" not in page.content()
    assert page.locator("img:not([src^='data:'])").count() == 0
    assert errors == []
