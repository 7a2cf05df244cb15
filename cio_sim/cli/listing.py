"""``cio-sim list``: the bundled scenarios with their descriptions and the regime parts a
scenario can combine."""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Sequence

from .common import WIDTH

NAME = "list"
HELP = "bundled scenarios and regime parts"
DESCRIPTION = ("List the bundled scenarios with their descriptions, and the regime parts you "
               "can combine in a scenario file.")
EPILOG = "example:\n  cio-sim list"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """No arguments."""


def main(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from ..regimes import PARTS
    from ..scenario import ScenarioError, bundled_names, load_scenario

    print("Bundled scenarios:")
    for name in bundled_names():
        try:
            desc = load_scenario(name).description
        except ScenarioError as exc:
            desc = f"(invalid: {exc})"
        wrapped = textwrap.fill(desc, width=96, initial_indent="    ", subsequent_indent="    ")
        print(f"  {name}\n{wrapped}" if desc else f"  {name}")
    print("\nRegime parts (set with --set <key>=<name>):")
    for part, registry in PARTS.items():
        print(f"  {part}:")
        for name, cls in registry.items():
            line = f"    {name:<24} {first_paragraph(cls.__doc__)}"
            print("\n".join(textwrap.wrap(line, WIDTH, subsequent_indent=" " * 29)))
    return 0


def first_paragraph(doc: str | None) -> str:
    """A docstring's first paragraph on one line: the whole sentence, not its first line."""
    return " ".join(textwrap.dedent(doc or "").strip().split("\n\n")[0].split())
