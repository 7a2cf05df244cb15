"""Pattern measures of a finished run, computed from the model's own records.

One row of measures per run (definitions in docs/validation.md). Built from the proposals,
the agenda log, the compliance ledger, the weekly history and the event log directly, not
from the DataFrames of :class:`~cio_sim.model.CIOModel` (``proposals()``, ``agenda()``, ...):
a filter runs this for every run of a study, and building the frames cost twice the run
itself. ``tests/test_patterns.py`` checks every value against the DataFrame definition.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..compliance import status_at
from ..types import OPEN_STATES, STATES, State

WEEKS_PER_YEAR = 52
_DECIDED = (State.ADOPTED, State.REJECTED)
_CLOSED = (State.ADOPTED, State.REJECTED, State.STALLED, State.WITHDRAWN)
_FAILED = (State.STALLED, State.WITHDRAWN)
_ONE_DEPT = ("q1", "q2")
_EXOGENOUS = ("incident", "parliamentary")
_NAN = math.nan


def _share(hits: int, n: int) -> float:
    """Share of ``n`` (NaN when there is nothing to share)."""
    return hits / n if n else _NAN


def _mean(values: list[float]) -> float:
    return float(np.mean(np.asarray(values, dtype=float))) if values else _NAN


def _median(values: list[float]) -> float:
    return float(np.median(np.asarray(values, dtype=float))) if values else _NAN


def measures(model: Any) -> dict[str, float]:
    """One row of pattern measures of a finished run (definitions in docs/validation.md)."""
    s = model.summary()                     # finalises the ledger
    out: dict[str, float] = {k: float(v) for k, v in s.items()}
    props = list(model.proposals_by_id.values())
    by_id = model.proposals_by_id
    _agenda_measures(out, model.agenda_log, by_id, model.history)
    _proposal_measures(out, props, model)
    _compliance_measures(out, model, by_id)
    out["compliance_gap_end"] = s["compliance_reported"] - s["compliance_actual"]
    _history_measures(out, model, props)
    _voorportaal_measures(out, model, props)
    return out


def _agenda_measures(out: dict[str, float], agenda: list[Any], by_id: dict[int, Any],
                     history: list[tuple[Any, ...]]) -> None:
    """#2/#32 consensus and objections per ripe round by quadrant; #16 deferrals; #28
    strategic share of slots at meetings with and without a jaaragenda."""
    q4 = q4_adopt = q4_obj = one = one_adopt = one_obj = ripe_n = defer = 0
    jaaragenda = {row[0]: bool(row[-1]) for row in history}
    with_n = with_hit = without_n = without_hit = 0
    for r in agenda:
        p = by_id.get(r.proposal_id)
        if r.ripe:
            ripe_n += 1
            defer += r.outcome == "defer"
            quadrant = p.quadrant if p is not None else None
            if quadrant == "q4":
                q4 += 1
                q4_adopt += r.outcome == "adopt"
                q4_obj += r.objections > 0
            elif quadrant in _ONE_DEPT:
                one += 1
                one_adopt += r.outcome == "adopt"
                one_obj += r.objections > 0
        hit = bool(r.strategic and r.ripe)
        if jaaragenda.get(r.step, True):
            with_n += 1
            with_hit += hit
        else:
            without_n += 1
            without_hit += hit
    out["consensus_rate_q4"] = _share(q4_adopt, q4)
    out["consensus_rate_one_dept"] = _share(one_adopt, one)
    out["objection_rate_q4"] = _share(q4_obj, q4)
    out["objection_rate_one_dept"] = _share(one_obj, one)
    out["defer_share_ripe"] = _share(defer, ripe_n)
    out["strategic_share_with_jaaragenda"] = _share(with_hit, with_n)
    out["strategic_share_without_jaaragenda"] = _share(without_hit, without_n)


def _proposal_measures(out: dict[str, float], props: list[Any], model: Any) -> None:
    """#2/#32 failed shares, #4/#6 arrival shares, #9 repeated agendizing, #24 the ICBR
    route, #28 strategic adoptions."""
    closed = {"q4": [0, 0], "one_dept": [0, 0]}
    early_multi = [0, 0]
    early_single = [0, 0]
    strategic = exogenous = decided_n = two_plus = strategic_adopted = 0
    fo_bypassed: list[float] = []
    fo_via: list[float] = []
    cutoff = model.horizon - 2 * WEEKS_PER_YEAR
    for p in props:
        state = p.state
        quadrant = p.quadrant
        if state in _CLOSED:
            name = "q4" if quadrant == "q4" else "one_dept" if quadrant in _ONE_DEPT else None
            if name is not None:
                closed[name][0] += 1
                closed[name][1] += state in _FAILED
        if p.origin == "departmental" and p.submitted_step < cutoff:
            lead = p.decided_step - p.submitted_step if p.decided_step >= 0 else 10**6
            hit = state == State.ADOPTED and lead <= WEEKS_PER_YEAR
            cell = early_multi if p.n_affected > 1 else early_single
            cell[0] += 1
            cell[1] += hit
        strategic += bool(p.strategic)
        exogenous += p.origin in _EXOGENOUS
        strategic_adopted += bool(p.strategic) and state == State.ADOPTED
        if state in _DECIDED:
            decided_n += 1
            two_plus += p.agenda_appearances >= 2
            if p.fin_org and p.forum == "icbr":
                lead = p.decided_step - p.submitted_step
                (fo_bypassed if p.bypassed_icbr else fo_via).append(lead)
    for name, (n, failed) in closed.items():
        out[f"failed_share_{name}"] = _share(failed, n)
    out["dep_adopted_1y_multi"] = _share(early_multi[1], early_multi[0])
    out["dep_adopted_1y_single"] = _share(early_single[1], early_single[0])
    out["strategic_arrival_share"] = _share(strategic, len(props))
    out["exogenous_arrival_share"] = _share(exogenous, len(props))
    out["share_decided_2plus_appearances"] = _share(two_plus, decided_n)
    out["lead_time_bypassed"] = _median(fo_bypassed)
    out["lead_time_via_cio_beraad"] = _median(fo_via)
    out["bypass_share_of_icbr_decisions"] = _share(len(fo_bypassed),
                                                   len(fo_bypassed) + len(fo_via))
    out["strategic_adopted"] = float(strategic_adopted)


