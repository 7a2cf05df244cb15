"""Behaviour pinned: every bundled scenario, seeds 0..9, against stored reference outputs.

Fails on any change of the model's results. A deliberate model change regenerates the file with
`python tests/reference.py --write "reason"` (see tests/reference.py)."""

from __future__ import annotations

import json

import pytest
from reference import REFERENCE_FILE, SEEDS, outputs

REFERENCE = json.loads(REFERENCE_FILE.read_text())["runs"]


@pytest.mark.parametrize("key", sorted(REFERENCE))
def test_outputs_match_reference(key: str) -> None:
    name, seed = key.rsplit("/", 1)
    got = outputs(name, int(seed))
    want = REFERENCE[key]
    changed = sorted(k for k in set(want["summary"]) | set(got["summary"])
                     if want["summary"].get(k, "<missing>") != got["summary"].get(k, "<missing>"))
    assert not changed, f"summary keys changed: {changed}"
    assert got["proposals"] == want["proposals"], "proposals() changed"
    assert got["compliance"] == want["compliance"], "compliance() changed"


def test_reference_covers_every_bundled_scenario() -> None:
    import cio_sim

    assert {k.rsplit("/", 1)[0] for k in REFERENCE} == set(cio_sim.bundled_names())
    assert {int(k.rsplit("/", 1)[1]) for k in REFERENCE} == set(SEEDS)


def test_every_preset_changes_something_of_the_one_it_extends() -> None:
    """A preset that gives its parent's results on every seed models nothing of its own (as
    keuzematrix_escalation_advice once did: its reading never reached the working groups)."""
    from pathlib import Path

    import cio_sim

    for name in cio_sim.bundled_names():
        chain = cio_sim.load_scenario(name).chain
        if len(chain) < 2:
            continue
        parent = Path(chain[-2]).stem
        assert any(REFERENCE[f"{name}/{s}"] != REFERENCE[f"{parent}/{s}"] for s in SEEDS), (
            f"{name} gives the same results as {parent} on seeds {SEEDS.start}..{SEEDS.stop - 1}")
