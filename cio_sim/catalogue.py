"""The metric catalogue: every output metric once, with label, unit, which direction is better
and whether it is a headline metric.

``metrics.summary()`` returns exactly the catalogue's summary keys, in catalogue order; the
store, tables, figures, report and command line take labels, units, directions and the
headline list from here, so a new metric is one entry here plus its computation in
``metrics.py``. Keys of a *family* (``rework_rate_<voorportaal>``, the compliance stratum
counts) share one entry whose key ends in ``*``. *Derived* metrics are not in ``summary()``:
they are computed over the runs of a batch (e.g. like-for-like compliance over the kaders all
compared scenarios share). It imports nothing from the package, so every module may read it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

__all__ = [
    "CATALOGUE", "COMPLEXITIES", "DECIDED_WITHIN_WEEKS", "HEADLINE", "MATERIAL",
    "PER_RUN_HEADLINE", "QUADRANTS", "Better", "Metric", "better", "better_sign", "bounds",
    "headline", "is_better", "label", "lookup", "material", "stratum_keys", "summary_keys",
    "unit",
]


class Better(StrEnum):
    """Which direction of a metric is better for the steering of digitalisation."""

    HIGHER = "higher"
    LOWER = "lower"
    NEITHER = "neither"


@dataclass(frozen=True, slots=True)
class Metric:
    """One output metric.

    key: summary key (a family ends in ``*``); label: short readable name; unit: in words;
    better: which direction is better; headline: shown in the CLI and the main figure;
    meaning: one line for tables and docs; derived: computed over a batch, not in summary();
    material_delta: the smallest difference between two scenarios that matters (in the
    metric's unit; None: not set), material_reason: why that size (see :data:`MATERIAL`).
    """

    key: str
    label: str
    unit: str
    better: Better
    headline: bool
    meaning: str
    derived: bool = False
    #: A metric of a pair of runs (one scenario's against the baseline's on one seed): in
    #: paired tables and figures only, never a per-scenario value.
    paired: bool = False
    material_delta: float | None = None
    material_reason: str = ""

    @property
    def family(self) -> bool:
        return self.key.endswith("*")

    def matches(self, key: str) -> bool:
        return key.startswith(self.key[:-1]) if self.family else key == self.key

    @property
    def bounds(self) -> tuple[float, float]:
        """Range of possible values: shares lie in [0, 1], every other metric is >= 0."""
        return (0.0, 1.0) if self.unit.startswith("share") else (0.0, math.inf)

    def axis_label(self) -> str:
        """Label with the unit in brackets, for axes and table rows."""
        return f"{self.label} [{self.unit}]" if self.unit else self.label


H, L, N = Better.HIGHER, Better.LOWER, Better.NEITHER

#: Horizons (weeks) of the "share decided within" metrics.
DECIDED_WITHIN_WEEKS: tuple[int, ...] = (26, 52)
#: Keuzematrix quadrants and kader complexities: the strata of like-for-like compliance.
QUADRANTS: tuple[str, ...] = ("q1", "q2", "q3", "q4")
COMPLEXITIES: tuple[str, ...] = ("simple", "complicated", "complex")

_Q = {"q1": "one dept, limited impact", "q2": "one dept, much impact",
      "q3": "several depts, limited impact", "q4": "several depts, much impact"}

_ENTRIES: tuple[Metric, ...] = (
    Metric("submitted", "Proposals submitted", "items", N, False,
           "items submitted over the horizon"),
    Metric("decisions_per_year", "Decisions", "per year", H, True,
           "adopted + rejected items per simulated year"),
    Metric("adopted_per_year", "Adopted by CIO-beraad or ICBR", "per year", H, True,
           "items adopted by the CIO-beraad or the ICBR per simulated year; "
           "leaves out items handled locally (keuzematrix q1/q2): compare regimes on "
           "resolutions_per_year"),
    Metric("resolutions_per_year", "Resolved in any forum", "per year", H, True,
           "items ended with a result per simulated year: adopted in any forum plus handled "
           "locally (a scaled-up experiment counts once, as handled locally; its scale-up is "
           "a new item); leaves out rejected, withdrawn, stalled and still open items"),
    Metric("value_resolutions_per_year", "Value-weighted resolutions", "impact per year", H,
           True, "sum of impact x ambition retained over the items resolved in any forum, per "
           "simulated year; leaves out the same items as resolutions_per_year"),
    *(Metric(f"adopted_per_year_{q}", f"Adopted, {q} ({_Q[q]})", "per year", N, False,
             f"adopted per year in keuzematrix quadrant {q} ({_Q[q]})") for q in QUADRANTS),
    Metric("time_to_decision_median_weeks", "Time to decision, median", "weeks", L, True,
           "Kaplan-Meier median time to adoption or rejection over the items not handled "
           "locally (undecided ones censored at the horizon); leaves out locally handled "
           "items entirely: compare regimes on time_to_resolution_median_weeks"),
    *(Metric(f"decided_within_{w}_weeks", f"Decided within {w} weeks", "share of items", H,
             True, f"Kaplan-Meier share decided (adopted or rejected) within {w} weeks, over "
             "the items not handled locally (leaves locally handled items out)")
      for w in DECIDED_WITHIN_WEEKS),
    Metric("time_to_resolution_median_weeks", "Time to resolution, median", "weeks", L, True,
           "Kaplan-Meier median time to a result in any forum (adopted or handled locally) "
           "over all submitted items; rejected, withdrawn, stalled and open items censored at "
           "the horizon; infinite when fewer than half are ever resolved"),
    *(Metric(f"resolved_within_{w}_weeks", f"Resolved within {w} weeks", "share of items", H,
             True, f"Kaplan-Meier share of all submitted items resolved in any forum within "
             f"{w} weeks (locally handled items included)")
      for w in DECIDED_WITHIN_WEEKS),
    Metric("median_lead_time_decided_weeks", "Lead time of decided items, median", "weeks",
           N, False, "submission to decision, over decided items only (ignores the "
           "undecided: use time_to_decision_median_weeks to compare regimes)"),
    Metric("p90_lead_time_decided_weeks", "Lead time of decided items, 90th pct", "weeks",
           N, False, "90th percentile of submission to decision, over decided items only"),
    Metric("backlog_end", "Backlog at end", "open items", L, True,
           "items still open at the end of the run"),
    Metric("stalled", "Stalled", "items", L, False, "items parked without a decision"),
    Metric("withdrawn", "Withdrawn", "items", N, False, "items withdrawn by their authors"),
    Metric("rejected", "Rejected", "items", N, False, "items rejected"),
    Metric("handled_locally_per_year", "Handled locally", "per year", N, False,
           "keuzematrix q1/q2 items handled by a department or community, apart from "
           "CIO-system decisions (ADR:L607)"),
    Metric("compliance_actual", "Compliance, actual", "share of due pairs", H, True,
           "share of due (kader, department) pairs implemented, over the regime's own kaders"),
    Metric("compliance_actual_shared", "Compliance, actual, shared kaders",
           "share of due pairs", H, True,
           "actual compliance over the kader strata (quadrant x complexity) that every "
           "compared scenario judges: kaders of a shared kind, not the same kaders (a kader "
           "adopted under one regime only still counts); compliance_actual_matched holds the "
           "same kaders", derived=True),
    Metric("compliance_actual_matched", "Compliance, actual, matched kaders",
           "share of due pairs", H, True,
           "actual compliance of each side of a pair of runs over the kaders both adopted: the "
           "same arriving kader (matched by its arrival signature on the pair's common seed), "
           "its due pairs judged on compliance; leaves out kaders only one regime adopted and "
           "pairs judged on learning. A paired-table row only (it needs both runs); stored "
           "with each run of a comparison from this version on", derived=True, paired=True),
    Metric("implemented_pairs_per_year", "Implemented (kader, dept) pairs", "pairs per year",
           H, True, "(kader, department) pairs actually implemented by the end of the run, per "
           "simulated year, whether due or not; leaves out pairs judged on learning: the "
           "volume behind compliance_actual, which a narrower kader set can raise"),
    Metric("compliance_reported", "Compliance, self-reported", "share of due pairs", N, True,
           "share of due pairs reported as implemented"),
    Metric("explained_share", "Deviations explained", "share", N, False,
           "comply-and-explain deviations explained"),
    Metric("learning_share", "Learning engaged", "share", H, False,
           "guiding-principle pairs engaged in learning"),
    Metric("compliance_pairs_judged", "Compliance pairs judged", "pairs", N, False,
           "due (kader, department) pairs judged on compliance"),
    Metric("compliance_consented", "Compliance of consenting depts", "share", H, False,
           "actual compliance of departments that consented"),
    Metric("compliance_overridden", "Compliance of overridden depts", "share", H, False,
           "actual compliance of departments that were overridden"),
    Metric("pairs_judged_*", "Pairs judged in stratum", "pairs", N, False,
           "due pairs judged on compliance, per quadrant and complexity "
           "(pairs_judged_<quadrant>_<complexity>)"),
    Metric("pairs_compliant_*", "Pairs compliant in stratum", "pairs", N, False,
           "actually compliant due pairs, per quadrant and complexity"),
    Metric("strategic_agenda_share", "Strategic agenda share", "share of slots", H, True,
           "CIO-beraad slots spent on ripe strategic items"),
    Metric("exogenous_agenda_share", "Exogenous agenda share", "share of slots", N, False,
           "CIO-beraad slots spent on incidents and Kamer commitments"),
    Metric("rediscussion_share", "Re-discussion share", "share of slots", L, False,
           "CIO-beraad slots spent re-discussing unripe papers"),
    Metric("icbr_escalations", "ICBR escalations", "items", N, True, "items sent to the ICBR"),
    Metric("icbr_bypasses", "ICBR bypasses", "items", N, False,
           "urgent items that skipped the CIO-beraad"),
    Metric("overrides", "Overrides (doorzettingsmacht)", "decisions", N, True,
           "items decided by CIO Rijk without consensus"),
    Metric("override_share_of_adoptions", "Adoptions by override", "share of adoptions", N,
           True, "adopted items that CIO Rijk decided without consensus"),
    Metric("overrides_without_objection_share", "Overrides without objection",
           "share of overrides", N, False,
           "overrides where no department objected (only reserves or absent commitment)"),
    Metric("override_cases", "Override cases", "rounds", N, False,
           "rounds in which a real objection remained and the fallback could decide"),
    Metric("override_declined", "Overrides declined", "rounds", N, False,
           "override cases CIO Rijk declined by its own weighing"),
    Metric("override_decline_share", "Override decline share", "share of cases weighed", N,
           False, "cases CIO Rijk weighed and declined (not counting scope and cap)"),
    Metric("override_declined_low_value", "Declined: low value", "rounds", N, False,
           "declined: the Rijksbreed value does not clear the threshold"),
    Metric("override_declined_implementation", "Declined: implementation", "rounds", N, False,
           "declined: the overridden departments' lower compliance eats the value (ADR:L573)"),
    Metric("override_declined_political_capital", "Declined: political capital", "rounds", N,
           False, "declined: another use of the vangnet costs more than it is worth "
           "(BLOG:L52)"),
    Metric("override_capped", "Overrides refused by the cap", "rounds", N, False,
           "override cases refused because the yearly budget was used up"),
    Metric("override_taken", "Override cases taken", "rounds", N, False,
           "override cases in which CIO Rijk overrode"),
    Metric("override_cap_binding_years", "Years the override cap binds", "years", N, False,
           "run years in which the yearly budget refused a case CIO Rijk would have taken"),
    Metric("override_cap_binding_share", "Share of years the cap binds", "share of years", N,
           False, "run years in which the yearly budget refused a case CIO Rijk would have "
           "taken, of all run years"),
    Metric("group_agreements_changed", "Group agreements changed", "items", N, False,
           "q3 items a working group agreed that the CIO-beraad diluted, rejected, stalled "
           "or withdrew"),
    Metric("group_agreements_changed_share", "Group agreements changed share",
           "share of agreements", N, False,
           "share of working-group agreements the CIO-beraad changed or withdrew"),
    Metric("report_slot_share", "Working-group report share", "share of slots", N, False,
           "CIO-beraad slots taken by working groups' progress reports (q3 'inform')"),
    Metric("ambition_retained", "Ambition retained", "share", H, True,
           "mean ambition left in adopted items after compromises"),
    Metric("delegate_attendance_share", "Delegate attendance", "share of seats", L, True,
           "CIO-beraad seats filled by a delegate"),
    Metric("delegate_share_fulltime", "Delegate attendance, fulltime CIOs", "share of seats",
           L, False, "seats of fulltime CIOs filled by a delegate"),
    Metric("delegate_share_parttime", "Delegate attendance, parttime CIOs", "share of seats",
           L, False, "seats of parttime CIOs filled by a delegate"),
    Metric("attention_used_fulltime", "Attention used, fulltime CIOs", "share of budget", N,
           False, "share of the Rijksbreed attention budget used"),
    Metric("attention_used_parttime", "Attention used, parttime CIOs", "share of budget", N,
           False, "share of the Rijksbreed attention budget used"),
    Metric("mean_agenda_appearances", "Agenda appearances per decision", "count", L, False,
           "CIO-beraad appearances per decided item"),
    Metric("mean_rounds", "Rounds per decision", "count", L, False,
           "CIO-beraad rounds per decided item"),
    Metric("meeting_hours_per_decision", "Meeting hours per decision", "hours", L, False,
           "CIO-beraad meeting hours per decided item"),
    Metric("feedback_retained", "Feedback retained", "share", H, False,
           "share of voorportaal feedback kept through rework"),
    Metric("cio_rijk_turnovers", "CIO Rijk turnovers", "count", N, False,
           "changes of CIO Rijk during the run"),
    Metric("rework_rate_*", "Rework rate", "share of treatments", L, False,
           "voorportaal treatments sent back for rework (rework_rate_<voorportaal>)"),
)

_ONE_ITEM = ("assumption: one item a year, about 4% of the ~28 adopted a year at the defaults: "
             "the smallest change a CIO-beraad's annual overview would show")
_ONE_CYCLE = ("assumption: one CIO-beraad cycle (cio_beraad.interval_weeks = 4): a smaller "
              "gap is the same meeting")
_ONE_SHARE = ("assumption: about one item a year of the ~47 submitted a year (0.02 of the "
              "items)")
_PAIRS = ("assumption: one (kader, department) pair in fifty: one department's implementation "
          "of one kader out of four kaders across twelve departments (1 / 48)")

#: The smallest difference between two scenarios that matters, per metric, with its reason
#: (in the metric's unit). Comparisons report the probability that a paired gap exceeds it
#: (comparison.paired_table); every headline metric has one.
MATERIAL: dict[str, tuple[float, str]] = {
    "decisions_per_year": (1.0, _ONE_ITEM),
    "adopted_per_year": (1.0, _ONE_ITEM),
    "resolutions_per_year": (1.0, _ONE_ITEM),
    "handled_locally_per_year": (1.0, _ONE_ITEM),
    "value_resolutions_per_year": (
        0.5, "assumption: one average resolved item a year (impact x ambition retained is "
             "about 0.45 per resolved item at the defaults)"),
    "time_to_decision_median_weeks": (4.0, _ONE_CYCLE),
    "time_to_resolution_median_weeks": (4.0, _ONE_CYCLE),
    **{f"decided_within_{w}_weeks": (0.02, _ONE_SHARE) for w in DECIDED_WITHIN_WEEKS},
    **{f"resolved_within_{w}_weeks": (0.02, _ONE_SHARE) for w in DECIDED_WITHIN_WEEKS},
    "backlog_end": (3.0, "assumption: half of one CIO-beraad meeting's six agenda slots "
                         "(cio_beraad.slots): less is cleared in one meeting"),
    "compliance_actual": (0.02, _PAIRS),
    "compliance_actual_shared": (0.02, _PAIRS),
    "compliance_actual_matched": (0.02, _PAIRS),
    "compliance_reported": (0.02, _PAIRS),
    "implemented_pairs_per_year": (
        6.0, "assumption: half of one kader's twelve departmental pairs a year"),
    "strategic_agenda_share": (
        0.025, "assumption: two of the ~78 CIO-beraad slots a year (13 meetings x 6 slots)"),
    "icbr_escalations": (1.0, "assumption: one escalation over the run: each one takes an "
                              "item to the ministers' council (ICBR)"),
    "overrides": (1.0, "assumption: one override over the run: each is a visible use of the "
                       "doorzettingsmacht"),
    "override_share_of_adoptions": (
        0.03, "assumption: about one adoption a year of the ~30 adopted a year"),
    "ambition_retained": (
        0.02, "assumption: one adoption a year losing half its ambition in compromise, spread "
              "over the ~28 adopted a year (0.5 / 28)"),
    "delegate_attendance_share": (
        0.04, "assumption: half of one of the twelve seats at every CIO-beraad meeting "
              "(1 / 24)"),
}

CATALOGUE: tuple[Metric, ...] = tuple(
    replace(m, material_delta=MATERIAL[m.key][0], material_reason=MATERIAL[m.key][1])
    if m.key in MATERIAL else m for m in _ENTRIES)

_BY_KEY = {m.key: m for m in CATALOGUE if not m.family}
_FAMILIES = tuple(m for m in CATALOGUE if m.family)
if len(_BY_KEY) + len(_FAMILIES) != len(CATALOGUE):  # pragma: no cover - a catalogue typo
    raise RuntimeError("metric catalogue: a key appears twice")
if set(MATERIAL) - set(_BY_KEY):  # pragma: no cover - a catalogue typo
    raise RuntimeError(f"metric catalogue: MATERIAL names unknown keys "
                       f"{sorted(set(MATERIAL) - set(_BY_KEY))}")

#: Headline metrics, in catalogue order (CLI output, main comparison figure, README).
HEADLINE: tuple[str, ...] = tuple(m.key for m in CATALOGUE if m.headline)
#: The headline metrics with a value per scenario (those of per-scenario tables and figures).
PER_RUN_HEADLINE: tuple[str, ...] = tuple(m.key for m in CATALOGUE
                                          if m.headline and not m.paired)


def lookup(key: str) -> Metric | None:
    """The catalogue entry of a metric key (family keys resolve to their family)."""
    found = _BY_KEY.get(key)
    if found is not None:
        return found
    return next((m for m in _FAMILIES if m.matches(key)), None)


def headline(available: Iterable[str] | None = None) -> list[str]:
    """Headline keys in order, restricted to ``available`` when given."""
    if available is None:
        return list(HEADLINE)
    have = set(available)
    return [k for k in HEADLINE if k in have]


def material(key: str) -> tuple[float, str] | None:
    """The smallest difference of ``key`` that matters and its reason (None: not set)."""
    m = lookup(key)
    if m is None or m.material_delta is None:
        return None
    return m.material_delta, m.material_reason


def stratum_keys() -> list[tuple[str, str]]:
    """(quadrant, complexity) strata of like-for-like compliance, in order."""
    return [(q, c) for q in QUADRANTS for c in COMPLEXITIES]


def summary_keys(voorportalen: Iterable[str] = ()) -> list[str]:
    """Every key ``summary()`` returns, in order, for a model with these voorportalen."""
    keys: list[str] = []
    for m in CATALOGUE:
        if m.derived:
            continue
        if m.key == "pairs_judged_*":
            keys += [f"pairs_judged_{q}_{c}" for q, c in stratum_keys()]
        elif m.key == "pairs_compliant_*":
            keys += [f"pairs_compliant_{q}_{c}" for q, c in stratum_keys()]
        elif m.key == "rework_rate_*":
            keys += [f"rework_rate_{v}" for v in voorportalen]
        else:
            keys.append(m.key)
    return keys


def label(key: str, unit: bool = True) -> str:
    """Readable label of a metric key (with its unit in brackets when ``unit``)."""
    m = lookup(key)
    if m is None:
        return key.replace("_", " ")
    text = m.label
    if m.family:
        text = f"{m.label}, {key[len(m.key) - 1:].replace('_', ' ')}"
    return f"{text} [{m.unit}]" if unit and m.unit else text


def unit(key: str) -> str:
    m = lookup(key)
    return m.unit if m else ""


def bounds(key: str) -> tuple[float, float]:
    """Range of possible values of a metric (unknown keys: unbounded)."""
    m = lookup(key)
    return m.bounds if m else (-math.inf, math.inf)


def better(key: str) -> Better:
    m = lookup(key)
    return m.better if m else Better.NEITHER


def better_sign(key: str) -> int:
    """+1 if higher is better, -1 if lower is better, 0 if neither (or unknown)."""
    b = better(key)
    return 1 if b is Better.HIGHER else -1 if b is Better.LOWER else 0


def is_better(key: str, value: float, reference: float) -> bool | None:
    """Whether ``value`` is better than ``reference`` for this metric (None: no direction,
    or a value is missing; ties are not better)."""
    sign = better_sign(key)
    if sign == 0 or value is None or reference is None or math.isnan(value) \
            or math.isnan(reference):
        return None
    return bool(sign * (value - reference) > 0) if value != reference else False
