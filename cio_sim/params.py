"""Every model parameter as data: default, unit, allowed values and provenance (the
machinery, :class:`Param` and the cross-field :class:`Rule`, is in :mod:`cio_sim.schema`).

A parameter's provenance is either a source line (``ADR:L2271``; shorthand as in
docs/glossary) or ``assumption: <reason>``. The schema is a nested mapping whose leaves are
:class:`Param`; scenario files override leaves by the same dotted keys.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

# The regime parts register themselves in the registries the schema takes its allowed names
# from: importing them here means every user of the schema sees the built-in parts.
from . import regimes as _parts  # noqa: F401
from . import registry
from .schema import (  # noqa: F401  (re-exported: the schema's users import them from here)
    A,
    InvalidValue,
    Param,
    Rule,
    at_least_if,
    choice,
    compact,
    get,
    ordered,
    positive,
    share,
    share_sum,
)

NO_FREQ = "ADR gives no meeting frequencies (adr_extract §7)"


def _midpoint(line: str, stated: str) -> str:
    """Provenance of a value the source gives only as a range: the midpoint is ours."""
    return f"assumption: the midpoint of the stated range; range {line} ({stated})"


def _department(fulltime: tuple[bool, str], time_share: tuple[float, str],
                combined_psg: tuple[bool, str], bestuursraad: tuple[bool, str],
                under_sg: tuple[bool, str], office_fte: tuple[float, str]) -> dict[str, Param]:
    return {
        "fulltime": Param(fulltime[0], fulltime[1], "CIO role held fulltime (ADR Table 1)"),
        "time_share": share(time_share[0], time_share[1], "share of working time on the CIO role"),
        "combined_psg": Param(combined_psg[0], combined_psg[1],
                              "role combined with pSG or (H)DBV (line authority, sits in ICBR)"),
        "bestuursraad": Param(bestuursraad[0], bestuursraad[1], "member of the Bestuursraad"),
        "under_sg": Param(under_sg[0], under_sg[1], "placed directly under the SG"),
        "office_fte": positive(office_fte[0], office_fte[1], "size of the CIO-office", "FTE",
                               high=500.0),
    }


def _whole_time(table_line: str) -> str:
    """Provenance of a fulltime CIO's time share where the source gives only 'fulltime'
    (BZK's fulltime CIO spends 80% on the role, ADR:L1730: fulltime is not all of it)."""
    return A(f"a fulltime CIO's whole time on the role; the share is not given, the role is "
             f"fulltime ({table_line})")


_MAX_T = positive(2, A("after two treatments a council forwards an item anyway"),
                  "treatments before forwarding anyway", "treatments", high=20, low=1)
#: Most items per year from one stochastic origin: 200 is 17-40x the defaults; cost grows with
#: items x members, and at every maximum a run takes about 15 s (benchmarks/scenario_cost.py).
ARRIVALS_MAX = 200.0
_RATE_CAP = " (at most 200 a year: cost grows with items x members)"
_MEDIAN_OFFICE = A("office size not given; median of the reported offices (adr_extract §2)")
_SHARED_OFFICE = A("half of the lower bound of an office EZK and LNV share; mechanism ADR:%s, "
                   "L677 (>40 FTE, one office for both)")

def _voorportaal(quality: float, provenance: str, interval: int | Param,
                 capacity: int | Param, max_treatments: Param | None = None) -> dict[str, Param]:
    """The parameters of one voorportaal; meeting interval and capacity are assumptions
    (the sources give no frequencies) unless given as a Param."""
    return {
        "quality": share(quality, provenance, "how much an item matures per treatment"),
        "interval_weeks": interval if isinstance(interval, Param) else positive(
            interval, A(NO_FREQ), "weeks between meetings", "weeks", high=52, low=1),
        "capacity": capacity if isinstance(capacity, Param) else positive(
            capacity, A("items per meeting"), "items treated per meeting", "items", high=100,
            low=1),
        "max_treatments": max_treatments or _MAX_T,
    }


#: The councils the ADR finds being added to the voorportalen in 2024 ("momenteel aangevuld
#: met de CDO-raad, de CPO-raad en een Architectuurraad", ADR:L976; L3421).
_COUNCIL_FROM = positive(2024, A("the audit office finds these councils being added in 2024 "
                                 "('momenteel aangevuld', ADR:L976, L3421) and gives no "
                                 "earlier date"),
                         "calendar year from which the council prepares items (voorportaal "
                         "set 'dated')", "year", high=2100, low=2000)

SCHEMA: dict[str, Any] = {
    "horizon_weeks": positive(260, A("five years: kaders adopted early reach their "
                                                "compliance and the queues settle"),
                              "weeks to run (at most 20 years: with every other parameter at "
                              "its maximum a run then still fits a 2-core 24 GB machine)",
                              "weeks", high=1040, low=1),
    "start_year": positive(2022, "RK:L3", "calendar year of week 0 (roadmap 2022-2025)", "year",
                           high=2100, low=2000),
    "extra_departments": positive(0, A("synthetic copies for scaling experiments only"),
                                  "synthetic departments cloned from the twelve (at most 200: "
                                  "cost grows with members x items)", "count", high=200),
    "regime": {
        "decision_rule": choice("consensus", registry.DECISION_RULES,
                                "ADR:L968-970", "how the CIO-beraad decides"),
        "working_group_rule": choice("no_objection", registry.DECISION_RULES,
                                     A("the sources give no rule for working groups; a group "
                                       "that prepares goes on unless someone objects; "
                                       "mechanism ADR:L607 (q3: 'Maak werkgroepen')"),
                                     "how a keuzematrix working group decides"),
        "routing": choice("uniform", registry.ROUTINGS, "ADR:L948, L3369",
                          "which forum handles a proposal"),
        "instruments": choice("uniform", registry.INSTRUMENTS,
                              A("every kader alike, the simplest baseline; mechanism ADR:L994, "
                                "L3437 (voluntary, checked in the jaargesprek); the sources "
                                "also give CISO Rijk's comply-or-explain for security "
                                "(B21:L1263, the 2021 preset) and ADR:L599-603"),
                              "kader instrument: one for all, CISO Rijk's comply-or-explain "
                              "for security, or by complexity"),
        "kader_force": choice("voluntary", registry.KADER_FORCES, "ADR:L994; N26:L15",
                              "voluntary kaders vs binding kaders checked by CIO Rijk"),
        "escalation": choice("financial_org", registry.ESCALATIONS,
                             "ADR:L3423, L994; ADR:L579",
                             "which items go to the ICBR (in every quadrant)"),
        "voorportalen": choice("dated", registry.VOORPORTAAL_SET_PARTS,
                               A("one baseline world: the 2021 councils (B21:L389-410) "
                                 "joined by the newer ones when the sources date them "
                                 "(ADR:L976, L3421)"),
                               "the voorportaal set ('dated': the 2021 councils, joined by the "
                               "CPO-raad, CDO-raad and architectuurraad from their from_year)"),
        "ciso_scope": choice("incidents", ("incidents", "all_security"),
                             A("B21:L1263 gives the 'pas toe of leg uit' character to CISO "
                               "Rijk's aanwijzingen in acute, department-transcending "
                               "incidents (art. 14), not to security kaders in general"),
                             "security kaders under CISO Rijk's comply-or-explain "
                             "(instruments 'ciso_security'): those that answer an incident "
                             "('incidents') or every security kader ('all_security')"),
        "advisers": Param(False, A("before the Besluit 2025 a CxO role advises the CIO only "
                                   "where ADR Table 3 (L690-700) places it in the CIO-office "
                                   "or under the CIO; the Besluit places every CPO, CDO and "
                                   "CTO under the departmental CIO (N26:L11)"),
                          "every existing CPO, CDO and CTO role is an adviser under the "
                          "departmental CIO (false: only where ADR Table 3 places it so)"),
        "override_rounds": positive(2, A("sources give no number of rounds before CIO Rijk "
                                         "may decide; consensus must have been tried "
                                         "(BLOG:L52)"),
                                    "decision rounds before the fallback may decide",
                                    "rounds", high=20, low=1),
        "override_scope": choice("all", ("all", "adr_themes"),
                                 A("N26:L15 names no limit; ADR:L3507 limits decisive action "
                                   "to security, interoperability and efficiency"),
                                 "topics the fallback may decide: all, or the ADR:L3507 themes"),
        "override_budget_per_year": positive(6, A("sources give no number; a 'vangnet' "
                                                  "(BLOG:L52) costs political capital, so a "
                                                  "few uses a year"),
                                             "most overrides per calendar year (a cap; "
                                             "52: none)", "overrides", high=52),
        "override_policy": choice("discretion", ("discretion", "quota"),
                                  A("the sources make the mandate a 'vangnet' (BLOG:L52) "
                                    "that is 'geen garantie' for implementation (ADR:L573): "
                                    "CIO Rijk weighs the Rijksbreed value against what "
                                    "overriding costs; 'quota': it overrides whenever the "
                                    "value clears the threshold and the budget has room"),
                                  "how CIO Rijk decides whether to use the fallback"),
        "minister_weeks": positive(13, A("the ministerial route (ADR:L3507) takes about a "
                                         "quarter"),
                                   "weeks the Minister of BZK's decision takes", "weeks",
                                   high=104, low=1),
        "advisory_members": Param(True, "ADR:L966-970",
                                  "the 5 uitvoeringsorganisatie CIOs, whose assent is sought"),
    },
    "cxo": {
        "cdo_from_year": positive(2022.75, A("'in het najaar van 2022' (RK:L541-546) "
                                            "read as the start of the last quarter"),
                                  "when the departmental CDOs start (autumn 2022: 'in het "
                                  "najaar van 2022' the CIOs name them)", "year", high=2100,
                                  low=2000),
        "table3_year": positive(2024.0, A("the sources date the other CxO roles only by ADR "
                                          "Table 3 (2024, ADR:L690-700); from then on"),
                                "when the CPO and CTO roles of ADR Table 3 (and a CDO 'in "
                                "oprichting') count", "year", high=2100, low=2000),
    },
    "keuzematrix": {
        "q12_routing": choice("local", ("local", "wide", "department"),
                              A("ADR:L607 gives q1 'departementaal aanpakken; Rijksbrede "
                                "behandeling en aanpak is niet nodig' and q2 no ICBR either; "
                                "an F/O item goes on to the ICBR (ADR:L3423) only where its "
                                "consequences are Rijksbreed, read as q2's 'veel invloed op "
                                "... de Rijksbrede bedrijfsvoering'"),
                              "q1/q2 items with financial or organisational consequences: to "
                              "the ICBR only in q2, whose impact is Rijksbreed ('local'), in "
                              "q1 and q2 ('wide'), or never ('department')"),
        "q4_lead": choice("cio_rijk", ("cio_rijk", "beraad"),
                          A("ADR:L607 q4: 'CIO Rijk is in the lead, voor kaderstelling en "
                            "monitoring ... Afstemming in CIO-beraad, na voorbereiding'; "
                            "'beraad': the CIO-beraad decides q4 by its own rule"),
                          "q4: CIO Rijk prepares, decides after alignment in the CIO-beraad "
                          "and monitors ('cio_rijk'), or the CIO-beraad decides by "
                          "regime.decision_rule ('beraad')"),
        "q4_alignment_rounds": positive(2, A("the sources give no number; 'Afstemming in "
                                             "CIO-beraad, na voorbereiding' (ADR:L607): the "
                                             "objections heard, one compromise, then CIO "
                                             "Rijk decides (as regime.override_rounds)"),
                                        "CIO-beraad rounds on a q4 item before CIO Rijk "
                                        "decides over a remaining objection "
                                        "(keuzematrix.q4_lead 'cio_rijk')", "rounds",
                                        high=20, low=1),
        "q4_preparation_gain": share(0.3, A("the sources give no size; the directie CIO Rijk "
                                            "prepares 'in nauwe samenwerking met "
                                            "departementen' (ADR:L607), ripening a paper as "
                                            "one working-group meeting does"),
                                     "maturity a q4 paper gains from CIO Rijk's preparation "
                                     "at submission (keuzematrix.q4_lead 'cio_rijk')"),
        "q3_outcome": choice("inform", ("inform", "confirm"),
                             A("ADR:L607 asks for working groups that 'regelmatig de "
                               "inhoudelijke voortgang terug[koppelen]' (report back), not for "
                               "a second decision; ADR:L509: smaller cooperations give 'meer "
                               "eigenaarschap en resultaat'"),
                             "q3: a working group's agreement is the decision and is reported "
                             "to the CIO-beraad ('inform'), or the CIO-beraad confirms it by "
                             "its own rule ('confirm')"),
    },
    "arrivals": {
        "planned": Param(True, A("replay the dated roadmap milestones (RK, "
                                 "besluit_extract §4.2) as a realistic 2022-2025 stream"),
                         "replay the dated roadmap milestones as planned arrivals"),
        "departmental_per_year": positive(12.0, A("ADR gives no proposal counts (§2)"),
                                          "items brought in by departments" + _RATE_CAP,
                                          "per year", high=ARRIVALS_MAX),
        "incident_per_year": positive(8.0, A("ADR gives no counts; agenda is incident-driven "
                                             "ADR:L2237"), "incident-driven items" + _RATE_CAP,
                                      "per year", high=ARRIVALS_MAX),
        "parliamentary_per_year": positive(8.0, A("ADR gives no counts; toezeggingen ADR:L2237"),
                                           "parliamentary commitments" + _RATE_CAP, "per year",
                                           high=ARRIVALS_MAX),
        "cio_rijk_per_year": positive(5.0, A("ADR gives no counts"),
                                      "items initiated by CIO Rijk" + _RATE_CAP, "per year",
                                      high=ARRIVALS_MAX),
    },
    "proposals": {
        "impact_threshold": share(0.5, A("keuzematrix 'beperkte' vs 'veel invloed' split at "
                                         "the midpoint"), "impact above which an item has "
                                  "'much' Rijksbreed impact (ADR:L607)"),
        "p_several_departmental": share(0.4, A("most departmental items are local"),
                                        "chance a departmental item affects several depts"),
        "p_fin_org": share(0.45, A("roadmap items: about half with F/O (besluit_extract §4.2)"),
                           "chance a stochastic item has financial/organisational consequences"),
        "p_outside_digitalisation": share(0.3, A("sources give no share"),
                                          "share of F/O items that fall outside digitalisation"),
        "p_study": share(0.25, A("sources give no shares; minutes list kaders, studies and "
                                 "finance (adr_extract §6 #5)"),
                         "share of non-incident stochastic items that are a study or advice"),
        "p_financial": share(0.2, A("sources give no shares; the ICBR holds the money "
                                    "(ADR:L994)"),
                             "share of non-incident stochastic items that are a financial "
                             "decision (the rest are kaders or norms)"),
        "p_incident_response": share(0.7, A("most incident items ask for a response, a few "
                                            "lead to a new norm"),
                                     "share of incident items that are an incident response "
                                     "(the rest are kaders)"),
        "p_simple": share(0.15, A("roadmap: 7 of 57 milestones simple (§4.2)"),
                          "chance a stochastic item is simple"),
        "p_complex": share(0.3, A("roadmap: 16 of 57 milestones complex (§4.2)"),
                           "chance a stochastic item is complex"),
        "p_weapon_systems": share(0.04, A("sources give no share; DEF opt-out ADR:L968"),
                                  "chance an item touches weapon systems (DEF opts out)"),
        "p_strategic_incident": share(0.05, A("incidents are operational by nature"),
                                      "chance an incident item is strategic"),
        "p_strategic_parliamentary": share(0.15, A("commitments are mostly operational"),
                                           "chance a parliamentary item is strategic"),
        "p_strategic_departmental": share(0.2, A("departmental items are mostly "
                                                 "operational-tactical"),
                                          "chance a departmental item is strategic"),
        "p_strategic_cio_rijk": share(0.5, A("CIO Rijk brings strategy and kaders"),
                                      "chance a CIO Rijk item is strategic"),
        "maturity_mean": share(0.35, A("papers arrive unripe (ADR:L986)"),
                               "mean maturity of a new paper"),
        "maturity_incident_mean": share(0.2, A("incident items are drafted in haste"),
                                        "mean maturity of an incident-driven paper"),
        "prescriptiveness_mean": share(0.45, A("kaders drift to the 'hoe' (ADR:L1020-1024)"),
                                       "mean prescriptiveness ('hoe' vs 'wat')"),
        "scale_up_prob": share(0.35, A("sources give no rate; scaling up ADR:L607"),
                               "chance a shared one-department experiment is later scaled up"),
        "scale_up_weeks": positive(52, A("a year of experimenting before scaling up"),
                                   "delay before a scaled-up proposal is submitted", "weeks",
                                   high=520, low=1),
    },
    "cio_beraad": {
        "interval_weeks": positive(4, A(NO_FREQ), "weeks between CIO-beraad meetings", "weeks",
                                   high=52, low=1),
        "slots": positive(6, A("a half-day meeting treats about six items"),
                          "agenda slots per meeting", "items", high=100, low=1),
        "meeting_hours": positive(3.0, A("a half-day meeting"), "length of a meeting", "hours",
                                  high=24),
        "prioritisation": choice("urgency", registry.PRIORITISATIONS,
                                 A("the sources give no agenda policy; urgent items first, "
                                   "as the agenda is dominated by incidents and Kamer "
                                   "commitments (ADR:L2237, L956)"),
                                 "how CIO Rijk fills the agenda"),
        "strategic_slots": positive(1, A("a jaaragenda reserves a slot for strategy "
                                         "(ADR:L2453)"), "slots reserved for strategic items "
                                    "while a jaaragenda exists", "items", high=100),
        "maturity_required": share(0.55, A("a paper needs to be more than half ripe"),
                                   "maturity below which the item is re-discussed, not decided"),
        "max_rounds": positive(4, A("after four failed rounds an item is parked"),
                               "consensus rounds before an item stalls", "rounds", high=50,
                               low=1),
        "rejection_share": share(0.5, A("a clear majority against ends an item"),
                                 "share of objecting members that rejects an item outright"),
        "dilution": share(0.2, A("each compromise trims a fifth of the ambition"),
                          "share of ambition lost per rework after an objection"),
        "min_ambition": share(0.55, A("a sponsor withdraws an item watered down to about "
                                      "half after three compromises"),
                              "ambition under which an item is withdrawn"),
        "rediscussion_gain": share(0.3, A("a plenary discussion ripens a paper somewhat"),
                                   "maturity gained when an unripe item is re-discussed"),
        "reserve_settlement": choice("written_procedure", registry.RESERVE_SETTLEMENTS,
                                     A("sources do not say how a delegate's reserve is "
                                       "settled; a written round is common practice "
                                       "(ADR:L966)"),
                                     "how a round with reserves and no objection is settled"),
        "written_weeks": positive(2, A("a written round takes two weeks"),
                                  "weeks until reserving CIOs answer in writing", "weeks",
                                  high=52, low=1),
        "rework_weeks": positive(6, A("rewriting a paper takes about six weeks"),
                                 "time to rework a paper", "weeks", high=104, low=1),
    },
    "cio_rijk": {
        "directie_fte": positive(114.0, "ADR:L3349", "size of the directie CIO Rijk", "FTE",
                                 high=1000),
        "monitoring_share": share(0.15, A("monitoring is one of five clusters (ADR:L3419)"),
                                  "share of the directie that checks kader compliance"),
        "checks_per_fte_year": positive(20.0, A("a check takes about two working weeks"),
                                        "kader checks one FTE performs per year", "per year",
                                        high=1000),
        "jaargesprek_interval_weeks": positive(52, "ADR:L1038",
                                               "weeks between jaargesprekken", "weeks",
                                               high=260, low=1),
        "jaargesprek_coverage": share(0.8, A("two departments report no talk yet, so about "
                                             "ten in twelve a year; mechanism ADR:L2454, "
                                             "L3092 (LNV, SZW: no talk with CIO Rijk yet)"),
                                      "chance a department has its jaargesprek in a year"),
        "turnover_per_year": positive(0.2, A("one change of CIO Rijk in five years "
                                             "(ADR:L2610)"), "CIO Rijk turnover events",
                                      "per year", high=12),
        "jaaragenda_loss": choice("permanent", ("permanent", "temporary"),
                                  A("ADR:L2453: 'Sinds de personele wisselingen bij CIO "
                                    "Rijk is geen jaaragenda op die wijze meer gezien' (none "
                                    "since); 'temporary': planning returns after "
                                    "cio_rijk.turnover_disruption_weeks"),
                                  "whether a turnover of CIO Rijk ends the jaaragenda for "
                                  "good or for a while"),
        "turnover_disruption_weeks": positive(26, A("half a year without a jaaragenda "
                                                    "(ADR:L2453)"),
                                              "weeks a turnover disrupts agenda planning "
                                              "(cio_rijk.jaaragenda_loss 'temporary')",
                                              "weeks", high=260),
        "fit_regard": share(0.5, A("CIO Rijk weighs departmental fit, but less than "
                                   "the departments do"),
                            "weight CIO Rijk gives the departments' cost of fit"),
        "override_capital": positive(0.05, A("the sources give no size; each use of a "
                                             "vangnet spends goodwill (BLOG:L52), here a "
                                             "quarter of a typical Rijksbreed value"),
                                     "political capital one override costs CIO Rijk, times "
                                     "one plus the overrides of the recovery window "
                                     "(regime.override_policy 'discretion')", "utility",
                                     high=1.0),
        "capital_recovery_weeks": positive(52, A("goodwill spent on an override is regained "
                                                 "in about a year"),
                                           "weeks an override keeps making the next one "
                                           "dearer", "weeks", high=520, low=1),
        "override_threshold": positive(0.0, A("CIO Rijk adopts when its view of Rijksbreed "
                                              "benefit is positive"),
                                       "net Rijksbreed benefit above which CIO Rijk adopts",
                                       "utility", high=1.0, low=-1.0),
    },
    "attention": {
        "hours_per_week": positive(36.0, A("Dutch fulltime working week"), "working hours",
                                   "hours/week", high=80),
        "rijksbreed_share": share(0.25, A("most CIO time goes to the own department"),
                                  "share of CIO-role time for Rijksbreed work"),
        "review_hours": positive(2.0, A("reading and consulting on one paper"),
                                 "CIO hours to review one agenda item", "hours", high=100),
        "office_fte_ref": positive(30.0, A("a mid-sized CIO-office (adr_extract §2)"),
                                   "office size that halves review hours", "FTE", high=500,
                                   low=1.0),
        "adviser_relief": share(0.5, A("the sources give no effect size; half as a middle "
                                       "value; mechanism N26:L11 (CPO, CDO and CTO advise "
                                       "under the departmental CIO)"),
                                "share of review hours the CPO/CDO/CTO adviser takes over "
                                "in its domain"),
        "min_prepared_share": share(0.5, A("a CIO who cannot read half the papers sends the "
                                           "office head"),
                                    "share of the papers a CIO must be able to read to attend"),
        "delegate_commit_prob": share(0.35, A("the sources give no share; about one delegate "
                                              "in three may commit; mechanism ADR:L966 (a "
                                              "CIO may send a delegate)"),
                                      "chance a delegate may commit the department"),
    },
    "positions": {
        "noise_sd": positive(0.15, A("judgement varies item by item"),
                             "spread of a CIO's judgement", "utility", high=5),
        "blind_noise_factor": positive(2.0, A("an unread paper is judged roughly"),
                                       "noise multiplier when the CIO could not review",
                                       "factor", high=20),
        "fit_weight": positive(0.8, A("fit weighs a little less than benefit; mechanism "
                                      "ADR:L1020-1024, L2243 (departments want room for the "
                                      "'hoe')"),
                               "weight of cost of fit against benefit", "factor", high=10),
        "context_sd": positive(0.3, A("context mismatch of the order of a benefit's spread; "
                                      "mechanism ADR:L2701, L2965 (CIOs put their own "
                                      "department first)"),
                               "spread of departmental context mismatch per item", "utility",
                               high=5),
        "autonomy_low": share(0.3, A("every department values some autonomy"),
                              "lowest autonomy preference"),
        "autonomy_high": share(0.9, A("some departments resist any 'hoe'"),
                               "highest autonomy preference"),
        "priority_low": share(0.3, A("every theme matters somewhat to every department"),
                              "lowest priority a department gives a theme"),
        "priority_high": share(0.8, A("no theme is all that matters"),
                               "highest priority a department gives a theme"),
        "portfolio_bonus": positive(0.4, A("a portfolio holder ranks its theme clearly "
                                           "higher; mechanism RK:L7-L802 "
                                           "(portefeuillehouders)"),
                                    "extra priority a portfolio holder gives its theme",
                                    "utility", high=5),
        "objection_threshold": positive(0.1, A("objecting in a consensus culture costs "
                                               "goodwill, so small doubts abstain"),
                                        "utility below minus this makes a member object",
                                        "utility", high=5),
        "unaffected_stake": share(0.15, A("unaffected members weigh items lightly"),
                                  "weight an unaffected member gives an item"),
        "change_floor": share(0.3, A("an item without Rijksbreed impact still asks something "
                                     "of each organisation: three tenths of its ambition"),
                              "share of an item's ambition that is change at impact 0"),
        "change_per_impact": share(0.7, A("change grows with Rijksbreed impact, to the full "
                                          "ambition at impact 1 (with change_floor)"),
                                   "extra share of an item's ambition that is change per unit "
                                   "of impact"),
        "willingness_slope": positive(8.0, A("willingness to implement goes from about 0.3 to "
                                             "0.7 as utility goes from -0.1 to 0.1, the scale "
                                             "of the objection threshold"),
                                      "slope of a department's willingness to implement (a "
                                      "logistic) in its utility", "per utility", high=100),
    },
    "voorportaal": {
        "CISO-raad": _voorportaal(0.8, A("the best-rated council matures an item most; "
                                         "mechanism ADR:L980, L3429 (CISO-raad works well)"),
                                  4, 4),
        "CTO-raad": _voorportaal(0.35, A("a detached council matures an item little; "
                                         "mechanism ADR:L980, L3421 (CTO-raad "
                                         "'losgezongen')"), 4, 4),
        "TORN": _voorportaal(0.55, A("no assessment of TORN (adr_extract §7)"), 6, 3),
        "TORV": _voorportaal(0.6, A("one department's good rating: above the unrated councils; "
                                    "mechanism ADR:L3266 (TORV functions well per VWS)"), 6, 3),
        "vooroverleg": _voorportaal(
            0.25, A("the weakest voorportaal matures an item least; mechanism "
                    "ADR:L534, L986 (vooroverleg weakest link)"),
            positive(4, A("one vooroverleg before each CIO-beraad"), "weeks between meetings",
                     "weeks", high=52, low=1),
            positive(10, A("it forwards the whole next agenda"), "items treated per meeting",
                     "items", high=100, low=1),
            positive(1, A("one treatment, then on to the CIO-beraad; mechanism ADR:L984 "
                           "('vervolgens doorgeleid')"),
                     "treatments before forwarding anyway", "treatments", high=20, low=1)),
        "CPO-raad": {**_voorportaal(0.45, A("no assessment; being set up in 2024 (ADR:L976, "
                                            "L3421)"), 6, 3), "from_year": _COUNCIL_FROM},
        "CDO-raad": {**_voorportaal(0.45, A("no assessment; being set up in 2024 (ADR:L976, "
                                            "L3421)"), 6, 3), "from_year": _COUNCIL_FROM},
        "architectuurraad": {**_voorportaal(0.4, A("no assessment; being set up in 2024 "
                                                   "(ADR:L976, L3421)"), 6, 3),
                             "from_year": _COUNCIL_FROM},
        "pass_maturity": share(0.6, A("a voorportaal forwards a paper it judges ripe"),
                               "maturity at which a voorportaal forwards an item"),
    },
    "icbr": {
        "interval_weeks": positive(6, A(NO_FREQ), "weeks between ICBR meetings", "weeks",
                                   high=52, low=1),
        "slots": positive(3, A("digitalisation is one of five voorportalen (ADR:L3353)"),
                          "items per ICBR meeting", "items", high=100, low=1),
        "adoption_prob": share(0.75, A("the ICBR mostly follows prepared items"),
                               "chance the ICBR adopts an escalated item"),
        "bypass_prob": share(0.3, A("the sources give no rate; bypassing is occasional ('soms'); "
                                    "mechanism ADR:L2965 (CIO-beraad sometimes skipped)"),
                             "chance an urgent F/O item goes to the ICBR, bypassing the "
                             "CIO-beraad"),
    },
    "working_group": {
        "interval_weeks": positive(6, A("working groups meet about every six weeks"),
                                   "weeks between working-group meetings", "weeks", high=52,
                                   low=1),
        "meeting_hours": positive(2.0, A("a working-group meeting per item takes two hours"),
                                  "CIO hours one working-group meeting on an item costs each "
                                  "affected department", "hours", high=24),
        "maturity_gain": share(0.3, A("a working group ripens a paper as a plenary does"),
                               "maturity an unripe paper gains per working-group meeting"),
        "max_rounds": positive(3, A("a small group gives up sooner"),
                               "rounds before a working group drops an item", "rounds",
                               high=50, low=1),
        "report_slot_share": share(0.25, A("the sources give no length; a progress report "
                                           "is a short item, four to one agenda slot; "
                                           "mechanism ADR:L607 ('koppel regelmatig ... "
                                           "terug')"),
                                   "share of a CIO-beraad agenda slot one working group's "
                                   "progress report takes (keuzematrix.q3_outcome 'inform')",
                                   "slots"),
    },
    "department_forum": {
        "decision_weeks": positive(8, A("a departmental decision takes two months"),
                                   "mean time to handle a q1/q2 item", "weeks", high=104,
                                   low=1),
        "weeks_shape": positive(2.0, A("handling times vary: gamma with cv 0.7"),
                                "gamma shape of the time to handle a q1/q2 item", "shape",
                                high=100, low=0.5),
    },
    "compliance": {
        "start_weeks": positive(13.0, A("a quarter before implementation starts"),
                                "mean delay before a department starts implementing",
                                "weeks", high=520, low=0.1),
        "weeks_simple": positive(20.0, A("simple kaders: about five months"),
                                 "implementation time of a simple kader", "weeks", high=520,
                                 low=1.0),
        "weeks_complicated": positive(40.0, A("complicated kaders: about nine months"),
                                      "implementation time of a complicated kader", "weeks",
                                      high=520, low=1.0),
        "weeks_complex": positive(65.0, A("complex kaders: over a year"),
                                  "implementation time of a complex kader", "weeks", high=520,
                                  low=1.0),
        "deadline_weeks": positive(52, A("kaders are expected to land within a year"),
                                   "weeks after adoption at which compliance is judged",
                                   "weeks", high=520, low=1),
        "capacity_penalty": positive(0.6, A("a small office implements slower"),
                                     "extra duration for a CIO-office of zero size", "factor",
                                     high=10),
        "clout_penalty": positive(0.8, A("no clout nearly doubles the time; mechanism "
                                         "ADR:L465 (risk of a blind spot without a "
                                         "Bestuursraad seat)"),
                                  "extra duration for a CIO with no clout", "factor", high=10),
        "enforcement": share(0.6, A("sources give no effect size; N26:L15 gives CIO Rijk "
                                    "the power to check binding kaders"),
                             "share of unwilling departments a binding, checked kader moves"),
        "monitoring_pull": share(0.3, A("being looked at speeds the start"),
                                 "shorter start delay per unit of monitoring intensity"),
        "report_in_progress": share(0.8, A("most self-reports are optimistic; mechanism ADR:L994 "
                                           "(supervision rests on voluntary sharing)"),
                                    "chance work in progress is self-reported as compliant"),
        "jaargesprek_detection": share(0.5, A("even odds a voluntary talk uncovers it; "
                                              "mechanism ADR:L994, L3437 (jaargesprek the "
                                              "main monitoring tool)"),
                                       "chance a voluntary jaargesprek uncovers an optimistic "
                                       "self-report (supervision rests on what a department "
                                       "chooses to share)"),
        "explain_prob": share(0.7, A("most unfinished kaders get an explain; mechanism ADR:L602 "
                                     "(comply and explain)"),
                              "chance an unfinished comply-and-explain kader is explained"),
        "pc_interval_weeks": positive(26, A("P&C cycle: voorjaarsnota and jaarverslag"),
                                      "weeks between P&C monitoring moments", "weeks",
                                      high=104, low=1),
        "override_resentment": share(0.8, A("sources give no size; a mandate is 'geen "
                                            "garantie' for implementation (ADR:L573)"),
                                     "willingness multiplier for an overridden department "
                                     "(the cost of an override to it)"),
    },
    "clout": {
        "base": share(0.3, A("every CIO has some standing"), "clout of a CIO with no assets"),
        "bestuursraad": share(0.3, A("the seat is the largest clout asset; mechanism ADR:L465 "
                                     "(Bestuursraad seat)"),
                              "clout from a Bestuursraad seat"),
        "under_sg": share(0.2, A("a smaller asset than the seat; mechanism B21:L58 (CIO "
                                 "directly under the SG)"), "clout from placement under SG"),
        "combined_psg": share(0.2, A("a smaller asset than the seat; mechanism ADR:L476 "
                                     "(pSG/(H)DBV combination)"),
                              "clout from the pSG/(H)DBV line role"),
    },
    "departments": {
        # (fulltime, time share, combined pSG, bestuursraad, under SG, office FTE), each with
        # its provenance; Table 1 is ADR:L632-646.
        "AZ": _department((False, "ADR:L635"), (0.5, "ADR:L1577"), (True, "ADR:L635"),
                          (True, "ADR:L635"), (True, "ADR:L635"), (13.0, "ADR:L1549")),
        "BZ": _department((True, "ADR:L636"), (1.0, _whole_time("ADR:L636")),
                          (False, "ADR:L636"), (False, "ADR:L636"),
                          (True, "ADR:L636, L1844 (Table 1: under the SG; the factsheet: "
                                 "under the pSG, who at BZ has exactly the SG's mandates)"),
                          (35.0, _midpoint("ADR:L1831", "30-40 FTE"))),
        "BZK": _department((True, "ADR:L637, L1730"), (0.8, "ADR:L1730"), (False, "ADR:L637"),
                           (False, "ADR:L637"), (False, "ADR:L637"), (25.0, _MEDIAN_OFFICE)),
        "DEF": _department((True, "ADR:L638, L630, L2078"), (1.0, _whole_time("ADR:L638, L2078")),
                           (False, "ADR:L630"), (True, "ADR:L638"), (True, "ADR:L638"),
                           (35.0, _midpoint("ADR:L1980", "30-40 FTE"))),
        "EZK": _department((False, "ADR:L639"), (0.225, _midpoint("ADR:L2271", "20-25%")),
                           (True, "ADR:L639"), (True, "ADR:L639"), (True, "ADR:L639"),
                           (20.0, _SHARED_OFFICE % "L2159")),
        "FIN": _department((False, "ADR:L640"), (0.2, "ADR:L2525"), (True, "ADR:L640"),
                           (True, "ADR:L640"), (True, "ADR:L640"), (18.0, "ADR:L2489")),
        "IenW": _department((False, "ADR:L641"),
                            (0.2, A("pSG-CIO; share not given, as EZK/LNV/FIN")),
                            (True, "ADR:L641"), (True, "ADR:L641"), (True, "ADR:L641"),
                            (35.0, _midpoint("ADR:L2638", "30-40 FTE"))),
        "JenV": _department((False, "ADR:L642"),
                            (0.6, A("'most of her time' read as 0.6; mechanism "
                                    "ADR:L2805 ('meerderdeel')")),
                            (True, "ADR:L642"), (True, "ADR:L642"), (True, "ADR:L642"),
                            (40.0, "assumption: the lower bound of the stated range; "
                                    "range ADR:L2770 (40+ FTE)")),
        "LNV": _department((False, "ADR:L643"), (0.225, _midpoint("ADR:L2436", "20-25%")),
                           (True, "ADR:L643"), (True, "ADR:L643"), (True, "ADR:L643"),
                           (20.0, _SHARED_OFFICE % "L2319")),
        "OCW": _department((False, "ADR:L644"),
                           (0.3, A("not given; combination 'niet meer haalbaar' ADR:L2971")),
                           (False, "ADR:L644"), (False, "ADR:L644 (Table 1; factsheet differs)"),
                           (True, "ADR:L644"), (15.0, _midpoint("ADR:L2900", "10-20 FTE"))),
        "SZW": _department((True, "ADR:L645"), (1.0, _whole_time("ADR:L645")),
                           (False, "ADR:L645"), (False, "ADR:L645"), (False, "ADR:L645"),
                           (17.3, "ADR:L3121")),
        "VWS": _department((False, "ADR:L646"),
                           (0.5, A("not given; plv. CIO fulltime ADR:L3207")),
                           (False, "ADR:L646"), (False, "ADR:L646"), (False, "ADR:L646"),
                           (25.0, _midpoint("ADR:L3195", "20-30 FTE"))),
    },
}

#: Every cross-field rule, found by reading how the model uses the parameters.
RULES: tuple[Rule, ...] = (
    ordered("positions.autonomy_low", "positions.autonomy_high",
            "autonomy is drawn uniformly between them"),
    ordered("positions.priority_low", "positions.priority_high",
            "theme priorities are drawn uniformly between them"),
    share_sum("proposals.p_simple", "proposals.p_complex",
              reason="an item is simple, complex or else complicated"),
    share_sum("proposals.p_study", "proposals.p_financial",
              reason="an item is a study, a financial decision or else a kader"),
    at_least_if("departments.*.time_share", "departments.*.fulltime", 0.5,
                "a fulltime CIO spends at least half of the working time on the role"),
)


def rule_violations(values: Mapping[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    """Every (keys, message) of :data:`RULES` the resolved values break, in rule order."""
    return [v for rule in RULES for v in rule.violations(values)]


def iter_params(tree: Mapping[str, Any] = SCHEMA, prefix: str = "") -> Iterator[tuple[str, Param]]:
    """Yield (dotted key, Param) for every leaf of the schema."""
    for key, node in tree.items():
        dotted = f"{prefix}{key}"
        if isinstance(node, Param):
            yield dotted, node
        else:
            yield from iter_params(node, dotted + ".")


def defaults(tree: Mapping[str, Any] = SCHEMA) -> dict[str, Any]:
    """The nested dict of default values."""
    return {k: (v.default if isinstance(v, Param) else defaults(v)) for k, v in tree.items()}


def lookup(dotted: str) -> Param | None:
    """The Param at a dotted key, or None when the key is not in the schema."""
    node: Any = SCHEMA
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, Param) else None
