"""The machinery of the parameter schema: a parameter (:class:`Param`: default, unit,
allowed values, provenance), its validation message, the helpers the schema's table is
written with, and cross-field rules (:class:`Rule`). The table itself is
:data:`cio_sim.params.SCHEMA`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter: its default, what it means, what is allowed and where it comes from."""

    default: Any
    provenance: str
    doc: str
    unit: str = ""
    low: float | None = None
    high: float | None = None
    choices: Collection[Any] | None = None    # a tuple, or a registry of regime parts

    @property
    def kind(self) -> type:
        return type(self.default)

    def allowed(self) -> str:
        """Human-readable description of the allowed values."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if isinstance(self.default, bool):
            return "true or false"
        lo = "-inf" if self.low is None else f"{self.low:g}"
        hi = "inf" if self.high is None else f"{self.high:g}"
        kind = "an integer" if isinstance(self.default, int) else "a number"
        return f"{kind} in [{lo}, {hi}]"

    def coerce(self, value: Any) -> Any:
        """The value converted to this parameter's type, or :class:`InvalidValue`.

        Integer parameters accept whole floats (``4.0``); NaN and infinities are refused for
        every number, and numbers are compared with the range only once they are finite.
        """
        if isinstance(self.default, bool):
            if not isinstance(value, bool):
                raise InvalidValue(self, value)
            return value
        if self.choices is not None:
            if not isinstance(value, str | int | float) or value not in self.choices:
                raise InvalidValue(self, value)
            return value
        if isinstance(self.default, int | float):
            return self._number(value)
        if not isinstance(value, self.kind):
            raise InvalidValue(self, value)
        return value

    def _number(self, value: Any) -> int | float:
        if isinstance(value, bool) or not isinstance(value, numbers.Real) \
                or _is_numpy_bool(value):
            raise InvalidValue(self, value)
        if isinstance(value, numbers.Integral):
            number: int | float = int(value)
        else:
            number = float(value)
            if not math.isfinite(number):
                raise InvalidValue(self, value, "not a finite number")
        if isinstance(self.default, int):
            if isinstance(number, float):
                if not number.is_integer():
                    raise InvalidValue(self, value, "not a whole number")
                number = int(number)
        elif isinstance(number, int):
            if abs(number) > 2 ** 1000:        # float() would overflow
                raise InvalidValue(self, value)
            number = float(number)
        if (self.low is not None and number < self.low) or (
                self.high is not None and number > self.high):
            raise InvalidValue(self, value)
        return number


def _is_numpy_bool(value: Any) -> bool:
    return type(value).__name__ == "bool_"


class InvalidValue(ValueError):
    """A value a parameter does not allow; the message says what is allowed."""

    def __init__(self, spec: Param, value: Any, why: str = ""):
        self.spec, self.value = spec, value
        reason = f" ({why})" if why else ""
        super().__init__(f"got {compact(value)}{reason}; allowed: {spec.allowed()}")


def compact(value: Any, width: int = 60) -> str:
    """A value as it appears in messages: numbers short (1e+308, not 309 digits), long
    text cut, never more than one line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral) and abs(int(value)) >= 10 ** 12:
        number = int(value)   # str() of a huge int is slow and limited; the exponent is enough
        return f"{'-' if number < 0 else ''}about 1e+{int(math.log10(abs(number)))}"
    if isinstance(value, float):
        text = repr(value)
        return text if len(text) <= 14 else f"{value:.6g}"
    text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 3] + "..."


def A(reason: str) -> str:
    """Provenance string for an assumption, with its one-line reason."""
    return f"assumption: {reason}"


def share(default: float, provenance: str, doc: str, unit: str = "share") -> Param:
    return Param(float(default), provenance, doc, unit, 0.0, 1.0)


def positive(default: float, provenance: str, doc: str, unit: str, high: float | None = None,
             low: float = 0.0) -> Param:
    value = int(default) if isinstance(default, int) else float(default)
    return Param(value, provenance, doc, unit, low, high)


def choice(default: str, choices: Collection[str], provenance: str, doc: str) -> Param:
    """A named choice; a registry as `choices` allows every part registered in it."""
    return Param(default, provenance, doc, "", None, None, choices)


def get(values: Mapping[str, Any], dotted: str) -> Any:
    """The value at a dotted key of a nested mapping."""
    node: Any = values
    for part in dotted.split("."):
        node = node[part]
    return node


@dataclass(frozen=True, slots=True)
class Rule:
    """A constraint between parameters, checked once every value has passed its own range.

    ``keys`` are dotted keys; a ``*`` part stands for every key of that table (every
    department). ``test`` gets the values in the order of ``keys`` and is true when they are
    allowed; ``requirement`` says in words what must hold; ``reason`` why (the mechanism).
    """

    keys: tuple[str, ...]
    test: Callable[..., bool]
    requirement: str
    reason: str
    kind: str = "other"     # "ordered", "share_sum" or "at_least_if": how the rule reads

    def instances(self, values: Mapping[str, Any]) -> Iterator[tuple[str, ...]]:
        """The rule's dotted keys with every ``*`` replaced by each key of its table."""
        head, _, tail = self.keys[0].partition(".*.")
        if not tail:
            yield self.keys
            return
        node: Any = values
        for part in head.split("."):
            node = node[part]
        for name in node:
            yield tuple(k.replace(".*.", f".{name}.") for k in self.keys)

    def violations(self, values: Mapping[str, Any]) -> Iterator[tuple[tuple[str, ...], str]]:
        """(keys, one-line message) for every instance of the rule the values break."""
        for keys in self.instances(values):
            got = [get(values, k) for k in keys]
            if not self.test(*got):
                shown = ", ".join(f"{k} = {compact(v)}" for k, v in zip(keys, got, strict=True))
                need = self.requirement.replace("*", keys[0].split(".")[1]) \
                    if ".*." in self.keys[0] else self.requirement
                yield keys, f"{need} (got {shown}; {self.reason})"


def ordered(low: str, high: str, reason: str) -> Rule:
    """``low`` must not exceed ``high`` (the two ends of one range)."""
    return Rule((low, high), lambda lo, hi: lo <= hi, f"{low} must not exceed {high}", reason,
                "ordered")


def share_sum(*keys: str, reason: str) -> Rule:
    """Shares of one whole: they must add up to at most 1."""
    return Rule(tuple(keys), lambda *v: sum(v) <= 1.0 + 1e-12,
                f"{' + '.join(keys)} must be at most 1", reason, "share_sum")


def at_least_if(key: str, flag: str, minimum: float, reason: str) -> Rule:
    """``key`` must be at least ``minimum`` where the boolean ``flag`` is true."""
    return Rule((key, flag), lambda value, on: not on or value >= minimum,
                f"{key} must be at least {minimum:g} when {flag.rsplit('.', 1)[-1]} is true",
                reason, "at_least_if")


__all__ = ["A", "InvalidValue", "Param", "Rule", "at_least_if", "choice", "compact", "get",
           "ordered", "positive", "share", "share_sum"]