def _compliance_measures(out: dict[str, float], model: Any, by_id: dict[int, Any]) -> None:
    """#13 the weekly reported-minus-actual gap over years 2..end; #18 compliance by
    prescriptiveness of the due pairs."""
    ledger = model.ledger
    if not ledger.pairs:
        out["compliance_gap_mean"] = _NAN
        out["compliance_high_prescriptive"] = out["compliance_low_prescriptive"] = _NAN
        return
    a = ledger.arrays()
    steps = np.array([row[0] for row in model.history if row[0] >= 2 * WEEKS_PER_YEAR],
                     dtype=float)
    if steps.size:
        st = status_at(a, steps[:, None])   # steps x pairs
        judged = (a["due"][None, :] <= steps[:, None]) & ~a["learning"][None, :]
        n = judged.sum(axis=1)
        ok = n > 0
        actual = (st["actual"] & judged).sum(axis=1)[ok] / n[ok]
        reported = (st["reported"] & judged).sum(axis=1)[ok] / n[ok]
        gap = reported - actual
        out["compliance_gap_mean"] = float(gap.mean()) if gap.size else _NAN
    else:
        out["compliance_gap_mean"] = _NAN
    end = status_at(a, model.steps)
    # As the compliance table: a pair is left out once a learning-instrument pair started.
    keep = (a["due"] <= model.steps) & ~(end["started"] & a["learning"])
    if not keep.any():
        out["compliance_high_prescriptive"] = out["compliance_low_prescriptive"] = _NAN
        return
    compliant = (end["actual"] & ~a["learning"])[keep]
    presc = np.array([by_id[int(pid)].prescriptiveness for pid in a["proposal_id"][keep]],
                     dtype=float)
    high = presc > np.median(presc)
    out["compliance_high_prescriptive"] = _share(int(compliant[high].sum()), int(high.sum()))
    out["compliance_low_prescriptive"] = _share(int(compliant[~high].sum()),
                                                int((~high).sum()))


_OPEN_IDX = tuple(1 + STATES.index(s) for s in OPEN_STATES)


def _history_measures(out: dict[str, float], model: Any, props: list[Any]) -> None:
    """#27 backlog after year 1 and at the end; arrivals per year."""
    backlog = {row[0]: sum(row[i] for i in _OPEN_IDX) for row in model.history}
    out["backlog_year1"] = float(backlog.get(WEEKS_PER_YEAR, _NAN))
    last = model.history[-1] if model.history else None
    out["backlog_end_series"] = float(sum(last[i] for i in _OPEN_IDX)) if last else _NAN
    out["arrivals_per_year"] = len(props) / (model.steps / WEEKS_PER_YEAR)


def _voorportaal_measures(out: dict[str, float], model: Any, props: list[Any]) -> None:
    """#29 rework per voorportaal, agenda appearances and weeks to ready by domain."""
    for name in ("CISO-raad", "CTO-raad"):
        vp = model.voorportalen[name]
        out[f"rework_{name}"] = _share(vp.reworks, vp.treatments)
    first_ready: dict[int, int] = {}
    for step, pid, _, to_state in model.events:
        if to_state == "ready" and step < first_ready.get(pid, math.inf):
            first_ready[pid] = step
    for dom in ("security", "technology"):
        appearances = [p.agenda_appearances for p in props
                       if p.domain == dom and p.state in _DECIDED]
        out[f"appearances_{dom}"] = _mean(appearances)
        weeks = [first_ready[p.id] - p.submitted_step for p in props
                 if p.domain == dom and p.id in first_ready]
        out[f"weeks_to_ready_{dom}"] = _mean(weeks)
