"""The institutions of the CIO-stelsel as tables: the departments, the I-strategie themes, the
domains of proposals, the voorportaal sets and which voorportalen prepare which domain, the
portfolio holders and the advisers' domains.

These are facts about the stelsel (or fixed readings of it), not parameters a scenario
changes: the parameter schema is in :mod:`cio_sim.params`. This module imports nothing of the
model, so every part of it can read the tables.
"""

from __future__ import annotations

import math

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
    # The 2021 set, joined by each 2024 council from its `voorportaal.<name>.from_year`.
    "dated": ("CISO-raad", "CTO-raad", "TORN", "TORV", "vooroverleg", "CPO-raad", "CDO-raad",
              "architectuurraad"),
}

#: The councils of the 'dated' set that prepare items only from their `from_year`.
DATED_COUNCILS: tuple[str, ...] = ("CPO-raad", "CDO-raad", "architectuurraad")

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
DOMAIN_ROUTES["dated"] = DOMAIN_ROUTES["2026"]

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

#: The CxO role that advises on items of a domain.
ADVISER_ROLE: dict[str, str] = {"privacy": "CPO", "data": "CDO", "technology": "CTO"}

#: The departments' CxO roles by ADR Table 3 (ADR:L690-700, 2024): role -> (date key, placed
#: under the CIO). The date key names the `cxo` parameter from which the role exists: CDOs
#: from autumn 2022 (RK:L541-546), the rest from Table 3's date. A role "onderdeel van het
#: CIO-office" counts as under the CIO; one at the IT provider, in a DG or not yet formally
#: in the stelsel does not; "Ja" without a place is taken as under the CIO (assumption).
#: BZ's CPO and CDO lead clusters of the CIO's own directie (ADR:L1844). A role Table 3
#: answers "Nee" (or "wordt uitgewerkt") is absent.
CXO_ROLES: dict[str, dict[str, tuple[str, bool]]] = {
    "AZ": {"CPO": ("table3_year", True), "CTO": ("table3_year", False)},
    "BZ": {"CPO": ("table3_year", True), "CDO": ("cdo_from_year", True)},
    "BZK": {"CPO": ("table3_year", True), "CDO": ("cdo_from_year", True),
            "CTO": ("table3_year", False)},
    "DEF": {"CPO": ("table3_year", False), "CDO": ("cdo_from_year", True),
            "CTO": ("table3_year", False)},
    "EZK": {"CPO": ("table3_year", False), "CTO": ("table3_year", False)},
    "FIN": {"CPO": ("table3_year", True), "CDO": ("cdo_from_year", True),
            "CTO": ("table3_year", False)},
    "IenW": {"CPO": ("table3_year", True), "CDO": ("cdo_from_year", False),
             "CTO": ("table3_year", False)},
    "JenV": {"CPO": ("table3_year", True), "CDO": ("cdo_from_year", True),
             "CTO": ("table3_year", True)},
    "LNV": {"CPO": ("table3_year", False), "CTO": ("table3_year", False)},
    "OCW": {"CPO": ("table3_year", True), "CDO": ("table3_year", True)},
    "SZW": {"CPO": ("table3_year", True), "CDO": ("cdo_from_year", True)},
    "VWS": {"CPO": ("table3_year", True), "CDO": ("cdo_from_year", True),
            "CTO": ("table3_year", True)},
}


def year_of_step(start_year: int, step: int) -> float:
    """The calendar year (with its fraction) of Mesa step `step` (week `step - 1`)."""
    return start_year + max(0, step - 1) / 52.0


def first_step_in(start_year: int, year: float) -> int:
    """The first Mesa step whose :func:`year_of_step` is `year` or later (0 for a year
    before the start): a date as the step from which it holds."""
    step = max(0, math.floor((year - start_year) * 52.0))    # at the answer or next to it
    while step > 0 and year_of_step(start_year, step - 1) >= year:
        step -= 1
    while year_of_step(start_year, step) < year:
        step += 1
    return step
