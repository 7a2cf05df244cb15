"""Shared fixtures: short runs of the bundled presets, cached per session."""

from __future__ import annotations

import functools

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
