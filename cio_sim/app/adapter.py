"""The one place where the app reads a running model's state.

Every view of the app asks these functions, never the model's attributes, so that a change
in the model core's internals is absorbed here. Everything returned is plain data (numbers,
strings, DataFrames) taken at the model's current week.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from .. import catalogue
from ..institutions import DOMAINS
from ..types import CLOSED_STATES, OPEN_STATES

if TYPE_CHECKING:
    from ..model import CIOModel

#: Forum names as shown, in the order an item meets them.
CIO_BERAAD_WAITING = "CIO-beraad waiting list"
ICBR = "ICBR"
WORKING_GROUPS = "working groups"
DEPARTMENTS = "departmental / pilot"
REWORK = "in rework (authors)"
WRITTEN = "written procedure (reserves)"
MINISTER = "ministerial route"

FORUM_LABELS = {"cio_beraad": "CIO-beraad", "icbr": "ICBR", "working_group": "working group",
                "department": "department", "community": "community (experiment)"}

STATE_LABELS = {
    "submitted": "submitted",
    "in_voorportaal": "in a voorportaal",
    "rework": "back with the authors for rework",
    "ready": "on the CIO-beraad waiting list",
    "on_agenda": "on the CIO-beraad agenda",
    "escalated": "escalated to the ICBR",
    "in_working_group": "in a working group",
    "in_department": "decided departmentally / experiment",
    "adopted": "adopted",
    "handled_locally": "handled locally (outside the CIO-stelsel)",
    "rejected": "rejected",
    "withdrawn": "withdrawn by its sponsor",
    "stalled": "stalled (parked)",
}


def week(model: CIOModel) -> int:
    """Weeks simulated so far."""
    return int(model.steps)


def horizon(model: CIOModel) -> int:
    return int(model.horizon)


def start_year(model: CIOModel) -> int:
    return int(model.p["start_year"])


def voorportalen(model: CIOModel) -> list[str]:
    """The voorportalen of the run's regime, vooroverleg last."""
    names = [n for n in model.voorportalen if n != "vooroverleg"]
    return [*names, "vooroverleg"] if "vooroverleg" in model.voorportalen else names


def queues(model: CIOModel) -> dict[str, int]:
    """Items waiting now, per forum: each voorportaal, the CIO-beraad waiting list, the ICBR,
    the working groups, departmental handling, rework with the authors, reserves being
    settled in writing after a meeting, and adoptions waiting on the ministerial route."""
    counts = model.state_counts
    out = {name: len(model.voorportalen[name].queue) for name in voorportalen(model)}
    out[CIO_BERAAD_WAITING] = len(model.cio_beraad.queue)
    out[ICBR] = len(model.icbr.queue)
    out[WORKING_GROUPS] = len(model.working_group.queue)
    out[DEPARTMENTS] = int(counts["in_department"])
    out[REWORK] = int(counts["rework"])
    # Between meetings an item stays 'on the agenda' only while a written procedure settles
    # its reserves; 'escalated' items outside the ICBR's queue wait for the Minister.
    out[WRITTEN] = int(counts["on_agenda"])
    out[MINISTER] = int(counts["escalated"]) - len(model.icbr.queue)
    return out


def routes(model: CIOModel) -> dict[str, tuple[str, ...]]:
    """Voorportalen an item of each domain passes before the vooroverleg."""
    return {domain: tuple(model.voorportaal_set.route(domain)) for domain in DOMAINS}


def counts(model: CIOModel) -> dict[str, int]:
    """Proposals per lifecycle state now, plus 'backlog' (open) and 'closed'."""
    out = {str(state): int(n) for state, n in model.state_counts.items()}
    out["backlog"] = sum(out[s] for s in OPEN_STATES)
    out["closed"] = sum(out[s] for s in CLOSED_STATES)
    return out


def series(model: CIOModel) -> pd.DataFrame:
    """One row per simulated week: backlog, cumulative decisions (adopted + rejected),
    adopted, and compliance (actual and self-reported, over kaders past their deadline)."""
    ts = model.timeseries()
    cols = ["step", "backlog", "decisions", "adopted", "rejected", "compliance_actual",
            "compliance_reported"]
    return ts[cols].rename(columns={"step": "week"}).reset_index(drop=True)


def agenda(model: CIOModel) -> pd.DataFrame:
    """Every CIO-beraad agenda slot used, with a 'kind' for the agenda composition:
    'strategic', 'incident / Kamer', 'other decided' or 'unripe, re-discussed'."""
    df = model.agenda().rename(columns={"step": "week"})
    exogenous = df["origin"].isin(("incident", "parliamentary"))
    kind = pd.Series("other decided", index=df.index, dtype=object)
    kind[exogenous] = "incident / Kamer"
    kind[df["strategic"].astype(bool)] = "strategic"
    kind[~df["ripe"].astype(bool)] = "unripe, re-discussed"
    return df.assign(kind=kind)


