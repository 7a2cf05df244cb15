"""Shared fixtures: short runs of the bundled presets, cached per session."""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
from collections.abc import Iterator

import pytest

import cio_sim


@functools.cache
def _run(scenario: str, seed: int, horizon: int) -> cio_sim.CIOModel:
    model = cio_sim.CIOModel(scenario, seed=seed,
                             overrides={"horizon_weeks": horizon})
    return model.run()


@pytest.fixture(scope="session")
def run_preset():
    """run_preset(name, seed=1, horizon=260) -> a finished model (cached, do not mutate)."""
    def get(name: str, seed: int = 1, horizon: int = 260) -> cio_sim.CIOModel:
        return _run(name, seed, horizon)
    return get


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    """The Chromium the browser tests drive (CIO_SIM_CHROMIUM, or one on the PATH)."""
    path = os.environ.get("CIO_SIM_CHROMIUM")
    if path:
        return path
    return next((found for name in ("chromium", "chromium-browser", "google-chrome")
                 if (found := shutil.which(name))), None)


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    """One headless Chromium for every browser test of the session: Playwright's sync API
    allows one running instance per process, so the app's and the report's tests share it.
    Skips with the reason where Playwright or Chromium is missing; under CI fails instead."""
    reason = ("Playwright for Python is not installed; pip install -e '.[dev]'"
              if importlib.util.find_spec("playwright") is None else
              "no Chromium found (apt-get install chromium, or set CIO_SIM_CHROMIUM)"
              if chromium_path() is None else None)
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run under CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
