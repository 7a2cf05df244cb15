"""The app in a real headless browser: loads cleanly, steps, re-runs on a control change,
shows two runs side by side, and a proposal's path when clicked (about a minute in all)."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import time

import pytest

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
except ImportError:      # the tests skip (or fail under CI) in conftest
    PlaywrightTimeoutError = TimeoutError

pytestmark = pytest.mark.browser


def expect(locator):
    """Playwright's retrying assertion (its timeout is set with the page's, in conftest)."""
    from playwright.sync_api import expect as _expect

    return _expect(locator)


def _step(probe, clicks: int = 1) -> None:
    """Set 'weeks per Step' to its maximum (26) and press Step `clicks` times."""
    page = probe.page
    slider = page.locator(".weeks-per-step [role=slider]")
    slider.focus()
    slider.press("End")
    page.get_by_text("weeks per Step (and per frame when playing): 26").wait_for()
    weeks = 26
    start = _week(probe)
    for k in range(clicks):
        page.get_by_role("button", name="Step").click()
        week = start + weeks * (k + 1)
        page.get_by_text(f"Week {week} of").wait_for()
        page.get_by_text(f"Headline figures at week {week}").wait_for()


def _wait_until(condition, timeout: float = 60.0) -> None:
    """Poll `condition` (a page state may pass between two of Playwright's waits)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def _week_stands_still(probe, window: float = 2.0, tries: int = 4) -> bool:
    """Whether the week shown stays the same over `window` seconds (a step that was under
    way when pausing may still finish, so a few windows are tried)."""
    for _ in range(tries):
        before = _week(probe)
        time.sleep(window)
        if _week(probe) == before:
            return True
    return False


def _week(probe) -> int:
    text = probe.page.locator(".week-label").inner_text()
    return int(text.split()[1])


def _cell_locator(probe, metric: str, column: int = 2):
    row = probe.page.locator(".headline-table tr", has_text=metric)
    return row.locator(f"td:nth-child({column})")


def _cell(probe, metric: str, column: int = 2) -> str:
    return _cell_locator(probe, metric, column).inner_text()


def _image(probe, view: str, index: int = 0) -> str:
    img = probe.page.locator(f".{view} img").nth(index)
    img.wait_for()
    return img.get_attribute("src") or ""


def test_page_loads_without_console_errors(app_page, screenshot_dir):
    page = app_page.page
    page.locator(".view-forums img").first.wait_for()
    page.locator(".headline-table").wait_for()
    page.get_by_text("how the CIO-beraad decides").wait_for()
    page.get_by_text("source: ADR:L968-970").first.wait_for()   # provenance shown
    page.wait_for_timeout(500)
    page.screenshot(path=screenshot_dir / "01-loaded.png")
    assert app_page.errors == []


def test_page_works_without_cdn(app_page):
    """The server's CDN is a closed port and the browser may reach nothing off this machine
    (conftest): the front end comes from the installed [app] extra."""
    page = app_page.page
    page.locator(".headline-table").wait_for()
    assert page.evaluate("typeof solara !== 'undefined' && typeof requirejs === 'function'")
    loaded = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert any("/_solara/cdn/" in url and "solara-vuetify" in url for url in loaded)
    assert app_page.errors == []


def test_stepping_advances_the_charts(app_page, screenshot_dir):
    before = (_image(app_page, "view-flow"), _image(app_page, "view-forums"))
    _step(app_page)
    app_page.page.get_by_text("Headline figures at week 26").wait_for()
    after = (_image(app_page, "view-flow"), _image(app_page, "view-forums"))
    assert after[0] != before[0] and after[1] != before[1]
    _wait_until(lambda: int(_cell(app_page, "Proposals arrived so far") or 0) > 0)
    app_page.page.screenshot(path=screenshot_dir / "02-stepped.png")
    assert app_page.errors == []


def test_play_pause_and_reset(app_page):
    page = app_page.page
    page.get_by_role("button", name="▶").click()
    _wait_until(lambda: _week(app_page) >= 2)
    pause = page.get_by_role("button", name="❚❚")
    if _week(app_page) < 260:          # a fast server may play to the horizon first
        with contextlib.suppress(PlaywrightTimeoutError):
            pause.click(timeout=5_000)
    assert _week_stands_still(app_page)   # paused (or finished); a step in flight may end
    assert page.get_by_text("error in").count() == 0      # Mesa's controller reports here
    page.get_by_role("button", name="Reset").click()
    page.get_by_text("Week 0 of").wait_for()
    expect(page.get_by_role("button", name="▶")).to_be_enabled()
    assert app_page.errors == []


def test_changing_a_control_reruns_the_model(app_page, screenshot_dir):
    page = app_page.page
    _step(app_page)
    backlog = _cell(app_page, "Backlog now")
    page.locator(".ctl-regime-routing .v-select").click()
    page.get_by_role("option", name="keuzematrix").click()
    page.locator(".headline-legend", has_text="with 1 change(s)").wait_for()
    # re-run up to the week shown
    expect(page.locator(".week-label")).to_have_text(re.compile(r"^Week 26 of"))
    expect(_cell_locator(app_page, "Backlog now")).not_to_have_text(backlog)
    page.get_by_text("changed here").first.wait_for()    # the control's note says so
    page.screenshot(path=screenshot_dir / "03-control-changed.png")
    assert app_page.errors == []


def test_side_by_side_shows_two_runs(app_page, screenshot_dir):
    page = app_page.page
    page.get_by_text("side by side: run a second regime").click()
    page.locator(".view-paired img").wait_for()
    _step(app_page, clicks=4)
    expect(page.locator(".headline-table th")).to_have_text(
        ["metric", "A", "B", "B − A", "better"])
    legend = page.locator(".headline-legend")
    expect(legend).to_contain_text("A: consensus_2021")
    expect(legend).to_contain_text("B: regime of doorzettingsmacht_2026")
    expect(page.locator(".view-forums img")).to_have_count(2)
    page.wait_for_timeout(500)
    page.screenshot(path=screenshot_dir / "04-side-by-side.png")
    assert app_page.errors == []


def test_clicking_a_proposal_shows_its_path(app_page, screenshot_dir):
    page = app_page.page
    _step(app_page)
    page.get_by_role("button", name="Proposals").click()
    row = page.locator(".proposal-table tbody tr").first
    pid = row.locator("td").first.inner_text()
    row.click()
    card = page.locator(".proposal-history")
    expect(card).to_contain_text(f"Proposal {pid}")
    # the card's title arrives before its table: wait for the table's first state
    expect(card).to_contain_text("submitted")
    page.screenshot(path=screenshot_dir / "05-proposal.png")
    assert app_page.errors == []


def test_saved_scenario_validates_and_cio_sim_run_reproduces_the_page(app_page, server_log,
                                                                        tmp_path):
    """Change a control, step to week 26, save; `cio-sim validate` accepts the file and
    `cio-sim run` of it at the page's seed has the page's figures at week 26."""
    from cio_sim import load_results

    page = app_page.page
    page.locator(".ctl-regime-routing .v-select").click()
    page.get_by_role("option", name="keuzematrix").click()
    page.locator(".headline-legend", has_text="with 1 change(s)").wait_for()
    _step(app_page)
    shown = {m: int(_cell(app_page, m)) for m in ("Backlog now", "Proposals arrived so far")}
    name = page.locator(".save-scenario input")
    name.fill("saved_from_page")
    page.get_by_role("button", name="save scenario").click()
    expect(page.locator(".save-message")).to_contain_text("saved_from_page.toml")
    path = server_log.parent / "saved_from_page.toml"
    assert "routing = \"keuzematrix\"" in path.read_text()
    cli = [sys.executable, "-m", "cio_sim.cli"]
    assert subprocess.run([*cli, "validate", str(path)], capture_output=True).returncode == 0
    out = tmp_path / "run"
    done = subprocess.run([*cli, "run", str(path), "--seed", "1", "-n", "1", "--out", str(out),
                           "--no-report", "--weekly"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    ts = load_results(out).timeseries
    week = ts[ts["step"] == 26].iloc[0]
    assert int(week["backlog"]) == shown["Backlog now"]
    scale_ups = page.locator(".headline-table tr", has_text="scaled up").count()
    assert scale_ups == 0      # none by week 26: n_submitted counts arrivals alone
    assert int(week["n_submitted"]) == shown["Proposals arrived so far"]
    assert app_page.errors == []


def test_replications_give_the_paired_difference_with_its_interval(app_page):
    page = app_page.page
    page.get_by_text("side by side: run a second regime").click()
    expect(page.locator(".headline-legend")).to_contain_text("One seed (1)")
    count = page.locator(".replication-count input")
    count.fill("3")
    count.press("Enter")                 # the field takes its value on Enter or on leaving it
    page.get_by_role("button", name="run 3 replications of A and B").click()
    table = page.locator(".replication-table")
    expect(table).to_contain_text("Decisions [per year]")
    expect(table.locator("th")).to_have_text(
        ["metric", "B − A (mean)", "95% interval", "pairs", "verdict"])
    expect(table.locator("tr", has_text="Decisions [per year]").locator("td").nth(3)
           ).to_have_text("3")
    assert app_page.errors == []


def test_no_banner_and_no_developer_warnings(app_page, server_log):
    """Nothing over the content, and the server's terminal shows no developer warnings
    (this runs last: the other tests' pages and steps have been served by then)."""
    page = app_page.page
    page.locator(".headline-table").wait_for()
    assert page.get_by_text("runs on Solara").count() == 0
    log = server_log.read_text(errors="replace")
    assert "Warning" not in log and "Traceback" not in log, log[-2000:]