def attendance(model: CIOModel) -> pd.DataFrame:
    """Per department: CIO-beraad meetings held, of which with a delegate, and the share."""
    rows = pd.DataFrame(model.attendance, columns=["week", "department", "fulltime",
                                                   "delegated"])
    order = [c.code for c in model.departments]
    if rows.empty:
        return pd.DataFrame({"department": order, "fulltime": [c.fulltime for c in
                                                               model.departments],
                             "meetings": 0, "delegated": 0, "share": float("nan")})
    g = rows.groupby("department", sort=False).agg(fulltime=("fulltime", "first"),
                                                   meetings=("delegated", "size"),
                                                   delegated=("delegated", "sum"))
    g = g.reindex(order).reset_index()
    g["delegated"] = g["delegated"].astype(int)
    g["share"] = g["delegated"] / g["meetings"]
    return g


def proposals(model: CIOModel) -> pd.DataFrame:
    """One row per proposal so far (id, origin, domain, quadrant, state, forum, weeks)."""
    df = model.proposals()
    cols = ["id", "label", "origin", "domain", "complexity", "quadrant", "affected",
            "strategic", "fin_org", "state", "forum", "submitted_step", "decided_step",
            "agenda_appearances", "reworks", "ambition"]
    return df[cols]


def history(model: CIOModel, proposal_id: int) -> pd.DataFrame:
    """A proposal's path through the forums: one row per event, in order, with the week,
    the state it entered, where that is, and what a CIO-beraad meeting concluded."""
    prop = model.proposals_by_id.get(int(proposal_id))
    if prop is None:
        return pd.DataFrame(columns=["week", "event", "where", "detail"])
    ev = model.event_log()
    ev = ev[ev["proposal_id"] == prop.id]
    slots = model.agenda()
    slots = slots[slots["proposal_id"] == prop.id].to_dict("records")
    route = list(model.voorportaal_set.route(prop.domain))
    rows = []
    for rec in ev.itertuples(index=False):
        state = rec.to_state
        where, detail = "", ""
        if state == "submitted":
            where = f"{prop.origin} item, domain {prop.domain}, quadrant {prop.quadrant}"
        elif state == "in_voorportaal":
            where = (" → ".join([*route, "vooroverleg"]) if rec.from_state == "submitted"
                     else "back to the voorportaal that sent it, or the vooroverleg")
        elif state == "ready":
            where = "CIO-beraad waiting list"
        elif state == "on_agenda":
            where = "CIO-beraad"
            slot = next((s for s in slots if s["step"] == rec.step), None)
            if slot is not None:
                detail = ("unripe: re-discussed, back for rework" if not slot["ripe"] else
                          f"{slot['outcome']}; {slot['objections']} objection(s), "
                          f"{slot['reserves']} reserve(s)"
                          + ("; decided by CIO Rijk (doorzettingsmacht)"
                             if slot["override"] else ""))
        elif state == "escalated":
            where = "ICBR" + (" (bypassing the CIO-beraad)" if prop.bypassed_icbr else "")
        elif state == "in_working_group":
            where = "working group of the affected departments"
        elif state == "in_department":
            where = "department / community"
        elif state in CLOSED_STATES:
            where = FORUM_LABELS.get(prop.forum, prop.forum)
        elif state == "rework":
            where = "authors"
        rows.append({"week": int(rec.step), "event": STATE_LABELS.get(state, state),
                     "where": where, "detail": detail})
    return pd.DataFrame(rows, columns=["week", "event", "where", "detail"])


#: Origins of proposals a run makes itself (a scaled-up experiment), not arrivals: runs on
#: the same seed share every arrival, but each regime scales up its own experiments.
ENDOGENOUS_ORIGINS = frozenset({"scale_up"})


def arrivals(model: CIOModel) -> dict[str, int]:
    """Proposals so far by where they came from: 'arrived' (from outside the run: the same
    in every run on this seed) and 'scale_ups' (experiments the run itself scaled up)."""
    made = sum(p.origin in ENDOGENOUS_ORIGINS for p in model.proposals_by_id.values())
    return {"arrived": len(model.proposals_by_id) - made, "scale_ups": made}


def summary(model: CIOModel) -> dict[str, float]:
    """Headline metrics of the run so far, with the arrivals split from the run's own
    scale-ups."""
    return {**model.summary(), **arrivals(model)}


#: Figures of the headline table, in order; labels, units and directions come from the
#: metric catalogue. 'over_reporting' (self-reported minus actual compliance) is the app's own.
HEADLINE_KEYS: tuple[str, ...] = (
    "arrived", "scale_ups", "decisions_per_year", "adopted_per_year",
    "time_to_decision_median_weeks",
    "decided_within_52_weeks", "backlog_end", "compliance_actual", "compliance_reported",
    "over_reporting", "strategic_agenda_share", "rediscussion_share",
    "delegate_attendance_share", "ambition_retained", "icbr_escalations", "overrides",
)
#: Labels that read better while a run is under way ("at end" is "now" on the page).
LABELS_NOW = {"arrived": "Proposals arrived so far (the same in every run) [items]",
              "scale_ups": "Experiments scaled up into new proposals so far [items]",
              "backlog_end": "Backlog now [open items]"}
