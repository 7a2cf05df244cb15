"""Checking the tables of an exploration file the way the scenario loader checks a parameter
(:meth:`cio_sim.schema.Param.coerce`): every setting against its dataclass field, ranges
against the schema. Each refusal is a ValueError of one line, ``key: what is allowed`` (the
loader puts the file in front)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from ..params import lookup
from ..schema import InvalidValue, Param

#: How a field's annotation is checked: a positive integer, a number in [0, 1], true or false.
KINDS = {"int": Param(1, "", "", low=1), "float": Param(0.0, "", "", low=0, high=1),
         "bool": Param(False, "", "")}


def table(where: str, data: Any, cls: type, **limits: Param) -> Any:
    """``cls`` (a dataclass) with the keys of the table ``data`` set: numbers and flags checked
    by their field's annotation (:data:`KINDS`, or ``limits[key]``), strings non-empty; lists
    are handed on as tuples (their items are the caller's to check)."""
    if not isinstance(data, Mapping):
        raise ValueError(f"{where}: expected a table")
    known = {f.name: f for f in fields(cls)}
    kwargs = {}
    for key, value in data.items():
        field = known.get(key)
        if field is None:
            raise ValueError(f"{where}.{key}: unknown key; allowed: {', '.join(known)}")
        spec = limits.get(key, KINDS.get(str(field.type)))
        if spec is not None:
            try:
                value = spec.coerce(value)
            except InvalidValue as exc:
                raise ValueError(f"{where}.{key}: {exc}") from None
        elif field.type == "str" and (not isinstance(value, str) or not value.strip()):
            raise ValueError(f"{where}.{key}: got {value!r}; allowed: a non-empty string")
        kwargs[key] = tuple(value) if isinstance(value, list) else value
    return cls(**kwargs)


def names(where: str, value: Any, allowed: Any, what: str = "", least: int = 1
          ) -> tuple[str, ...]:
    """A list of at least ``least`` distinct names, each among ``allowed``."""
    if not (isinstance(value, list | tuple) and len(value) >= least and len(set(map(
            str, value))) == len(value) and all(isinstance(v, str) and v in allowed
                                                for v in value)):
        detail = f" {what}" if what else ": " + ", ".join(allowed)
        raise ValueError(f"{where}: expected a list of{detail}")
    return tuple(value)


def param_range(where: str, key: str, value: Any, around_default: bool = True
                ) -> tuple[float, float]:
    """``[low, high]`` of the parameter ``key``: inside its allowed range, whole numbers for an
    integer, and (``around_default``) containing its default."""
    spec = lookup(key)
    assert spec is not None, key
    if not (isinstance(value, list) and len(value) == 2 and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value)):
        raise ValueError(f"{where}: expected [low, high]")
    low, high = float(value[0]), float(value[1])
    if not low < high:
        raise ValueError(f"{where}: low must be below high")
    if (spec.low is not None and low < spec.low) or (spec.high is not None and high > spec.high):
        raise ValueError(f"{where}: [{low:g}, {high:g}] leaves the allowed range "
                         f"({spec.allowed()})")
    if around_default and not low <= float(spec.default) <= high:
        raise ValueError(f"{where}: [{low:g}, {high:g}] does not contain the default "
                         f"{spec.default}")
    if isinstance(spec.default, int):
        if low != int(low) or high != int(high):
            raise ValueError(f"{where}: an integer parameter needs whole-number bounds")
        return int(low), int(high)
    return low, high
