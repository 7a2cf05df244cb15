"""The schema counts the prose cites, generated: README.md and docs/exploration.md write a
count as ``<!-- count:NAME -->N<!-- /count -->`` and this rewrites N::

    python -m cio_sim.prose_counts

``tests/test_paramdoc.py`` fails when a count has gone stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .explore.space import assumption_keys
from .paramdoc import kind_of
from .params import iter_params

#: Files whose prose gives schema counts, relative to the repository root.
PROSE_FILES = ("README.md", "docs/exploration.md")
_COUNT = re.compile(r"<!-- count:(\w+) -->\d+<!-- /count -->")


def counts() -> dict[str, int]:
    """Parameters, defaults that are assumptions, and numeric assumptions (what an
    exploration's space takes by default)."""
    params = list(iter_params())
    return {"parameters": len(params),
            "assumption_defaults": sum(kind_of(p) == "assumption" for _, p in params),
            "numeric_assumptions": len(assumption_keys())}


def with_counts(text: str, values: dict[str, int] | None = None) -> str:
    """``text`` with every count marker set to today's value (KeyError: an unknown name)."""
    values = counts() if values is None else values
    return _COUNT.sub(lambda m: f"<!-- count:{m[1]} -->{values[m[1]]}<!-- /count -->", text)


def main(argv: list[str] | None = None) -> int:
    """Rewrite the counts in :data:`PROSE_FILES` of the source tree."""
    root = Path(__file__).resolve().parents[1]
    values = counts()
    for name in PROSE_FILES:
        path = root / name
        path.write_text(with_counts(path.read_text(encoding="utf-8"), values),
                        encoding="utf-8")
        print(f"{name}: {', '.join(f'{k} {v}' for k, v in values.items())}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
