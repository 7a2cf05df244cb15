"""Reference outputs of every bundled scenario, seeds 0..9, to pin the model's behaviour.

A refactoring must leave `summary()`, `proposals()` and `compliance()` identical. A deliberate
model change regenerates the file and says why in its commit and in docs/validation.md:

    python tests/reference.py --write "short reason for the change"
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from pathlib import Path
from typing import Any

import pandas as pd

import cio_sim

REFERENCE_FILE = Path(__file__).parent / "data" / "reference_outputs.json"
SEEDS = range(10)


def _plain(value: Any) -> Any:
    """A JSON-stable form of one cell: floats by repr, NaN/None as null, tuples as lists."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (list, tuple)):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else repr(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, bool)):
        return value
    return str(value)


def frame_digest(frame: pd.DataFrame) -> str:
    """SHA-256 of a frame's columns and values, independent of pandas' text formatting."""
    cols = {str(c): [_plain(v) for v in frame[c].tolist()] for c in frame.columns}
    text = json.dumps(cols, sort_keys=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def outputs(scenario: str, seed: int) -> dict[str, Any]:
    """The pinned outputs of one run: summary values, and digests of the two tables."""
    model = cio_sim.CIOModel(scenario, seed=seed).run()
    summary = {k: _plain(v) for k, v in model.summary().items()}
    return {"summary": summary, "proposals": frame_digest(model.proposals()),
            "compliance": frame_digest(model.compliance())}


def compute() -> dict[str, dict[str, Any]]:
    return {f"{name}/{seed}": outputs(name, seed)
            for name in cio_sim.bundled_names() for seed in SEEDS}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "--write":
        print('usage: python tests/reference.py --write "reason for the change"')
        return 2
    REFERENCE_FILE.parent.mkdir(parents=True, exist_ok=True)
    data = {"reason": argv[1], "runs": compute()}
    REFERENCE_FILE.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    print(f"wrote {REFERENCE_FILE} ({len(data['runs'])} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
