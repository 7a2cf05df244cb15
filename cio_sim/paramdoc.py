"""Generate docs/parameters.md from the parameter schema.

Every parameter with its default, unit, allowed range and provenance, grouped by section::

    python -m cio_sim.paramdoc > docs/parameters.md

A test checks that the committed file matches the output, so the table cannot drift from
:data:`cio_sim.params.SCHEMA`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from .params import RULES, SCHEMA, Param, iter_params

HEADER = """# Parameters

Generated from `cio_sim/params.py` by `python -m cio_sim.paramdoc > docs/parameters.md`; do not
edit by hand. Every parameter has a provenance: a source line (`ADR:L968` = line 968 of the ADR
evaluation 2024; `B21` Besluit CIO-stelsel Rijksdienst 2021; `RK` Routekaarten I-strategie Rijk
2022-2025; `N26` news item on the Besluit 2025; `BLOG` opinion blog) or `assumption: <reason>`
where the sources do not give the value. An assumption may name, after its reason, the source
line that motivates the mechanism (`mechanism ADR:L966 (...)`): the source supports the effect,
the number is ours.

Scenario files and `--set` override these defaults by the dotted key, e.g.
`cio_beraad.slots = 8` or `departments.FIN.time_share=0.5`.
"""


def _fmt(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def kind_of(spec: Param) -> str:
    """'assumption' when the provenance starts with ``assumption``, else 'source'."""
    return "assumption" if spec.provenance.startswith("assumption") else "source"


def table(rows: Iterable[tuple[str, Param]]) -> list[str]:
    """Markdown table lines for (dotted key, Param) rows."""
    lines = ["| key | default | unit | allowed | provenance | meaning |",
             "|---|---|---|---|---|---|"]
    for key, spec in rows:
        lines.append("| " + " | ".join(_cell(x) for x in (
            f"`{key}`", _fmt(spec.default), spec.unit or "-", spec.allowed(), spec.provenance,
            spec.doc)) + " |")
    return lines


def render() -> str:
    """The whole docs/parameters.md as a string."""
    params = list(iter_params())
    counts: dict[str, int] = {}
    for _, spec in params:
        counts[kind_of(spec)] = counts.get(kind_of(spec), 0) + 1
    out = [HEADER]
    out.append(f"{len(params)} parameters: " + ", ".join(
        f"{counts.get(k, 0)} {k}" for k in ("source", "assumption")) + ".\n")
    top = [(k, p) for k, p in params if "." not in k]
    if top:
        out.append("## General\n")
        out.extend(table(top))
        out.append("")
    for section, node in SCHEMA.items():
        if isinstance(node, Param):
            continue
        rows = [(k, p) for k, p in params if k.startswith(section + ".")]
        out.append(f"## `{section}`\n")
        out.extend(table(rows))
        out.append("")
    out.append("## Cross-field rules\n")
    out.append("Checked after every value has passed its own range, by `load_scenario`, "
               "`with_overrides` and `cio-sim validate` (`*`: every department).\n")
    out.extend(f"- {rule.requirement} ({rule.reason})" for rule in RULES)
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the parameter table to stdout."""
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
