"""Outputs of a run as tidy tables and a headline summary (DESIGN §5)."""

from __future__ import annotations

import math
from collections import Counter
from operator import and_
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import catalogue
from .compliance import judged_counts, kader_counts, status_at
from .proposals import QUADRANTS
from .types import CLOSED_STATES, OPEN_STATES, STATES, State

ADOPTED, REJECTED = State.ADOPTED, State.REJECTED
EXOGENOUS_ORIGINS = ("incident", "parliamentary")

if TYPE_CHECKING:
    from .types import ModelView as CIOModel

WEEKS_PER_YEAR = 52.0
NAN = float("nan")

SUMMARY_KEYS = catalogue.HEADLINE
"""Headline keys of :func:`summary` (from :mod:`cio_sim.catalogue`)."""


def _share(num: float, den: float) -> float:
    return float(num) / den if den else NAN


def _years(model: CIOModel) -> float:
    return max(model.steps, 1) / WEEKS_PER_YEAR


def proposals_frame(model: CIOModel) -> pd.DataFrame:
    """One row per proposal, with its attributes, state and process counts."""
    codes = [c.code for c in model.departments]
    rows = []
    for p in model.proposals_by_id.values():
        decided = p.decided_step if p.decided_step >= 0 else None
        rows.append({
            "id": p.id, "label": p.label, "origin": p.origin, "theme": p.theme,
            "domain": p.domain, "complexity": p.complexity, "n_affected": p.n_affected,
            "affected": ",".join(codes[i] for i in p.affected), "impact": p.impact,
            "quadrant": p.quadrant, "kind": p.kind, "fin_org": p.fin_org,
            "strategic": p.strategic, "from_working_group": p.from_working_group,
            "state": p.state, "forum": p.forum, "submitted_step": p.submitted_step,
            "decided_step": decided,
            "lead_time_weeks": (decided - p.submitted_step) if decided is not None else None,
            "agenda_appearances": p.agenda_appearances, "rounds": p.rounds,
            "reworks": p.reworks, "voorportaal_visits": p.voorportaal_visits,
            "maturity": p.maturity, "ambition": p.ambition,
            "prescriptiveness": p.prescriptiveness, "escalated_icbr": p.escalated_icbr,
            "bypassed_icbr": p.bypassed_icbr, "overridden": p.overridden,
            "overridden_departments": ",".join(codes[i] for i in p.overridden_departments),
            "feedback_given": p.feedback_given, "feedback_retained": p.feedback_retained,
        })
    cols = ["id", "label", "origin", "theme", "domain", "complexity", "n_affected", "affected",
            "impact", "quadrant", "kind", "fin_org", "strategic", "from_working_group", "state",
            "forum", "submitted_step",
            "decided_step", "lead_time_weeks", "agenda_appearances", "rounds", "reworks",
            "voorportaal_visits", "maturity", "ambition", "prescriptiveness", "escalated_icbr",
            "bypassed_icbr", "overridden", "overridden_departments", "feedback_given",
            "feedback_retained"]
    df = pd.DataFrame(rows, columns=cols)
    return df.astype({"decided_step": "Int64", "lead_time_weeks": "Int64"})


def compliance_frame(model: CIOModel) -> pd.DataFrame:
    """One row per (adopted kader, affected department), status at the end of the run."""
    ledger = model.ledger
    cols = ["proposal_id", "department", "instrument", "binding", "monitoring", "judged_on",
            "consented", "overridden", "adopted_step", "due_step", "due", "willingness",
            "start_step", "done_step", "compliant_actual", "compliant_reported", "explained",
            "learning", "first_check_step"]
    if not ledger.pairs:
        return pd.DataFrame(columns=cols)
    a = ledger.arrays()
    st = status_at(a, model.steps)
    rows = []
    for k, q in enumerate(ledger.pairs):
        learning = q.instrument.judged_on == "learning"
        rows.append({
            "proposal_id": q.proposal_id, "department": q.department,
            "instrument": q.instrument.name, "binding": q.instrument.binding,
            "monitoring": q.instrument.monitoring, "judged_on": q.instrument.judged_on,
            "consented": q.consented, "overridden": q.overridden,
            "adopted_step": q.adopted_step, "due_step": q.due_step,
            "due": q.due_step <= model.steps, "willingness": q.willingness,
            "start_step": q.start if math.isfinite(q.start) else None,
            "done_step": q.done if math.isfinite(q.done) else None,
            "compliant_actual": bool(st["actual"][k]) and not learning,
            "compliant_reported": bool(st["reported"][k]) and not learning,
            "explained": bool(st["explained"][k]),
            "learning": bool(st["started"][k]) and learning,
            "first_check_step": q.first_check if math.isfinite(q.first_check) else None,
        })
    return pd.DataFrame(rows, columns=cols)


