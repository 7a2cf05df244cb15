"""Calibration targets: the statistics of the stylized facts a history match can use, the fact
audit's verdict on each checked fact, and the validation of ``[[calibration.targets]]`` and
``[[calibration.held_out]]`` in an experiment file.

A statistic is one number per replication, computed from the pattern measures of the runs of
one parameter set (``{variant: measures row}``, cio_sim.patterns). Only facts the audit
(docs/validation.md, "Fact audit") finds emergent may be calibrated on; the others follow from
an input or nearly restate one, so fitting them would fit the input.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .history_matching import Target

Rows = Mapping[str, Mapping[str, float | None]]


def _v(rows: Rows, variant: str, key: str) -> float:
    value = rows.get(variant, {}).get(key)
    return math.nan if value is None else float(value)


@dataclass(frozen=True)
class Statistic:
    """A per-replication statistic of one fact: the variants it reads and how."""

    fact: str
    variants: tuple[str, ...]
    compute: Callable[[Rows], float]
    what: str


STATISTICS: dict[str, Statistic] = {
    "consensus_gap_q4": Statistic(
        "p02_p32", ("base",),
        lambda r: _v(r, "base", "consensus_rate_one_dept") - _v(r, "base", "consensus_rate_q4"),
        "share of ripe rounds ending in consensus, one-department minus q4 items"),
    "strategic_crowd_out": Statistic(
        "p04", ("base",),
        lambda r: _v(r, "base", "strategic_arrival_share")
        - _v(r, "base", "strategic_agenda_share"),
        "strategic share of arrivals minus strategic share of agenda slots"),
    "mean_agenda_appearances": Statistic(
        "p09", ("base",), lambda r: _v(r, "base", "mean_agenda_appearances"),
        "mean CIO-beraad agenda appearances per decided item"),
    "backlog_reduction_doorzetting": Statistic(
        "p03", ("base", "doorzetting"),
        lambda r: (_v(r, "base", "backlog_end") - _v(r, "doorzetting", "backlog_end"))
        / _v(r, "base", "backlog_end") if _v(r, "base", "backlog_end") > 0 else math.nan,
        "relative backlog reduction when CIO Rijk may decide over an objection"),
    "jaaragenda_gap": Statistic(
        "p28", ("high_turnover",),
        lambda r: _v(r, "high_turnover", "strategic_share_with_jaaragenda")
        - _v(r, "high_turnover", "strategic_share_without_jaaragenda"),
        "strategic share of slots with minus without a jaaragenda (turnover 2 a year)"),
    "prescriptive_gap": Statistic(
        "p18", ("base",),
        lambda r: _v(r, "base", "compliance_low_prescriptive")
        - _v(r, "base", "compliance_high_prescriptive"),
        "actual compliance of low minus high prescriptiveness kaders"),
    "bypass_share": Statistic(
        "p24", ("base",), lambda r: _v(r, "base", "bypass_share_of_icbr_decisions"),
        "share of ICBR-decided F/O items that never passed the CIO-beraad"),
    "compliance_gap": Statistic(
        "p13", ("base",), lambda r: _v(r, "base", "compliance_gap_mean"),
        "weekly reported minus actual compliance, years 2 to the end"),
    "rediscussion_share": Statistic(
        "p07", ("base",), lambda r: _v(r, "base", "rediscussion_share"),
        "share of agenda slots spent on papers below the required maturity"),
}

#: The fact audit's verdict on each checked fact (docs/validation.md, "Fact audit"):
#: ``emergent`` facts may be calibrated on; the reason names the input otherwise.
AUDIT: dict[str, tuple[str, str]] = {
    "p02_p32": ("emergent", "from objections of affected departments; no input sets the gap"),
    "p03": ("emergent", "backlog difference from stalls and withdrawals under consensus"),
    "p04": ("emergent", "crowd-out of strategic items by urgent ones in the queue"),
    "p06": ("input", "the exogenous agenda share tracks the exogenous arrival shares"),
    "p06b": ("emergent", "queue jumping; not reproduced at the defaults"),
    "p07": ("emergent", "level from the routing of domains without a specialist voorportaal; "
                        "the contrast (a good vooroverleg) is near a tautology"),
    "p09": ("emergent", "repeated appearances from unripe papers and deferrals"),
    "p13": ("input", "the gap's level is set by compliance.jaargesprek_detection; binding "
                     "kaders are checked by definition"),
    "p15_p16": ("input", "time-share arithmetic of the attention budget"),
    "p18": ("emergent", "fit cost in the willingness, diluted by compromises"),
    "p24": ("input", "the bypass share is icbr.bypass_prob"),
    "p27": ("emergent", "backlog growth; not reproduced at the defaults"),
    "p28": ("emergent", "a missing reserved slot matters only as the queue allows"),
    "p29": ("tautology", "one CISO-raad treatment lifts maturity above the pass line: rework "
                         "is 0 in every run"),
}

TARGET_KEYS = {"name": str, "statistic": str, "low": float, "high": float, "tolerance": float,
               "discrepancy": float, "target_reason": str, "tolerance_reason": str,
               "discrepancy_reason": str}
REQUIRED = ("statistic", "tolerance", "discrepancy", "target_reason", "tolerance_reason",
            "discrepancy_reason")


@dataclass(frozen=True)
class FactTarget:
    """A target as stated in the experiment file, with its reasons."""

    name: str
    statistic: str
    low: float
    high: float
    tolerance: float
    discrepancy: float
    target_reason: str
    tolerance_reason: str
    discrepancy_reason: str

    @property
    def fact(self) -> str:
        return STATISTICS[self.statistic].fact

    def target(self) -> Target:
        return Target(self.name, self.low, self.high, self.tolerance, self.discrepancy)

    def interval(self) -> str:
        if self.low == self.high:
            return f"= {self.low:g}"
        if math.isinf(self.high):
            return f">= {self.low:g}"
        if math.isinf(self.low):
            return f"<= {self.high:g}"
        return f"in [{self.low:g}, {self.high:g}]"


class TargetError(ValueError):
    """A target table the loader refuses (message names the key and what is allowed)."""


def parse_targets(data: Any, where: str) -> tuple[FactTarget, ...]:
    """Validate a list of target tables (``where`` names it in messages)."""
    if not isinstance(data, list) or not data:
        raise TargetError(f"{where}: expected a non-empty array of tables ([[{where}]])")
    out = []
    for i, table in enumerate(data):
        at = f"{where}[{i}]"
        if not isinstance(table, Mapping):
            raise TargetError(f"{at}: expected a table")
        for key in table:
            if key not in TARGET_KEYS:
                raise TargetError(f"{at}.{key}: unknown key; allowed: {', '.join(TARGET_KEYS)}")
        for key in REQUIRED:
            if key not in table:
                raise TargetError(f"{at}.{key}: missing (every target states it)")
        stat = table["statistic"]
        if stat not in STATISTICS:
            raise TargetError(f"{at}.statistic: got {stat!r}; allowed: {', '.join(STATISTICS)}")
        nums = {}
        for key in ("low", "high", "tolerance", "discrepancy"):
            value = table.get(key, -math.inf if key == "low" else math.inf)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TargetError(f"{at}.{key}: got {value!r}; allowed: a number")
            nums[key] = float(value)
        if math.isinf(nums["low"]) and math.isinf(nums["high"]):
            raise TargetError(f"{at}: states neither low nor high; a target needs a direction")
        if nums["low"] > nums["high"]:
            raise TargetError(f"{at}.low: above high")
        for key in ("tolerance", "discrepancy"):
            if not 0 <= nums[key] < math.inf:
                raise TargetError(f"{at}.{key}: got {nums[key]!r}; allowed: a number >= 0")
        if nums["tolerance"] == 0 and nums["discrepancy"] == 0:
            raise TargetError(f"{at}: tolerance and discrepancy are both 0; state at least one")
        for key in ("target_reason", "tolerance_reason", "discrepancy_reason"):
            if not isinstance(table[key], str) or not table[key].strip():
                raise TargetError(f"{at}.{key}: expected a non-empty reason")
        name = table.get("name", stat)
        if not isinstance(name, str) or not name:
            raise TargetError(f"{at}.name: expected a plain name")
        out.append(FactTarget(name, stat, nums["low"], nums["high"], nums["tolerance"],
                              nums["discrepancy"], table["target_reason"],
                              table["tolerance_reason"], table["discrepancy_reason"]))
    names = [t.name for t in out]
    if len(set(names)) != len(names):
        raise TargetError(f"{where}: two targets share a name")
    return tuple(out)


def check_calibration(targets: Sequence[FactTarget], held_out: Sequence[FactTarget],
                      min_held_out: int = 3) -> None:
    """Calibrate only on emergent facts; keep at least ``min_held_out`` emergent facts out."""
    for t in targets:
        verdict, reason = AUDIT[t.fact]
        if verdict != "emergent":
            raise TargetError(f"calibration.targets: {t.name}: fact {t.fact} is '{verdict}' "
                              f"in the fact audit ({reason}); calibrate on emergent facts only")
    used = {t.fact for t in targets}
    out = {t.fact for t in held_out}
    if used & out:
        raise TargetError(f"calibration.held_out: fact {sorted(used & out)[0]} is also a "
                          "calibration target; a held-out fact must be left out of it")
    emergent_out = {f for f in out if AUDIT[f][0] == "emergent"}
    if len(emergent_out) < min_held_out:
        raise TargetError(f"calibration.held_out: {len(emergent_out)} emergent facts; at "
                          f"least {min_held_out} are kept out of the calibration")


def variants_for(targets: Sequence[FactTarget]) -> tuple[str, ...]:
    """The pattern variants the targets read, in a fixed order."""
    from ..patterns import VARIANTS

    need = {v for t in targets for v in STATISTICS[t.statistic].variants}
    return tuple(v for v in VARIANTS if v in need)


def statistic_values(targets: Sequence[FactTarget], rows: Rows) -> dict[str, float]:
    """Each target's statistic for one replication (NaN where it cannot be measured)."""
    out = {}
    for t in targets:
        try:
            value = float(STATISTICS[t.statistic].compute(rows))
        except (ZeroDivisionError, TypeError):
            value = math.nan
        out[t.name] = value if math.isfinite(value) else math.nan
    return out