#: Keys with no better direction, and rows shown only when some run has a non-zero value.
NEUTRAL = frozenset({"arrived", "scale_ups"})
ONLY_IF_ANY = frozenset({"scale_ups"})
OVER_REPORTING = ("Over-reporting: self-reported − actual compliance", "share of due pairs",
                  catalogue.Better.LOWER)


def _fmt(value: float, share: bool = False) -> str:
    """A figure as shown: shares with two decimals, other numbers to three significant
    figures (at most 0 decimals from 100 up), whole numbers as they are."""
    if value is None or math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "never (< half decided)" if value > 0 else "-inf"
    if share:
        text = f"{value:.2f}"
    elif value == 0 or float(value).is_integer():
        text = f"{value:.0f}"
    else:
        decimals = max(0, 2 - math.floor(math.log10(abs(value))))
        text = f"{value:.{decimals}f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text.lstrip("-").strip("0.") == "" else text


def headline_table(models: Sequence[CIOModel]) -> pd.DataFrame:
    """Headline figures of one or two runs now: metric (label [unit]), one column per run
    ('A', 'B'), and with two runs 'B − A' and which run is 'better'; with one run, which
    direction is better. Keys a run does not report are left out."""
    summaries = []
    for m in models:
        s = dict(summary(m))
        s["over_reporting"] = s.get("compliance_reported", math.nan) - s.get(
            "compliance_actual", math.nan)
        summaries.append(s)
    rows = []
    for key in HEADLINE_KEYS:
        if not all(key in s for s in summaries):
            continue
        if key in ONLY_IF_ANY and not any(s[key] for s in summaries):
            continue
        if key in NEUTRAL:
            text, better = LABELS_NOW[key], catalogue.Better.NEITHER
        elif key == "over_reporting":
            label, unit, better = OVER_REPORTING
            text = f"{label} [{unit}]"
        else:
            text = LABELS_NOW.get(key) or catalogue.label(key)
            better = catalogue.better(key)
        values = [float(s[key]) for s in summaries]
        share = "share" in text
        row = {"metric": text}
        row.update({"AB"[i]: _not_yet(key) if _not_yet(key) and math.isnan(v) else
                    _fmt(v, share) for i, v in enumerate(values)})
        if len(values) == 2:
            a, b = values
            row["B − A"] = (_fmt(b - a, share) if math.isfinite(a) and math.isfinite(b)
                            else "n/a")
            row["better"] = _which(a, b, better)
        else:
            row["better"] = "—" if better is catalogue.Better.NEITHER else f"{better}"
        rows.append(row)
    return pd.DataFrame(rows)


def _not_yet(key: str) -> str:
    """What an undefined 'decided within N weeks' means early in a run (no item has been
    followed N weeks yet, so the share is not known); '' for other keys."""
    if key.startswith("decided_within_") and key.endswith("_weeks"):
        return f"not yet known (no item followed {key.split('_')[2]} weeks)"
    return ""


def _which(a: float, b: float, better: catalogue.Better) -> str:
    """'A' or 'B' by the metric's direction; 'same' when equal to 3 digits; '—' for none."""
    if better is catalogue.Better.NEITHER or math.isnan(a) or math.isnan(b):
        return "—"
    if a == b or (math.isfinite(a) and math.isfinite(b) and round(b - a, 3) == 0):
        return "same"
    return "B" if (b > a) == (better is catalogue.Better.HIGHER) else "A"


def paired_replications(table: pd.DataFrame) -> pd.DataFrame:
    """The headline figures of a paired table (from the batch runner): metric, B − A (mean
    over replications), its 95% interval, pairs, and the verdict on a material difference."""
    rows = []
    by_metric = table.set_index("metric")
    for key in HEADLINE_KEYS:
        key = "submitted" if key == "arrived" else key
        if key not in by_metric.index or key == "scale_ups":
            continue
        r = by_metric.loc[key]
        share = "share" in catalogue.unit(key)
        interval = (f"{_fmt(r['ci_low'], share)} to {_fmt(r['ci_high'], share)}"
                    if math.isfinite(r["ci_low"]) and math.isfinite(r["ci_high"]) else "n/a")
        rows.append({"metric": catalogue.label(key), "B − A (mean)": _fmt(r["mean_diff"], share),
                     "95% interval": interval, "pairs": int(r["n"]),
                     "verdict": r.get("material") or r.get("note") or "—"})
    return pd.DataFrame(rows)
