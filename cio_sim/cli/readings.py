"""``cio-sim readings``: the questions the sources leave open, each with its variants, the
default the presets use, the source line and the source's own words."""

from __future__ import annotations

import argparse
import json
import textwrap
from collections.abc import Sequence
from typing import Any

from .common import WIDTH, CLIError

NAME = "readings"
HELP = "the readings the sources leave open, with their variants"
DESCRIPTION = ("List every reading: a question the sources leave open, the variants that answer "
               "it (the settings each makes), the default the presets use and why, where it "
               "matters, and the source line with the source's own words. 'cio-sim compare "
               "--readings NAME|all' runs a comparison under each variant.")
EPILOG = ("examples:\n  cio-sim readings\n  cio-sim readings override_scope\n"
          "  cio-sim readings --json > readings.json\n"
          "  cio-sim compare consensus_2021 doorzettingsmacht_2026 -n 30 --readings all")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("names", nargs="*", metavar="READING",
                   help="readings to show (default: every reading)")
    p.add_argument("--json", action="store_true", help="print the readings as JSON")


def main(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from ..readings import READINGS, ReadingError, select

    try:
        chosen = select(args.names) if args.names else list(READINGS)
    except ReadingError as exc:
        raise CLIError(str(exc)) from None
    if args.json:
        print(json.dumps([as_dict(r) for r in chosen], indent=2, ensure_ascii=False))
        return 0
    print("\n".join(readings_lines(chosen)))
    return 0


def as_dict(reading: Any) -> dict[str, Any]:
    """A reading as plain JSON-able data."""
    return {"name": reading.name, "title": reading.title, "default": reading.default,
            "variants": {v: dict(o) for v, o in reading.variants.items()},
            "applies_when": {k: list(v) for k, v in reading.applies_when.items()},
            "source": reading.source, "quote": reading.quote, "reason": reading.reason}


def _value(value: Any) -> str:
    return json.dumps(value) if isinstance(value, bool | str) else str(value)


def readings_lines(readings: Sequence[Any], width: int = WIDTH) -> list[str]:
    """Each reading as a block of wrapped lines (nothing cut): name and title, its variants
    with their settings (the default marked), where it matters, source and quote, why the
    default."""

    def wrap(text: str, first: str, rest: str) -> list[str]:
        return textwrap.wrap(text, width, initial_indent=first, subsequent_indent=rest,
                             break_on_hyphens=False)

    lines = wrap(f"{len(readings)} readings (the default variant is what the presets use; set "
                 "another with --set, or compare them all with 'cio-sim compare --readings')",
                 "", "")
    for reading in readings:
        lines.append("")
        lines += wrap(f"{reading.name}: {reading.title}", "", "    ")
        for variant, over in reading.variants.items():
            mark = " (default)" if variant == reading.default else ""
            settings = ", ".join(f"{k}={_value(v)}" for k, v in over.items())
            lines += wrap(f"{variant}{mark}: {settings}", "  - ", "      ")
        lines += wrap(f"matters in: {reading.condition()}", "  ", "      ")
        lines += wrap(f"source {reading.source}: \"{reading.quote}\"", "  ", "      ")
        lines += wrap(f"why the default: {reading.reason}", "  ", "      ")
    return lines
