"""Fixtures for the browser tests: the app server on a free port and headless Chromium.

The browser tests skip, with the reason, when the ``[app]`` extra, Playwright or Chromium is
missing; under CI (``CI`` set) they fail instead, so CI never passes without running them.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import free_port

START_TIMEOUT = 90.0
WAIT_MS = 60_000   # how long a page action or assertion waits: CI's shared cores are slow


def _chromium() -> str | None:
    path = os.environ.get("CIO_SIM_CHROMIUM")
    if path:
        return path
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    from cio_sim import app

    if app.missing():
        return ("the [app] extra is not installed (missing: " + ", ".join(app.missing())
                + "); pip install -e '.[app]'")
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed; pip install -e '.[dev]'"
    if _chromium() is None:
        return "no Chromium found (apt-get install chromium, or set CIO_SIM_CHROMIUM)"
    return None


def _need_browser() -> None:
    reason = _missing()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: $CIO_SIM_SCREENSHOTS, else a folder in pytest's tmp dir."""
    target = os.environ.get("CIO_SIM_SCREENSHOTS")
    path = Path(target) if target else tmp_path_factory.mktemp("app-screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def offline_env() -> dict[str, str]:
    """The environment with Solara's CDN unreachable (a closed local port): the page must
    come from what the [app] extra installed."""
    return {**os.environ, "SOLARA_ASSETS_CDN": f"http://127.0.0.1:{free_port()}/npm/",
            # the server runs this checkout's cio_sim (not another installed one)
            "PYTHONPATH": os.pathsep.join(p for p in (str(Path(__file__).resolve().parents[2]),
                                                      os.environ.get("PYTHONPATH")) if p)}


def is_local(url: str) -> bool:
    return url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))


@pytest.fixture(scope="session")
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the app server printed on its terminal (stdout and stderr); its folder is the
    server's working folder (where 'save scenario' writes)."""
    return tmp_path_factory.mktemp("app-server") / "server.log"


@pytest.fixture(scope="session")
def app_url(server_log: Path) -> Iterator[str]:
    """`cio-sim app` serving on a free localhost port with the CDN unreachable, stopped after
    the session."""
    _need_browser()
    port = free_port()
    cmd = [sys.executable, "-m", "cio_sim.cli", "app", "--host", "127.0.0.1",
           "--port", str(port)]
    log = server_log.open("wb")
    server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=server_log.parent,
                              start_new_session=True, env=offline_env())
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while True:
            if server.poll() is not None:
                out = server_log.read_text(errors="replace")
                pytest.fail(f"the app server exited with {server.returncode}:\n{out[-3000:]}")
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the app server did not answer on {url} in {START_TIMEOUT:.0f} s")
            time.sleep(0.5)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


@pytest.fixture(scope="session")
def browser(chromium):
    """The session's Chromium (tests/conftest.py), once the app's extra is known present."""
    _need_browser()
    return chromium


class PageProbe:
    """A browser page on the app that records console errors, page errors and failed
    requests."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.errors.append(f"request failed: {r.url}"))

    def open(self, url: str) -> PageProbe:
        self.page.goto(url)
        self.page.get_by_text("Week 0 of").wait_for()
        return self


@pytest.fixture(scope="session")
def browser_context(browser) -> Iterator:
    """One context for all pages, so the front-end files are fetched and parsed once. Every
    request off this machine is refused (and recorded as a failed request)."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    context.route("**/*", lambda route: route.continue_() if is_local(route.request.url)
                  else route.abort())
    yield context
    context.close()


@pytest.fixture
def app_page(browser_context, app_url: str, screenshot_dir: Path,
             request: pytest.FixtureRequest) -> Iterator[PageProbe]:
    """A fresh page (its own Solara kernel and model) on the app, loaded at week 0. The
    page as it was at the end of the test is kept as a screenshot (`last-<test>.png`)."""
    from playwright.sync_api import expect

    page = browser_context.new_page()
    page.set_default_timeout(WAIT_MS)
    expect.set_options(timeout=WAIT_MS)     # its own default is 5 s
    try:
        yield PageProbe(page).open(app_url)
    finally:
        with contextlib.suppress(Exception):
            page.screenshot(path=screenshot_dir / f"last-{request.node.name}.png")
        page.close()
