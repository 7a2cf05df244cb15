"""Voorportaal sets: which preparatory councils exist and which prepare an item of a domain."""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar

from ..institutions import DATED_COUNCILS, DOMAIN_ROUTES, VOORPORTAAL_SETS
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

    def route_at(self, domain: str, year: int) -> tuple[str, ...]:
        """The route of an item of `domain` submitted in calendar `year` (a set whose
        councils have dates overrides this; by default the route does not change)."""
        return self.route(domain)


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
    """The 2021 set plus CPO-raad, CDO-raad and architectuurraad from the first week (they
    were being set up in 2024, ADR:L976, L3421; the 'dated' set enters them then)."""

    name = "2026"


@register_part
class DatedSet(TableSet):
    """The baseline world: the 2021 set, joined by the CPO-raad, CDO-raad and
    architectuurraad from their `voorportaal.<name>.from_year` (2024: "momenteel aangevuld",
    ADR:L976, L3421), in every regime."""

    name = "dated"

    def route_at(self, domain: str, year: int) -> tuple[str, ...]:
        vp = self.model.p["voorportaal"]
        return tuple(name for name in self.route(domain)
                     if name not in DATED_COUNCILS or year >= vp[name]["from_year"])
