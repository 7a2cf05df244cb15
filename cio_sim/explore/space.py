"""The assumption space: which parameters are explored, over which ranges, and how a point of
the unit cube becomes parameter values (the one place the integer rule lives).

A parameter is explored when its provenance is an assumption (it starts with ``assumption``;
see :func:`cio_sim.paramdoc.kind_of`) and it is a number. Run controls (horizon, synthetic
departments, start year) are not assumptions about the stelsel and are left out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..batch.designs import scale
from ..paramdoc import kind_of
from ..params import RULES, Param, iter_params, lookup

#: Keys that control a run rather than describe the stelsel.
RUN_CONTROLS = frozenset({"horizon_weeks", "extra_departments", "start_year"})
#: Default range: the default times [1 - REL, 1 + REL], inside the allowed range.
#: An assumption itself: the sources give no spread, so every assumption gets the same
#: relative uncertainty unless an experiment states a range.
REL = 0.5
#: A default of zero gets +- this share of its allowed span.
ZERO_SPAN = 0.1


def is_numeric(spec: Param) -> bool:
    return (not isinstance(spec.default, bool) and isinstance(spec.default, int | float)
            and spec.choices is None)


def is_assumption(spec: Param) -> bool:
    """Provenance ``assumption: …`` (a source line may follow it as the mechanism)."""
    return kind_of(spec) == "assumption"


def assumption_keys() -> list[str]:
    """Every numeric assumption parameter, in schema order."""
    return [k for k, p in iter_params()
            if k not in RUN_CONTROLS and is_numeric(p) and is_assumption(p)]


def default_range(spec: Param) -> tuple[float, float]:
    """[low, high] by the rule above; integers widen to whole numbers, at least +- 1."""
    d = float(spec.default)
    lo_ok = -math.inf if spec.low is None else float(spec.low)
    hi_ok = math.inf if spec.high is None else float(spec.high)
    if d == 0.0:
        span = (hi_ok - lo_ok) if math.isfinite(hi_ok - lo_ok) else 1.0
        low, high = -ZERO_SPAN * span, ZERO_SPAN * span
    else:
        low, high = sorted((d * (1 - REL), d * (1 + REL)))
    if isinstance(spec.default, int):
        low, high = min(math.floor(low), d - 1), max(math.ceil(high), d + 1)
    low, high = max(low, lo_ok), min(high, hi_ok)
    if isinstance(spec.default, int):
        return int(low), int(high)
    return round(float(low), 10), round(float(high), 10)


@dataclass(frozen=True)
class Space:
    """The explored parameters with their ranges; maps the unit cube to parameter values."""

    keys: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    integer: tuple[bool, ...]
    #: The parameters' default values (the centre that :meth:`shrunk` shrinks toward).
    defaults: tuple[float, ...] = ()

    @property
    def dim(self) -> int:
        return len(self.keys)

    def problem(self) -> dict[str, Any]:
        """The SALib problem on the unit cube (indices are per unit of a parameter's range)."""
        return {"num_vars": self.dim, "names": list(self.keys), "bounds": [[0.0, 1.0]] * self.dim}

    def values(self, u: Sequence[float]) -> dict[str, float | int]:
        """Parameter values of one point of the unit cube (clipped to it), by the batch
        designs' rule (:func:`cio_sim.batch.designs.scale`): numbers ``low + u * (high -
        low)``; integers take every whole number of the range with equal probability."""
        return scale(np.clip(np.asarray(u, dtype=float), 0.0, 1.0),
                     dict(zip(self.keys, self.bounds, strict=True)),
                     [k for k, is_int in zip(self.keys, self.integer, strict=True) if is_int])[0]

    def subspace(self, keys: Sequence[str]) -> Space:
        idx = [self.keys.index(k) for k in keys]
        return Space(tuple(self.keys[i] for i in idx), tuple(self.bounds[i] for i in idx),
                     tuple(self.integer[i] for i in idx),
                     tuple(self.defaults[i] for i in idx) if self.defaults else ())

    def snap(self, u: np.ndarray) -> np.ndarray:
        """Unit points with every integer coordinate moved to the centre of its whole
        number's cell (the same parameter values; one input per whole number for an
        emulator)."""
        u = np.array(u, dtype=float, copy=True)
        for j, ((low, high), is_int) in enumerate(zip(self.bounds, self.integer, strict=True)):
            if is_int:
                cells = int(high) - int(low) + 1
                u[..., j] = (np.minimum(np.floor(np.clip(u[..., j], 0, 1) * cells),
                                        cells - 1) + 0.5) / cells
        return u

    def shrunk(self, scale: float) -> Space:
        """The box shrunk toward the defaults: ``default + scale * (end - default)`` for both
        ends (scale 1 = this box). Integer ends widen to whole numbers (floor, ceiling) and
        keep at least the default's neighbours inside this box, so no scale fixes an integer:
        every whole number of the shrunk range is drawn. Inside this box, so the schema's
        rules still hold."""
        if scale == 1.0:
            return self
        if not self.defaults:
            raise ValueError("a space without defaults cannot be shrunk")
        bounds = []
        for (low, high), is_int, d in zip(self.bounds, self.integer, self.defaults,
                                          strict=True):
            d = min(max(d, low), high)
            lo, hi = d + scale * (low - d), d + scale * (high - d)
            if is_int:
                lo_i = max(min(math.floor(lo + 1e-9), round(d) - 1), int(low))
                hi_i = min(max(math.ceil(hi - 1e-9), round(d) + 1), int(high))
                bounds.append((lo_i, hi_i))
            else:
                bounds.append((round(lo, 10), round(hi, 10)))
        return Space(self.keys, tuple(bounds), self.integer, self.defaults)


def build_space(ranges: Mapping[str, tuple[float, float]] | None = None,
                include: Sequence[str] | None = None, exclude: Sequence[str] = ()) -> Space:
    """The space of ``include`` (every assumption by default) minus ``exclude``, with the
    default range rule unless ``ranges`` states one. Keys must be valid (see experiment.py)."""
    ranges = dict(ranges or {})
    keys = list(include) if include is not None else assumption_keys()
    keys = [k for k in keys if k not in set(exclude)]
    bounds: dict[str, tuple[float, float]] = {}
    integer = []
    for key in keys:
        spec = lookup(key)
        assert spec is not None, key
        bounds[key] = tuple(ranges.get(key, default_range(spec)))  # type: ignore[assignment]
        integer.append(isinstance(spec.default, int))
    _respect_rules(bounds, set(ranges))
    defaults = tuple(lookup(k).default for k in keys)  # type: ignore[union-attr]
    return Space(tuple(keys), tuple(bounds[k] for k in keys), tuple(integer), defaults)


class RangeError(ValueError):
    """Stated ranges that would let a sampled point break a cross-field rule."""


def _respect_rules(bounds: dict[str, tuple[float, float]], stated: set[str]) -> None:
    """Keep every sampled point valid under the schema's cross-field rules (params.RULES):
    two ends of one range (``ordered``) whose default ranges overlap are split at the middle
    of the overlap; shares of one whole (``share_sum``) must not be able to exceed 1."""
    for rule in RULES:
        if rule.kind == "ordered" and all(k in bounds for k in rule.keys):
            lo_key, hi_key = rule.keys
            (a, b), (c, d) = bounds[lo_key], bounds[hi_key]
            if b > c:
                if lo_key in stated or hi_key in stated:
                    raise RangeError(f"space.ranges.{lo_key}: its range [{a:g}, {b:g}] "
                                     f"overlaps {hi_key} [{c:g}, {d:g}]; {rule.requirement}")
                mid = round((b + c) / 2, 10)
                bounds[lo_key], bounds[hi_key] = (a, mid), (mid, d)
        elif rule.kind == "share_sum" and all(k in bounds for k in rule.keys) \
                and sum(bounds[k][1] for k in rule.keys) > 1.0 + 1e-12:
            raise RangeError(f"space.ranges.{rule.keys[0]}: the upper ends of "
                             f"{', '.join(rule.keys)} add up to more than 1; "
                             f"{rule.requirement}")
