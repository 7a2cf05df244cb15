"""The institutions of the CIO-stelsel as tables: the departments, the I-strategie themes, the
domains of proposals, the voorportaal sets and which voorportalen prepare which domain, the
portfolio holders and the advisers' domains.

These are facts about the stelsel (or fixed readings of it), not parameters a scenario
changes: the parameter schema is in :mod:`cio_sim.params`. This module imports nothing of the
model, so every part of it can read the tables.
"""

from __future__ import annotations

DEPARTMENTS: tuple[str, ...] = (
    "AZ", "BZ", "BZK", "DEF", "EZK", "FIN", "IenW", "JenV", "LNV", "OCW", "SZW", "VWS",
)
THEMES: tuple[int, ...] = tuple(range(1, 11))  # I-strategie themes (ADR:L355; RK table)
DOMAINS: tuple[str, ...] = (
    "security", "technology", "networks", "voorzieningen", "privacy", "data", "architecture",
    "general",
)
COMPLEXITIES: tuple[str, ...] = ("simple", "complicated", "complex")  # ADR:L599-603

#: Voorportalen per set; the vooroverleg (informal, ADR:L984) precedes every CIO-beraad.
VOORPORTAAL_SETS: dict[str, tuple[str, ...]] = {
    "2021": ("CISO-raad", "CTO-raad", "TORN", "TORV", "vooroverleg"),  # B21 art. 15; ADR:L984
    "2026": ("CISO-raad", "CTO-raad", "TORN", "TORV", "vooroverleg", "CPO-raad", "CDO-raad",
             "architectuurraad"),  # ADR:L3421
}

#: Which voorportalen prepare an item of each domain, in order, for each set.
#: TORV/TORN items are agendized "met advies via de CTO-raad" (ADR:L976).
DOMAIN_ROUTES: dict[str, dict[str, tuple[str, ...]]] = {
    "2021": {
        "security": ("CISO-raad",), "technology": ("CTO-raad",),
        "networks": ("TORN", "CTO-raad"), "voorzieningen": ("TORV", "CTO-raad"),
        "privacy": (), "data": (), "architecture": (), "general": (),
    },
    "2026": {
        "security": ("CISO-raad",), "technology": ("CTO-raad",),
        "networks": ("TORN", "CTO-raad"), "voorzieningen": ("TORV", "CTO-raad"),
        "privacy": ("CPO-raad",), "data": ("CDO-raad",), "architecture": ("architectuurraad",),
        "general": (),
    },
}

#: Domain of a stochastic item per theme (themes from RK; mapping is an assumption).
THEME_DOMAINS: dict[int, tuple[str, ...]] = {
    1: ("general",), 2: ("security",), 3: ("technology", "architecture"),
    4: ("voorzieningen", "networks"), 5: ("general", "privacy"), 6: ("data", "privacy"),
    7: ("general",), 8: ("general", "data"), 9: ("general",), 10: ("technology", "general"),
}

#: Portefeuillehouders among the departmental CIOs (RK:L7, L113, L568, L670, L487, L730).
PORTFOLIO_HOLDERS: dict[str, tuple[int, ...]] = {
    "SZW": (1,), "JenV": (2,), "BZK": (7,), "IenW": (8,), "LNV": (6, 9), "EZK": (6, 9),
}

#: Domain of the 2026 advisers under the departmental CIO (N26:L11).
ADVISER_DOMAINS: frozenset[str] = frozenset({"privacy", "data", "technology"})