def _compliance_rates(st: dict[str, np.ndarray] | None, due: np.ndarray | None,
                      learning: np.ndarray | None,
                      mask: np.ndarray | None = None) -> dict[str, float]:
    """Compliance rates over the due pairs (optionally a subset by mask): `st` is the status
    (`status_at`) and `due` the due pairs at one time; None when there are no pairs."""
    if st is None or due is None or learning is None:
        return {"actual": NAN, "reported": NAN, "explained": NAN, "learning": NAN, "n": 0}
    judged = due & ~learning
    if mask is not None:
        judged &= mask
    learn = due & learning
    n = int(judged.sum())
    return {
        "actual": _share(st["actual"][judged].sum(), n),
        "reported": _share(st["reported"][judged].sum(), n),
        "explained": _share(st["explained"][judged].sum(), n),
        "learning": _share(st["started"][learn].sum(), int(learn.sum())),
        "n": n,
    }


def km_survival(lead: np.ndarray, censored: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier survival function: the distinct times and the share still undecided
    just after each. The same arithmetic as ``scipy.stats.ecdf(CensoredData(lead,
    right=censored)).sf`` (tests/test_metrics.py checks they agree), without importing
    scipy.stats (half a second) or building its interpolator for every run's summary."""
    if censored.size == 0:
        times, counts = np.unique(np.sort(lead), return_counts=True)
        return times, 1 - np.cumsum(counts) / lead.size
    times = np.concatenate((lead, censored))
    died = np.asarray([1] * lead.size + [0] * censored.size)
    order = np.argsort(times)
    times, died = times[order], died[order]
    at_risk = np.arange(times.size, 0, -1)
    edge = np.diff(times, prepend=-np.inf, append=np.inf) > 0
    n = at_risk[edge[:-1]]
    d = np.diff(np.cumsum(died)[edge[1:]], prepend=0)
    return times[edge[:-1]], np.cumprod((n - d) / n)


def time_to_decision(lead: np.ndarray, censored: np.ndarray,
                     within: tuple[int, ...] = catalogue.DECIDED_WITHIN_WEEKS
                     ) -> dict[str, float]:
    """Kaplan-Meier estimate of the time to decision over all submitted items.

    ``lead``: weeks from submission to decision for decided items; ``censored``: weeks from
    submission to the end of the run for the others (still open, stalled or withdrawn: not
    decided by the end). Returns the median (the first time the share still undecided is at
    most one half; ``inf`` when it never is) and the share decided within each horizon in
    ``within`` (NaN when no item was followed that long).
    """
    lead = np.asarray(lead, dtype=float)
    censored = np.asarray(censored, dtype=float)
    out = {"median": NAN, **{w: NAN for w in within}}
    if lead.size + censored.size == 0:
        return out
    if lead.size == 0:
        out["median"] = math.inf
        follow = float(censored.max())
        return {**out, **{w: (0.0 if follow >= w else NAN) for w in within}}
    times, surv = km_survival(lead, censored)
    reached = np.flatnonzero(surv <= 0.5)
    out["median"] = float(times[reached[0]]) if reached.size else math.inf
    follow = max(float(lead.max()), float(censored.max()) if censored.size else -1.0)
    for w in within:
        # The survival step function, right-continuous: its value at the last time <= w.
        k = int(np.searchsorted(times, w, side="right"))
        out[w] = float(1.0 - (surv[k - 1] if k else 1.0)) if follow >= w else NAN
    return out


def _strata_counts(model: CIOModel, a: dict[str, np.ndarray] | None) -> dict[str, int]:
    """Due pairs judged on compliance, and of them actually compliant, per (quadrant,
    complexity) of their kader: the strata of like-for-like compliance (`a`: the ledger's
    arrays, None when there are no pairs). Counted per kader (`compliance.kader_counts`,
    which compliance over matched kaders pools kader by kader): a kader's pairs share its
    stratum."""
    keys = catalogue.stratum_keys()
    out = {}
    for q, c in keys:
        out[f"pairs_judged_{q}_{c}"] = 0
        out[f"pairs_compliant_{q}_{c}"] = 0
    if a is None:
        return out
    kaders, judged, compliant = kader_counts(a, model.steps)
    props = model.proposals_by_id
    index = {key: i for i, key in enumerate(keys)}
    stratum = [index.get((props[k].quadrant, props[k].complexity), len(keys))
               for k in kaders.tolist()]
    n_judged = np.bincount(stratum, weights=judged, minlength=len(keys) + 1)
    n_compliant = np.bincount(stratum, weights=compliant, minlength=len(keys) + 1)
    for (q, c), n, k in zip(keys, n_judged.tolist(), n_compliant.tolist(), strict=False):
        if n:
            out[f"pairs_judged_{q}_{c}"] = int(n)
            out[f"pairs_compliant_{q}_{c}"] = int(k)
    return out


#: Reasons CIO Rijk declines a case by its own weighing (`agents.OVERRIDE_REASONS`).
DECLINE_REASONS = ("low_value", "implementation", "political_capital")


def _override_cases(model: CIOModel) -> dict[str, float]:
    """The cases in which the fallback could decide, what CIO Rijk did and why."""
    cases = model.cio_rijk.case_log
    reasons = Counter(c.reason for c in cases)
    declined = sum(reasons[r] for r in DECLINE_REASONS)
    capped_years = {(c.step - 1) // WEEKS_PER_YEAR for c in cases if c.reason == "budget_cap"}
    return {
        "override_cases": len(cases),
        "override_declined": declined,
        "override_decline_share": _share(declined, declined + reasons["worth_it"]),
        **{f"override_declined_{r}": reasons[r] for r in DECLINE_REASONS},
        "override_capped": reasons["budget_cap"],
        "override_taken": reasons["worth_it"],
        "override_cap_binding_years": len(capped_years),
        "override_cap_binding_share": _share(len(capped_years),
                                             math.ceil(model.steps / WEEKS_PER_YEAR)),
    }


def summary(model: CIOModel) -> dict[str, float]:
    """Every summary metric of :mod:`cio_sim.catalogue`, in catalogue order. Rates are NaN
    when their denominator is empty."""
    props = list(model.proposals_by_id.values())
    years = _years(model)
    steps = model.steps
    # One pass over the proposals, the agenda and the attendance each (this runs for every
    # run of a study); the float sums stay `sum` over the same sequences, in the same order.
    decided, adopted, ages = [], [], []
    resolved, unresolved_ages = [], []
    escalations = bypasses = overrides = 0
    for p in props:
        state = p.state
        if state == ADOPTED:
            decided.append(p)
            adopted.append(p)
            resolved.append(p)
        elif state == REJECTED:
            decided.append(p)
            unresolved_ages.append(steps - p.submitted_step)
        elif state == State.HANDLED_LOCALLY:
            resolved.append(p)
        else:
            ages.append(steps - p.submitted_step)
            unresolved_ages.append(steps - p.submitted_step)
        escalations += p.escalated_icbr
        bypasses += p.bypassed_icbr
        overrides += p.overridden
    lead = np.array([p.decided_step - p.submitted_step for p in decided], dtype=float)
    ttd = time_to_decision(lead, np.array(ages, dtype=float))
    # Time to resolution: every item counts; a result in any forum is the event, the rest
    # (rejected, withdrawn, stalled, still open) is censored at the horizon.
    ttr = time_to_decision(
        np.array([p.decided_step - p.submitted_step for p in resolved], dtype=float),
        np.array(unresolved_ages, dtype=float))
    agenda = model.agenda_log                  # types.AgendaRow
    strategic_ripe = exogenous = unripe = override_rows = unopposed_overrides = 0
    for r in agenda:
        if r.strategic and r.ripe:
            strategic_ripe += 1
        if r.origin in EXOGENOUS_ORIGINS:
            exogenous += 1
        if not r.ripe:
            unripe += 1
        if r.override:
            override_rows += 1
            if r.objections == 0:
                unopposed_overrides += 1
    # Attendance as columns (types.AttendanceRow: step, department, fulltime, delegated).
    att = model.attendance
    _, _, fulltime, delegated = zip(*att, strict=True) if att else ((), (), (), ())
    n_delegated, n_ft = sum(delegated), sum(fulltime)
    ft_delegated = sum(map(and_, fulltime, delegated))
    a = model.ledger.arrays() if model.ledger.pairs else None
    if a is not None:
        st: dict[str, np.ndarray] | None = status_at(a, steps)
        due, learning, over = a["due"] <= steps, a["learning"], a["overridden"]
    else:
        st = due = learning = over = None
    comp = _compliance_rates(st, due, learning)
    implemented = int((st["actual"] & ~learning).sum()) if st is not None and \
        learning is not None else 0
    comp_over = _compliance_rates(st, due, learning, over)
    comp_cons = _compliance_rates(st, due, learning, ~over if over is not None else None)
    ft = [c for c in model.departments if c.fulltime]
    pt = [c for c in model.departments if not c.fulltime]
    adopted_by_quadrant = Counter(p.quadrant for p in adopted)
    out: dict[str, float] = {
        "submitted": len(props),
        "decisions_per_year": len(decided) / years,
        "adopted_per_year": len(adopted) / years,
        "time_to_decision_median_weeks": ttd["median"],
        **{f"decided_within_{w}_weeks": ttd[w] for w in catalogue.DECIDED_WITHIN_WEEKS},
        "median_lead_time_decided_weeks": float(np.median(lead)) if lead.size else NAN,
        "p90_lead_time_decided_weeks": float(np.percentile(lead, 90)) if lead.size else NAN,
        "backlog_end": sum(model.state_counts[s] for s in OPEN_STATES),
        "stalled": model.state_counts[State.STALLED],
        "withdrawn": model.state_counts[State.WITHDRAWN],
        "rejected": model.state_counts[State.REJECTED],
        "handled_locally_per_year": model.state_counts[State.HANDLED_LOCALLY] / years,
        "resolutions_per_year": len(resolved) / years,
        "value_resolutions_per_year": sum(p.impact * p.ambition for p in resolved) / years,
        "time_to_resolution_median_weeks": ttr["median"],
        **{f"resolved_within_{w}_weeks": ttr[w] for w in catalogue.DECIDED_WITHIN_WEEKS},
        "implemented_pairs_per_year": implemented / years,
        "compliance_actual": comp["actual"],
        "compliance_reported": comp["reported"],
        "explained_share": comp["explained"],
        "learning_share": comp["learning"],
        "compliance_pairs_judged": comp["n"],
        "compliance_consented": comp_cons["actual"],
        "compliance_overridden": comp_over["actual"],
        "strategic_agenda_share": _share(strategic_ripe, len(agenda)),
        "exogenous_agenda_share": _share(exogenous, len(agenda)),
        "rediscussion_share": _share(unripe, len(agenda)),
        "icbr_escalations": escalations,
        "icbr_bypasses": bypasses,
        "overrides": overrides,
        "override_share_of_adoptions": _share(sum(1 for p in adopted if p.overridden),
                                              len(adopted)),
        "overrides_without_objection_share": _share(unopposed_overrides, override_rows),
        **_override_cases(model),
        "group_agreements_changed": len(model.cio_beraad.group_agreements_changed),
        "group_agreements_changed_share": _share(len(model.cio_beraad.group_agreements_changed),
                                                 model.working_group.agreed),
        "report_slot_share": _share(model.cio_beraad.report_slots,
                                    model.cio_beraad.report_slots + len(agenda)),
        "ambition_retained": float(np.mean([p.ambition for p in adopted])) if adopted else NAN,
        "delegate_attendance_share": _share(n_delegated, len(att)),
        "delegate_share_fulltime": _share(ft_delegated, n_ft),
        "delegate_share_parttime": _share(n_delegated - ft_delegated, len(att) - n_ft),
        "attention_used_fulltime": _share(sum(c.hours_used for c in ft),
                                          sum(c.hours_available for c in ft)),
        "attention_used_parttime": _share(sum(c.hours_used for c in pt),
                                          sum(c.hours_available for c in pt)),
        "mean_agenda_appearances": float(np.mean([p.agenda_appearances for p in decided]))
        if decided else NAN,
        "mean_rounds": float(np.mean([p.rounds for p in decided])) if decided else NAN,
        "meeting_hours_per_decision": _share(model.meeting_hours, len(decided)),
        "feedback_retained": _share(sum(p.feedback_retained for p in props),
                                    sum(p.feedback_given for p in props)),
        "cio_rijk_turnovers": model.cio_rijk.turnovers,
    }
    for q in QUADRANTS:
        out[f"adopted_per_year_{q}"] = adopted_by_quadrant[q] / years
    for name, vp in model.voorportalen.items():
        out[f"rework_rate_{name}"] = _share(vp.reworks, vp.treatments)
    out.update(_strata_counts(model, a))
    return {key: out[key] for key in catalogue.summary_keys(model.voorportalen)}


def timeseries_frame(model: CIOModel) -> pd.DataFrame:
    """One row per step: proposals per state, backlog, cumulative decisions, compliance."""
    return pd.DataFrame(timeseries_columns(model))


def timeseries_columns(model: CIOModel) -> dict[str, np.ndarray]:
    """The columns of :func:`timeseries_frame`, in its order, as numpy arrays (one per
    column, one value per step): what a batch worker encodes without building the frame."""
    # Columns are built as numpy arrays and put in one frame at the end: column-by-column
    # pandas assignment cost a third of a whole run.
    hist = model.history
    counts = np.array([row[1:-1] for row in hist], dtype=np.int64).reshape(len(hist),
                                                                            len(STATES))
    by_state = dict(zip(STATES, counts.T, strict=True))
    step = np.array([row[0] for row in hist], dtype=np.int64)
    data = {"step": step,
            "year": model.p["start_year"] + (step - 1) // int(WEEKS_PER_YEAR),
            **by_state,
            "jaaragenda": np.array([row[-1] for row in hist], dtype=bool),
            "n_submitted": counts.sum(axis=1),
            "backlog": sum(by_state[s] for s in OPEN_STATES),
            "closed": sum(by_state[s] for s in CLOSED_STATES),
            "decisions": by_state[ADOPTED] + by_state[REJECTED]}
    if model.ledger.pairs and len(step):
        n, n_actual, n_reported = judged_counts(model.ledger.arrays(), step.astype(float))
        with np.errstate(invalid="ignore", divide="ignore"):
            actual = np.where(n > 0, n_actual / n, np.nan)
            reported = np.where(n > 0, n_reported / n, np.nan)
    else:
        actual = reported = np.full(len(step), np.nan)
    data["compliance_actual"] = actual
    data["compliance_reported"] = reported
    return data


def voorportaal_frame(model: CIOModel) -> pd.DataFrame:
    return pd.DataFrame([
        {"voorportaal": name, "quality": vp.quality, "meetings": vp.meetings,
         "treatments": vp.treatments, "reworks": vp.reworks,
         "rework_rate": _share(vp.reworks, vp.treatments)}
        for name, vp in model.voorportalen.items()
    ])
