"""Compliance after adoption: one implementation process per (kader, affected department).

At adoption each pair draws whether and when the department starts implementing and how long
it takes (CIO-office capacity, clout, willingness from fit, consent, instrument force and
monitoring). Self-reports count work in progress as compliant until a monitoring moment
(jaargesprek, P&C cycle or a CIO Rijk check) sees otherwise, so reported and actual
compliance are kept apart (ADR:L994). A jaargesprek on a voluntary kader rests on what the
department chooses to share (ADR:L994, L3437), so it uncovers an optimistic report only with
probability ``compliance.jaargesprek_detection``; otherwise the report stands until a later
jaargesprek."""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .regimes.instruments import Instrument

if TYPE_CHECKING:
    from .agents import DepartmentalCIO
    from .proposals import Proposal
    from .types import ModelView as CIOModel

INF = math.inf
MONITORING_INTENSITY = {"dialogue": 0.0, "jaargesprek": 1.0, "checking": 2.0, "pc": 2.0}
# Gamma shape of implementation durations (assumption: moderate spread, cv = 0.5).
DURATION_SHAPE = 4.0
# CIO Rijk plans its checks in four-weekly batches (assumption).
CHECK_BATCH_WEEKS = 4
# Spawn key of the random stream for jaargesprek detection draws (arbitrary, unused elsewhere).
DETECTION_STREAM_KEY = 0x6A67
IMPLEMENTATION_STREAM_KEY = 0x696D70


@dataclass(slots=True)
class Pair:
    proposal_id: int
    department: str
    dept_index: int
    instrument: Instrument
    consented: bool
    overridden: bool
    adopted_step: int
    due_step: int
    willingness: float
    start: float
    done: float
    optimistic: bool
    explains: bool
    first_check: float = INF        # first monitoring moment at or after the start
    lenient_talks: int = 0          # voluntary jaargesprekken that miss the optimistic report


