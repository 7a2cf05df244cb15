"""Numbers and tables as Markdown, for the exploration's report sections."""

from __future__ import annotations

import pandas as pd


def number(x: float, digits: int = 3) -> str:
    """A number with `digits` significant digits; a dash for a missing one."""
    return "–" if pd.isna(x) else f"{x:.{digits}g}"


def percent(x: float) -> str:
    """A share as a whole percentage; "n/a" for a missing one."""
    return "n/a" if x != x else f"{100 * x:.0f}%"


def table(df: pd.DataFrame, digits: int = 3) -> list[str]:
    """A table as Markdown lines (floats via `number`); "(none)" for an empty one."""
    if df.empty:
        return ["(none)"]
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, row in df.iterrows():
        cells = [(number(v, digits) if isinstance(v, float) else str(v)) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return lines
