"""``cio-sim params``: every resolved parameter of a scenario with unit, allowed values, who set
it and its provenance, as text, Markdown or CSV."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .common import WIDTH, scenario_with_sets, set_option

if TYPE_CHECKING:  # the heavy modules load only when a command needs them (fast --help)
    import pandas as pd

NAME = "params"
HELP = "every resolved parameter of a scenario"
DESCRIPTION = ("Show every resolved parameter value with its unit, allowed range, who set it "
               "and its provenance (a source line or 'assumption: ...').")
EPILOG = ("examples:\n  cio-sim params consensus_2021\n"
          "  cio-sim params doorzettingsmacht_2026 --changed\n"
          "  cio-sim params consensus_2021 --set horizon_weeks=52 --format csv > p.csv")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="bundled scenario name or a .toml path")
    set_option(p)
    p.add_argument("--format", choices=("text", "md", "csv"), default="text",
                   help="output format (default text)")
    p.add_argument("--changed", action="store_true", help="only values that differ from "
                   "the defaults' origin (set by a scenario file or --set)")


def main(args: argparse.Namespace, argv: Sequence[str]) -> int:
    scenario = scenario_with_sets(args.scenario, args.set)
    table = scenario.parameter_table()
    if args.changed:
        table = table[table["set_by"] != "default"]
    if args.format == "csv":
        table.to_csv(sys.stdout, index=False)
        return 0
    cols = ["key", "value", "unit", "allowed", "set_by", "provenance"]
    if args.format == "md":
        shown = table[cols].astype(str)
        print("| " + " | ".join(cols) + " |")
        print("|" + "---|" * len(cols))
        for row in shown.itertuples(index=False):
            print("| " + " | ".join(v.replace("|", "\\|") for v in row) + " |")
        return 0
    print(textwrap.shorten(f"# {scenario.name} ({Path(scenario.source).name}), digest "
                           f"{scenario.digest()}", WIDTH))
    print("\n".join(params_lines(table)))
    return 0


def _short_set_by(text: str) -> str:
    """'scenario override (--set)' -> '--set'; 'scenario x.toml' -> 'x.toml'."""
    if text.startswith("scenario override (") and text.endswith(")"):
        return text[len("scenario override ("):-1]
    return text.removeprefix("scenario ")


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:max(1, width - 1)] + "…"


def params_lines(table: pd.DataFrame, width: int = WIDTH) -> list[str]:
    """Parameters as text no wider than ``width``: one line with key, value, unit and allowed
    values, then the one who set it and the provenance, wrapped and indented."""
    cols = ["key", "value", "unit", "allowed"]
    shown = table[cols].astype(str)
    caps = {"key": 44, "value": 24, "unit": 12}
    widths = {c: min(caps[c], max(len(c), *(len(v) for v in shown[c])) if len(shown)
                     else len(c)) for c in caps}
    rest = width - sum(widths.values()) - 2 * len(caps)
    lines = ["  ".join([*(c.ljust(widths[c]) for c in caps), "allowed"]),
             "    set by: provenance"]
    for (_, row), (_, full) in zip(shown.iterrows(), table.iterrows(), strict=True):
        fits = len(row["allowed"]) <= rest
        head = "  ".join([*(_clip(row[c], widths[c]).ljust(widths[c]) for c in caps),
                          row["allowed"] if fits else ""])
        lines.append(head.rstrip())
        tail = f"{_short_set_by(str(full['set_by']))}: {full['provenance']}"
        if not fits:
            tail = f"allowed: {row['allowed']}; {tail}"
        lines += textwrap.wrap(tail, width, initial_indent="    ", subsequent_indent="      ")
    return lines