class ComplianceLedger:
    """All (kader, department) implementation processes of a run."""

    def __init__(self, model: CIOModel):
        self.model = model
        c = model.p["compliance"]
        self.c = c
        self.weeks = {"simple": c["weeks_simple"], "complicated": c["weeks_complicated"],
                      "complex": c["weeks_complex"]}
        self.pairs: list[Pair] = []
        # Pairs of checked kaders, in order of registration, and their end times: the open
        # ones are found with one numpy comparison per check batch (see `monitor`).
        self._binding: list[Pair] = []
        self._binding_done: list[float] = []
        self._binding_done_array = np.empty(0)
        cr = model.p["cio_rijk"]
        per_year = cr["directie_fte"] * cr["monitoring_share"] * cr["checks_per_fte_year"]
        self.checks_per_batch = per_year * CHECK_BATCH_WEEKS / 52.0
        self.checks_done = 0
        self._jaargesprek = self._schedule_jaargesprekken()
        # Own stream for detection draws (a fixed child key, no spawn), so the behaviour
        # stream and the seed sequence are left untouched.
        ss = model.seed_sequence
        self._detect_rng = np.random.default_rng(np.random.SeedSequence(
            ss.entropy, spawn_key=(*ss.spawn_key, DETECTION_STREAM_KEY)))
        self._detect_p = c["jaargesprek_detection"]
        # Own stream for the implementation draws of adopted kaders, so regimes that adopt
        # different kaders keep the behaviour stream (ICBR, scale-ups, ...) in step.
        self._rng = np.random.default_rng(np.random.SeedSequence(
            ss.entropy, spawn_key=(*ss.spawn_key, IMPLEMENTATION_STREAM_KEY)))

    def _schedule_jaargesprekken(self) -> dict[int, np.ndarray]:
        """Yearly talk per department at its own week; some years it does not happen
        (ADR:L1038, L2454, L3092)."""
        m = self.model
        cr = m.p["cio_rijk"]
        interval = cr["jaargesprek_interval_weeks"]
        out = {}
        for cio in m.departments:
            offset = int(m.init_rng.integers(interval))
            times = np.arange(offset, m.horizon + interval, interval)
            held = m.init_rng.random(times.size) < cr["jaargesprek_coverage"]
            out[cio.index] = times[held].astype(float)
        return out

    def register(self, proposal: Proposal, instrument: Instrument, step: int) -> None:
        """Open one implementation process per affected department of an adopted kader.

        The draws come as one block per kader (start, report and explain uniforms, a
        standard exponential start delay and a standard gamma duration per department)."""
        m, c = self.model, self.c
        rng = self._rng
        overridden = set(proposal.overridden_departments)
        depts = [idx for idx in proposal.affected
                 if not (proposal.weapon_systems and m.departments[idx].code == "DEF")]
        if not depts:
            return                           # DEF's own assessment (ADR:L968)
        n = len(depts)
        uni = rng.random((3, n)).tolist()
        delays = rng.standard_exponential(n).tolist()
        durations = rng.standard_gamma(DURATION_SHAPE, n).tolist()
        intensity = MONITORING_INTENSITY[instrument.monitoring]
        mean_delay = c["start_weeks"] / (1.0 + c["monitoring_pull"] * intensity)
        base_weeks = self.weeks[proposal.complexity] * (0.5 + 0.5 * proposal.ambition)
        fte_ref = m.p["attention"]["office_fte_ref"]
        contexts = m.flow.contexts[proposal.id]
        lenient = instrument.monitoring == "jaargesprek" and self._detect_p < 1.0
        # Talks that pass before one uncovers the report: geometric (ADR:L994); one block per
        # kader, the same numbers as one draw per department in turn.
        missed = ((self._detect_rng.geometric(self._detect_p, n) - 1).tolist()
                  if lenient and self._detect_p > 0.0 else None)
        # Loop-invariant values read once (this runs for every adopted kader).
        resentment, enforcement = c["override_resentment"], c["enforcement"]
        capacity_penalty, clout_penalty = c["capacity_penalty"], c["clout_penalty"]
        due, binding = step + c["deadline_weeks"], instrument.binding
        report_p, explain_p = c["report_in_progress"], c["explain_prob"]
        explain_allowed = instrument.explain_allowed
        checking = instrument.monitoring == "checking"
        departments, pairs = m.departments, self.pairs
        for j, idx in enumerate(depts):
            cio: DepartmentalCIO = departments[idx]
            w = cio.willingness(proposal, contexts[idx])
            is_over = idx in overridden
            if is_over:
                w *= resentment
            if binding:
                w += (1.0 - w) * enforcement
            start = INF
            done = INF
            if uni[0][j] < w:
                start = step + mean_delay * delays[j]
                capacity = min(1.0, cio.office_fte / fte_ref)
                mean = (base_weeks * (1.0 + capacity_penalty * (1.0 - capacity))
                        * (1.0 + clout_penalty * (1.0 - cio.clout)))
                done = start + mean / DURATION_SHAPE * durations[j]
            pair = Pair(proposal.id, cio.code, idx, instrument, not is_over, is_over, step,
                        due, w, start, done, uni[1][j] < report_p,
                        explain_allowed and uni[2][j] < explain_p)
            if lenient:
                pair.lenient_talks = missed[j] if missed is not None else 1 << 30
            pairs.append(pair)
            if checking:
                self._binding.append(pair)
                self._binding_done.append(done)

    def monitor(self, step: int) -> None:
        """CIO Rijk's capacity-limited checks of binding kaders (N26:L15; ADR:L3349).

        The open pairs (not done by `step`, in order of registration) are selected with one
        numpy comparison over all checked pairs instead of a Python filter of a list that
        grows with the run; the draws are the same."""
        if step % CHECK_BATCH_WEEKS or not self._binding:
            return
        known = self._binding_done_array.size
        if known != len(self._binding_done):        # append the pairs registered since
            self._binding_done_array = np.concatenate(
                (self._binding_done_array, self._binding_done[known:]))
        open_at = np.flatnonzero(self._binding_done_array > step)
        if not open_at.size:
            return
        n_open = int(open_at.size)
        rng = self.model.rng
        k = min(n_open, int(rng.poisson(self.checks_per_batch)))
        checked = open_at[rng.choice(n_open, size=k, replace=False)].tolist()
        self.checks_done += len(checked)
        binding, now = self._binding, float(step)
        for i in checked:
            q = binding[i]
            if q.start <= step and q.first_check == INF:
                q.first_check = now

    def finalise(self) -> None:
        """Resolve the scheduled monitoring moments (jaargesprek, P&C) for every pair."""
        pc = self.c["pc_interval_weeks"]
        # Plain lists: bisect on a list is the same search as np.searchsorted (side='left')
        # without a numpy call per pair.
        talks = {k: v.tolist() for k, v in self._jaargesprek.items()}
        for q in self.pairs:
            if q.start == INF:
                continue
            mon = q.instrument.monitoring
            if mon == "jaargesprek" or mon == "checking":
                times = talks[q.dept_index]
                i = bisect.bisect_left(times, q.start) + q.lenient_talks
                if i < len(times):
                    q.first_check = min(q.first_check, times[i])
            elif mon == "pc":
                k = math.ceil((q.start - q.adopted_step) / pc)
                q.first_check = min(q.first_check, float(q.adopted_step + k * pc))

    def arrays(self) -> dict[str, np.ndarray]:
        """Column arrays of all pairs, for vectorised metrics."""
        ps = self.pairs
        return {
            "adopted": np.array([q.adopted_step for q in ps], dtype=float),
            "due": np.array([q.due_step for q in ps], dtype=float),
            "start": np.array([q.start for q in ps], dtype=float),
            "done": np.array([q.done for q in ps], dtype=float),
            "first_check": np.array([q.first_check for q in ps], dtype=float),
            "optimistic": np.array([q.optimistic for q in ps], dtype=bool),
            "explains": np.array([q.explains for q in ps], dtype=bool),
            "learning": np.array([q.instrument.judged_on == "learning" for q in ps], dtype=bool),
            "overridden": np.array([q.overridden for q in ps], dtype=bool),
        }


def status_at(a: dict[str, np.ndarray], t: float) -> dict[str, np.ndarray]:
    """Actual, reported and explained status of every pair at time t."""
    actual = a["done"] <= t
    in_progress = (a["start"] <= t) & ~actual
    explained = ~actual & a["explains"] & (a["due"] <= t)
    reported = actual | (in_progress & a["optimistic"] & (a["first_check"] > t) & ~explained)
    return {"actual": actual, "reported": reported, "explained": explained,
            "started": a["start"] <= t}
