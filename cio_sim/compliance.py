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

from .judgement import Judgement, utility
from .regimes.instruments import Instrument

if TYPE_CHECKING:
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
        # Changes to the pairs (registered, checked, moments resolved) are counted, so that
        # `finalise` and `arrays` do their work once for a finished run, whose summary, kader
        # outcomes and weekly table each ask for them.
        self._version = 0
        self._finalised_version = -1
        self._arrays: tuple[int, dict[str, np.ndarray]] | None = None
        # Pairs of checked kaders, in order of registration, and their end times: the open
        # ones are found with one numpy comparison per check batch (see `monitor`); the end
        # times are copied into a buffer that grows by doubling.
        self._binding: list[Pair] = []
        self._binding_done: list[float] = []
        self._done_buffer = np.empty(256)
        self._done_known = 0
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
        self._judgement = Judgement(model.p["positions"])
        self._consts = self._department_constants()
        self._def_indices = {cio.index for cio in model.departments if cio.code == "DEF"}

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

    def _department_constants(self) -> list[tuple[float, dict[int, float], float, float]]:
        """Per department, what `register` needs of it: the autonomy term of its fit cost
        (`Member.utility`), its theme priorities and the capacity and clout factors of its
        implementation time (computed as in `register` before, factor by factor)."""
        m, c = self.model, self.c
        fte_ref = m.p["attention"]["office_fte_ref"]
        out = []
        for cio in m.departments:
            capacity = min(1.0, cio.office_fte / fte_ref)
            out.append((cio.judgement.fit_autonomy(cio.autonomy), cio.priority,
                        1.0 + c["capacity_penalty"] * (1.0 - capacity),
                        1.0 + c["clout_penalty"] * (1.0 - cio.clout)))
        return out

    def register(self, proposal: Proposal, instrument: Instrument, step: int) -> None:
        """Open one implementation process per affected department of an adopted kader.

        The draws come as one block per kader (start, report and explain uniforms, a
        standard exponential start delay and a standard gamma duration per department).
        The willingness is `cio_sim.judgement`'s, as `DepartmentalCIO.willingness` gives it
        (tests check both agree); the per-department constants are worked out once per run."""
        m, c = self.model, self.c
        rng = self._rng
        overridden = set(proposal.overridden_departments)
        if proposal.weapon_systems:         # DEF's own assessment (ADR:L968)
            depts = [idx for idx in proposal.affected if idx not in self._def_indices]
        else:
            depts = list(proposal.affected)
        if not depts:
            return
        self._version += 1
        n = len(depts)
        u_start, u_report, u_explain = rng.random((3, n)).tolist()
        delays = rng.standard_exponential(n).tolist()
        durations = rng.standard_gamma(DURATION_SHAPE, n).tolist()
        intensity = MONITORING_INTENSITY[instrument.monitoring]
        mean_delay = c["start_weeks"] / (1.0 + c["monitoring_pull"] * intensity)
        base_weeks = self.weeks[proposal.complexity] * (0.5 + 0.5 * proposal.ambition)
        contexts = m.flow.contexts[proposal.id]
        lenient = instrument.monitoring == "jaargesprek" and self._detect_p < 1.0
        # Talks that pass before one uncovers the report: geometric (ADR:L994); one block per
        # kader, the same numbers as one draw per department in turn.
        if lenient:
            missed = ((self._detect_rng.geometric(self._detect_p, n) - 1).tolist()
                      if self._detect_p > 0.0 else [1 << 30] * n)
        else:
            missed = [0] * n
        # Loop-invariant values read once.
        resentment, enforcement = c["override_resentment"], c["enforcement"]
        due, binding = step + c["deadline_weeks"], instrument.binding
        report_p, explain_p = c["report_in_progress"], c["explain_prob"]
        explain_allowed = instrument.explain_allowed
        checking = instrument.monitoring == "checking"
        departments, pairs, consts = m.departments, self.pairs, self._consts
        willingness = self._judgement.willingness
        change = self._judgement.change(proposal)
        prescriptiveness, theme, pid = proposal.prescriptiveness, proposal.theme, proposal.id
        for j, idx in enumerate(depts):
            fit_autonomy, priority, capacity_factor, clout_factor = consts[idx]
            w = willingness(utility(change, priority[theme], prescriptiveness, fit_autonomy,
                                    contexts[idx]))
            is_over = idx in overridden
            if is_over:
                w *= resentment
            if binding:
                w += (1.0 - w) * enforcement
            start = INF
            done = INF
            if u_start[j] < w:
                start = step + mean_delay * delays[j]
                mean = base_weeks * capacity_factor * clout_factor
                done = start + mean / DURATION_SHAPE * durations[j]
            pair = Pair(pid, departments[idx].code, idx, instrument, not is_over, is_over, step,
                        due, w, start, done, u_report[j] < report_p,
                        explain_allowed and u_explain[j] < explain_p, INF, missed[j])
            pairs.append(pair)
            if checking:
                self._binding.append(pair)
                self._binding_done.append(done)

    def monitor(self, step: int) -> None:
        """CIO Rijk's capacity-limited checks of binding kaders (N26:L15; ADR:L3349).

        The open pairs (not done by `step`, in order of registration) are selected with one
        numpy comparison over all checked pairs instead of a Python filter of a list that
        grows with the run (the end times of new pairs copied into a buffer, not a new
        array per batch); the draws are the same."""
        if step % CHECK_BATCH_WEEKS or not self._binding:
            return
        known, n = self._done_known, len(self._binding_done)
        if known != n:                              # copy in the pairs registered since
            if n > self._done_buffer.size:
                grown = np.empty(max(2 * self._done_buffer.size, n))
                grown[:known] = self._done_buffer[:known]
                self._done_buffer = grown
            self._done_buffer[known:n] = self._binding_done[known:]
            self._done_known = n
        open_at = (self._done_buffer[:n] > step).nonzero()[0]
        if not open_at.size:
            return
        n_open = int(open_at.size)
        rng = self.model.rng
        k = min(n_open, int(rng.poisson(self.checks_per_batch)))
        checked = open_at[rng.choice(n_open, size=k, replace=False)].tolist()
        self.checks_done += len(checked)
        self._version += 1
        binding, now = self._binding, float(step)
        for i in checked:
            q = binding[i]
            # Earlier than any monitoring moment known so far: a `finalise` for a summary
            # during the run may already have set a later jaargesprek.
            if q.start <= step and now < q.first_check:
                q.first_check = now

    def finalise(self) -> None:
        """Resolve the scheduled monitoring moments (jaargesprek, P&C) for every pair; nothing
        to do when no pair was registered or checked since the last call."""
        if self._finalised_version == self._version:
            return
        self._version += 1
        self._finalised_version = self._version
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
        """Column arrays of all pairs, for vectorised metrics: built anew only when the pairs
        changed since the last call, and read-only, since callers share them."""
        if self._arrays is not None and self._arrays[0] == self._version:
            return self._arrays[1]
        ps = self.pairs
        out = {
            "adopted": np.array([q.adopted_step for q in ps], dtype=float),
            "due": np.array([q.due_step for q in ps], dtype=float),
            "start": np.array([q.start for q in ps], dtype=float),
            "done": np.array([q.done for q in ps], dtype=float),
            "first_check": np.array([q.first_check for q in ps], dtype=float),
            "optimistic": np.array([q.optimistic for q in ps], dtype=bool),
            "explains": np.array([q.explains for q in ps], dtype=bool),
            "learning": np.array([q.instrument.judged_on == "learning" for q in ps], dtype=bool),
            "overridden": np.array([q.overridden for q in ps], dtype=bool),
            "proposal_id": np.array([q.proposal_id for q in ps], dtype=np.int64),
        }
        for column in out.values():
            column.flags.writeable = False
        self._arrays = (self._version, out)
        return out


