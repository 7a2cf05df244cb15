"""Registries of regime parts, one per kind, filled by a registration decorator.

This module imports nothing: the built-in parts (`cio_sim.regimes`) register themselves in it
when they are imported, and the parameter schema (`cio_sim.params`), which takes its allowed
values from here, imports them, so the import graph has no cycle.

    >>> from cio_sim.regimes import DecisionRule, register_part
    >>> @register_part
    ... class Unanimity(DecisionRule):
    ...     name = "unanimity"
    ...     def decide(self, proposal, tally): ...
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


class Registry:
    """Name → part class for one kind of regime part; iterable and `in`-testable, so it
    serves as a parameter's allowed values."""

    def __init__(self, kind: str):
        self.kind = kind
        self.base: type | None = None       # the abstract base every part must subclass
        self._parts: dict[str, type] = {}

    def register(self, cls: type) -> type:
        """Class decorator: register `cls` under its `name` (a class attribute)."""
        name = getattr(cls, "name", None)
        if not isinstance(name, str) or not name:
            raise TypeError(f"{cls.__name__}: a {self.kind} part needs a class attribute 'name'")
        if self.base is not None and not issubclass(cls, self.base):
            raise TypeError(f"{cls.__name__} is not a {self.base.__name__}")
        if self._parts.get(name, cls) is not cls:
            raise ValueError(f"{self.kind} {name!r} is already registered")
        self._parts[name] = cls
        return cls

    def unregister(self, name: str) -> None:
        """Remove a part (for tests that register temporary parts)."""
        self._parts.pop(name, None)

    def _all(self) -> dict[str, type]:
        return self._parts

    def __getitem__(self, name: str) -> Any:
        return self._all()[name]

    def __contains__(self, name: object) -> bool:
        return name in self._all()

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._all()))

    def __len__(self) -> int:
        return len(self._all())

    def items(self) -> list[tuple[str, type]]:
        return list(self._all().items())

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}: {', '.join(self._parts)})"


DECISION_RULES = Registry("decision rule")
ROUTINGS = Registry("routing")
INSTRUMENTS = Registry("instruments")
KADER_FORCES = Registry("kader force")
ESCALATIONS = Registry("escalation")
PRIORITISATIONS = Registry("agenda prioritisation")
VOORPORTAAL_SET_PARTS = Registry("voorportaal set")
RESERVE_SETTLEMENTS = Registry("reserve settlement")

REGISTRIES: tuple[Registry, ...] = (DECISION_RULES, ROUTINGS, INSTRUMENTS, KADER_FORCES,
                                    ESCALATIONS, PRIORITISATIONS, VOORPORTAAL_SET_PARTS,
                                    RESERVE_SETTLEMENTS)
