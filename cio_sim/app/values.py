"""Values that reach the app's server from the page, checked before anything uses them.

The browser sends every widget's value over a websocket, and a crafted message can send
anything there: NaN, Infinity, a string or null for an integer slider, a scenario name that
is a path. Each function here returns the value as the model wants it, or raises
:class:`BadValue` with one line that the page shows as a message (never a traceback).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ..scenario import bundled_names
from .controls import Control, fmt

#: Largest seed the page accepts (numpy's SeedSequence takes any size; a user types few
#: digits).
MAX_SEED = 2**63 - 1
#: Weeks per Step and per frame: the page's slider range.
STEP_WEEKS = (1, 26)
#: Replications of A and B the page runs at once (the least that gives an interval, the most
#: that finishes while a user waits).
REPLICATIONS = (2, 200)


class BadValue(ValueError):
    """A value from the page that cannot be used (one line naming the control)."""


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def whole_number(label: str, value: Any, low: int, high: int) -> int:
    """An integer in [low, high]: an int, or a float with no fraction (a slider may send
    5.0); not a bool, string, None, NaN or infinity."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadValue(f"{label}: got {_shown(value)}; allowed: a whole number from {low} to "
                       f"{high}")
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise BadValue(f"{label}: got {_shown(value)}; allowed: a whole number from {low} to "
                       f"{high}")
    number = int(value)
    if not low <= number <= high:
        raise BadValue(f"{label}: got {number}; allowed: a whole number from {low} to {high}")
    return number


def count_or_none(value: Any, low: int, high: int) -> int | None:
    """The whole number of :func:`whole_number`, or None for a value it refuses (for a
    control whose bad value disables a button instead of raising)."""
    try:
        return whole_number("value", value, low, high)
    except BadValue:
        return None


def seed(value: Any) -> int:
    """The seed of both runs: a whole number >= 0 (the seed field may send its text)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return whole_number("seed", value, 0, MAX_SEED)


def step_weeks(value: Any) -> int:
    """Weeks per Step: a whole number in :data:`STEP_WEEKS`."""
    return whole_number("weeks per Step", value, *STEP_WEEKS)


def scenario_name(label: str, value: Any) -> str:
    """A bundled scenario's name (the page offers no other; never a path)."""
    names = bundled_names()
    if not isinstance(value, str) or value not in names:
        raise BadValue(f"{label}: got {_shown(value)}; allowed: a bundled scenario "
                       f"({', '.join(names[:4])}, ...)")
    return value


def choice_index(label: str, value: Any, choices: Sequence[str]) -> int:
    """The index of one of ``choices`` (a row of buttons sends the index of the one
    pressed): a whole number from 0 to one less than their count, never negative."""
    if isinstance(value, bool) or not isinstance(value, int | float) or (
            isinstance(value, float) and not value.is_integer()) \
            or not 0 <= value < len(choices):
        raise BadValue(f"{label}: got {_shown(value)}; allowed: one of {', '.join(choices)}")
    return int(value)


def _bound(limit: float | None, otherwise: int) -> int:
    return int(limit) if limit is not None and math.isfinite(limit) else otherwise


def control_value(ctl: Control, value: Any) -> Any:
    """A control's value of the control's type; its range is then checked by the scenario
    (the schema's bounds, with the parameter's name)."""
    label = ctl.param.doc or ctl.key
    if ctl.widget == "select":
        choices = list(ctl.param.choices or ())
        if not isinstance(value, str) or value not in choices:
            raise BadValue(f"{label}: got {_shown(value)}; allowed: "
                           + ", ".join(fmt(c) for c in choices))
        return value
    if ctl.widget == "checkbox":
        if not isinstance(value, bool):
            raise BadValue(f"{label}: got {_shown(value)}; allowed: yes or no")
        return value
    if ctl.widget == "int":
        return whole_number(label, value, _bound(ctl.param.low, -MAX_SEED),
                            _bound(ctl.param.high, MAX_SEED))
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not math.isfinite(value):
        raise BadValue(f"{label}: got {_shown(value)}; allowed: a number from "
                       f"{fmt(ctl.low)} to {fmt(ctl.high)}")
    return float(value)


__all__ = ["MAX_SEED", "REPLICATIONS", "STEP_WEEKS", "BadValue", "choice_index", "control_value",
           "count_or_none", "scenario_name", "seed", "step_weeks", "whole_number"]
