"""The stylized facts of the 2021 CIO-stelsel (adr_extract.md §6) as pattern checks.

Defined once, used twice: the validation suite (tests/validation) asserts that the default
parameters reproduce every fact over 30 seeds, and pattern-oriented filtering
(:mod:`cio_sim.explore`, Grimm et al. 2005) keeps the parameter sets that reproduce them.

A fact is checked on a set of *variants*: the 2021 regime (``base``) and one-factor contrasts
of it, run on the same seeds (common random numbers). :func:`contrasts` gives each variant's
overrides relative to a base scenario, :func:`measures` reduces a finished run to one row of
pattern measures, and :func:`check_all` applies every check (a stated test at ``ALPHA`` plus an
effect-size floor) to ``{variant: DataFrame of measures, one row per seed}``. Nothing in the
model encodes these patterns; docs/validation.md documents them with measured figures.
"""

from __future__ import annotations

from typing import Any

from .checks import (
    ALPHA,
    MAX_MISSING,
    Condition,
    FactResult,
    Runs,
    sign_test,
    wilcoxon_greater,
    wilcoxon_one_sample,
)
from .facts import (
    FACTS,
    NEEDS,
    NOT_REPRODUCED,
    REPRODUCED,
    check_all,
    p02_p32,
    p03,
    p04,
    p06,
    p06b,
    p07,
    p09,
    p13,
    p15_p16,
    p18,
    p24,
    p27,
    p28,
    p29,
    reproduces,
)
from .measures import measures

WEEKS_PER_YEAR = 52
#: Pattern measures assume five simulated years (year-1 vs end backlog, items submitted more
#: than two years before the end).
HORIZON_WEEKS = 260
#: The scenario every fact is about.
BASE_SCENARIO = "consensus_2021"
#: The variants the checks use, in a fixed order ("base" first).
VARIANTS: tuple[str, ...] = ("base", "incidents_x2", "all_fulltime", "doorzetting",
                             "good_vooroverleg", "binding", "high_turnover")


def contrasts(base: Any) -> dict[str, dict[str, Any]]:
    """Variant name -> dotted-key overrides that turn ``base`` (a Scenario) into the variant.

    Contrasts are relative to the base, so they stay one-factor contrasts when the base
    itself carries explored parameter values.
    """
    from ..scenario import load_scenario

    fulltime = load_scenario("all_fulltime_2021")
    all_ft: dict[str, Any] = {}
    for code, dept in fulltime.values["departments"].items():
        all_ft[f"departments.{code}.fulltime"] = dept["fulltime"]
        all_ft[f"departments.{code}.time_share"] = dept["time_share"]
    return {
        "base": {},
        # #6: twice the incident rate (ADR:L2237).
        "incidents_x2": {"arrivals.incident_per_year":
                         2.0 * float(base.get("arrivals.incident_per_year"))},
        # #15/#16: every CIO fulltime, as in the all_fulltime_2021 scenario (ADR:L291).
        "all_fulltime": all_ft,
        # #3: same regime, but CIO Rijk decides after the configured rounds (L567 vs N26:L15).
        "doorzetting": {"regime.decision_rule": "doorzettingsmacht"},
        # #7: a vooroverleg that works as well as the CISO-raad.
        "good_vooroverleg": {"voorportaal.vooroverleg.quality":
                             float(base.get("voorportaal.CISO-raad.quality"))},
        # #13: binding kaders checked by CIO Rijk instead of voluntary self-report.
        "binding": {"regime.kader_force": "binding"},
        # #28: frequent turnover at CIO Rijk (2 a year).
        "high_turnover": {"cio_rijk.turnover_per_year": 2.0},
    }


def variant_scenarios(base: Any) -> dict[str, Any]:
    """Variant name -> the Scenario of that variant of ``base``."""
    return {name: base.with_overrides(ov, source=f"pattern variant {name}") if ov else base
            for name, ov in contrasts(base).items()}



__all__ = [
    "ALPHA", "BASE_SCENARIO", "FACTS", "HORIZON_WEEKS", "MAX_MISSING", "NEEDS",
    "NOT_REPRODUCED", "REPRODUCED", "VARIANTS", "WEEKS_PER_YEAR", "Condition", "FactResult",
    "Runs", "check_all", "contrasts", "measures", "p02_p32", "p03", "p04", "p06", "p06b",
    "p07", "p09", "p13", "p15_p16", "p18", "p24", "p27", "p28", "p29", "reproduces",
    "sign_test", "variant_scenarios", "wilcoxon_greater", "wilcoxon_one_sample"]
