"""Voorportaal sets: which preparatory councils exist and which prepare an item of a domain."""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar

from ..institutions import DOMAIN_ROUTES, VOORPORTAAL_SETS
from ..registry import VOORPORTAAL_SET_PARTS
from .base import RegimePart, register_part


class VoorportaalSet(RegimePart):
    """The voorportalen of a regime and the route of an item through them."""

    registry: ClassVar = VOORPORTAAL_SET_PARTS

    @abstractmethod
    def voorportalen(self) -> tuple[str, ...]:
        """Return the names of the voorportalen that exist, 'vooroverleg' included."""

    @abstractmethod
    def route(self, domain: str) -> tuple[str, ...]:
        """Return the voorportalen (in order, without the vooroverleg) that prepare an
        item of `domain`; every domain of `institutions.DOMAINS` must have a route."""


VOORPORTAAL_SET_PARTS.base = VoorportaalSet


class TableSet(VoorportaalSet):
    """A set read from the tables `institutions.VOORPORTAAL_SETS` and
    `institutions.DOMAIN_ROUTES`."""

    def voorportalen(self) -> tuple[str, ...]:
        return VOORPORTAAL_SETS[self.name]

    def route(self, domain: str) -> tuple[str, ...]:
        return DOMAIN_ROUTES[self.name][domain]


@register_part
class Set2021(TableSet):
    """2021: CISO-raad, CTO-raad, TORN, TORV and the vooroverleg (B21 art. 15; ADR:L984)."""

    name = "2021"


@register_part
class Set2026(TableSet):
    """The 2021 set plus CPO-raad, CDO-raad and architectuurraad, being set up in 2024
    (ADR:L976, L3421): not a 2026 novelty, but part of the set from then on."""

    name = "2026"
