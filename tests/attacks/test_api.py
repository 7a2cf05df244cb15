"""Attacks on the Python API: bad seeds, steps and arguments raise one clean line (a
ScenarioError or ValueError naming the argument, never numpy's or pathlib's own error), and a
finished model leaves nothing of itself in Mesa."""

from __future__ import annotations

import gc
import math
import weakref

import numpy as np
import pytest

import cio_sim
from cio_sim.scenario import from_dict

SHORT = {"horizon_weeks": 3}


def _one_line(exc: pytest.ExceptionInfo, *needles: str) -> None:
    text = str(exc.value)
    assert "\n" not in text.strip()
    for needle in needles:
        assert needle in text, text


@pytest.mark.parametrize("seed", ["x", -1, 1.5, math.nan, True, [1]])
def test_bad_seeds(seed):
    with pytest.raises(ValueError) as exc:
        cio_sim.CIOModel("consensus_2021", seed=seed, overrides=SHORT)
    _one_line(exc, "seed")


def test_good_seeds_still_work():
    for seed in (None, 0, 7, np.int64(3), np.random.SeedSequence(5)):
        cio_sim.CIOModel("consensus_2021", seed=seed, overrides=SHORT).run()


@pytest.mark.parametrize("steps", [-5, 1.5, "3", True])
def test_bad_steps(steps):
    model = cio_sim.CIOModel("consensus_2021", seed=1, overrides=SHORT)
    with pytest.raises(ValueError) as exc:
        model.run(steps)
    _one_line(exc, "steps")
    assert model.steps == 0


@pytest.mark.parametrize("call, needle", [
    (lambda: from_dict("x", [1, 2]), "overrides"),
    (lambda: cio_sim.load_results(None), "directory"),
    (lambda: cio_sim.load_results(123), "directory"),
    (lambda: cio_sim.run_sweep(123), "experiment"),
    (lambda: cio_sim.compare("consensus_2021"), "scenarios"),
    (lambda: cio_sim.run_batch(123, replications=1), "scenario"),
    (lambda: cio_sim.CIOModel(123), "scenario"),
    (lambda: cio_sim.CIOModel("consensus_2021", overrides=5), "overrides"),
])
def test_bad_arguments(call, needle):
    with pytest.raises(ValueError) as exc:
        call()
    _one_line(exc, needle)


@pytest.mark.parametrize("weeks", [None, 1])
def test_a_model_is_freed_with_its_last_reference(weeks):
    """Run to the end or dropped midway: nothing of Mesa's keeps the model alive."""
    model = cio_sim.CIOModel("consensus_2021", seed=2, overrides=SHORT).run(weeks)
    ref = weakref.ref(model)
    del model
    gc.collect()
    assert ref() is None


def test_a_loop_of_runs_keeps_no_model_alive():
    """A notebook's loop: after 20 runs, at most the last model is alive."""
    refs = []
    for seed in range(20):
        model = cio_sim.CIOModel("consensus_2021", seed=seed, overrides=SHORT).run()
        refs.append(weakref.ref(model))
    gc.collect()
    assert sum(r() is not None for r in refs) <= 1


def test_a_model_stepped_on_after_run_keeps_unique_ids():
    model = cio_sim.CIOModel("consensus_2021", seed=2, overrides={"horizon_weeks": 6})
    model.run(3)
    before = {a.unique_id for a in model.agents}
    model.run()
    ids = [a.unique_id for a in model.agents]
    assert len(ids) == len(set(ids)) and before <= set(ids)