def status_at(a: dict[str, np.ndarray], t: float) -> dict[str, np.ndarray]:
    """Actual, reported and explained status of every pair at time t."""
    actual = a["done"] <= t
    in_progress = (a["start"] <= t) & ~actual
    explained = ~actual & a["explains"] & (a["due"] <= t)
    reported = actual | (in_progress & a["optimistic"] & (a["first_check"] > t) & ~explained)
    return {"actual": actual, "reported": reported, "explained": explained,
            "started": a["start"] <= t}


def kader_counts(a: dict[str, np.ndarray], t: float
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per kader with (kader, department) pairs (ids in increasing order): its pairs due by
    ``t`` and judged on compliance (not on learning), and of them actually compliant at
    ``t`` (`status_at`): what like-for-like compliance pools, by stratum or kader by kader."""
    judged = (a["due"] <= t) & ~a["learning"]
    actual = status_at(a, t)["actual"]
    ids, inverse = np.unique(a["proposal_id"], return_inverse=True)
    inverse = inverse.reshape(-1)
    return (ids, np.bincount(inverse[judged], minlength=len(ids)),
            np.bincount(inverse[judged & actual], minlength=len(ids)))


def judged_counts(a: dict[str, np.ndarray], t: np.ndarray) -> tuple[np.ndarray, ...]:
    """For each time in ``t``: the pairs judged (due, not judged on learning), and of those
    the ones compliant by `status_at`'s actual and reported status, as counts.

    The same counts as summing `status_at(a, t[:, None])` over the pairs, without the
    times x pairs arrays (they cost three quarters of a run's weekly table): each status is
    an interval of time per pair, counted with `np.searchsorted` over the pairs' sorted
    bounds. A judged pair is compliant by its actual status from max(due, done) on; by its
    reported status also while it is under way, optimistic and not explaining, from
    max(due, start) until min(done, first check) (a pair that explains, once due, reports
    the truth). A NaN bound never holds, as in `status_at`'s comparisons."""
    judged = ~a["learning"]

    def at_or_before(bounds: np.ndarray) -> np.ndarray:
        """How many of ``bounds`` are <= each time (NaN and inf never are)."""
        return np.searchsorted(np.sort(bounds), t, side="right")

    due = a["due"][judged]
    n = at_or_before(due)
    actual = at_or_before(np.maximum(due, a["done"][judged]))
    cover = judged & a["optimistic"] & ~a["explains"]
    done = a["done"][cover]
    low = np.maximum(a["due"][cover], a["start"][cover])
    high = np.minimum(a["first_check"][cover], np.where(np.isnan(done), np.inf, done))
    valid = low < high            # NaN bounds compare False: the pair never reports this way
    reported = actual + at_or_before(low[valid]) - at_or_before(high[valid])
    return n, actual, reported
