"""Experimental designs: full-factorial grids, Latin hypercube and Sobol samples.

Sampled designs draw points in the unit cube (``scipy.stats.qmc``) and map
them to parameter values with one rule for every design: a float parameter gets
``low + u * (high - low)``; an integer parameter gets :func:`integer_value`, which splits the
unit interval into ``high - low + 1`` equal parts, so both bounds are reached and every whole
number in between is equally likely.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np

Bounds = Mapping[str, tuple[float, float]]
Point = dict[str, Any]


class DesignError(ValueError):
    """A design cannot be drawn as asked (one-line message)."""


def integer_value(u: float, low: int, high: int) -> int:
    """The whole number for unit value ``u`` in [0, 1]: ``low + floor(u * (high - low + 1))``,
    capped at ``high`` (so ``u = 1`` gives ``high``)."""
    return min(int(high), int(low) + math.floor(float(u) * (int(high) - int(low) + 1)))


def number_value(u: float, low: float, high: float) -> float:
    """The number for unit value ``u`` in [0, 1]: ``low + u * (high - low)``, kept inside
    [low, high] (at ``u = 1`` the sum can land one ulp above ``high``, which would let two
    ends of one range that meet at a point cross there)."""
    return min(max(float(low + float(u) * (high - low)), low), high)


def scale(unit: np.ndarray, bounds: Bounds, integer_keys: Collection[str] = ()) -> list[Point]:
    """Map rows of unit-cube values to parameter points with the design-wide rule."""
    keys = list(bounds)
    points = []
    for row in np.atleast_2d(unit):
        point: Point = {}
        for key, u in zip(keys, row, strict=True):
            low, high = bounds[key]
            if key in integer_keys:
                point[key] = integer_value(u, int(low), int(high))
            else:
                point[key] = number_value(u, low, high)
        points.append(point)
    return points


def grid(values: Mapping[str, Sequence[Any]]) -> list[Point]:
    """Every combination of the listed values (full factorial), last key varying fastest."""
    keys = list(values)
    return [dict(zip(keys, combo, strict=True))
            for combo in itertools.product(*(values[k] for k in keys))]


def _rng_kw(seed: int) -> dict[str, Any]:
    return {"rng": np.random.default_rng(seed)}


def _sampler(cls: Any, d: int, seed: int, **kw: Any) -> Any:
    try:
        return cls(d=d, **_rng_kw(seed), **kw)
    except TypeError:  # scipy < 1.15 names it seed
        return cls(d=d, seed=np.random.default_rng(seed), **kw)


def _distinct(bounds: Bounds, integer_keys: Collection[str]) -> float:
    """How many distinct points the design space holds (inf with a float parameter)."""
    total = 1.0
    for key, (low, high) in bounds.items():
        if key not in integer_keys:
            return math.inf
        total *= int(high) - int(low) + 1
    return total


def latin_hypercube(bounds: Bounds, n: int, seed: int,
                    integer_keys: Collection[str] = ()) -> list[Point]:
    """``n`` distinct points of a Latin hypercube (``scipy.stats.qmc.LatinHypercube``).

    When integer parameters make two points equal, the repeat is replaced by a point from a
    further hypercube drawn with the same generator, so the design stays deterministic.
    """
    from scipy.stats import qmc

    if n > _distinct(bounds, integer_keys):
        raise DesignError(f"{n} points asked, but the integer ranges hold only "
                          f"{int(_distinct(bounds, integer_keys))} distinct points")
    sampler = _sampler(qmc.LatinHypercube, len(bounds), seed)
    points: list[Point] = []
    seen: set[tuple] = set()
    batch = sampler.random(n)
    while True:
        for point in scale(batch, bounds, integer_keys):
            key = tuple(point.values())
            if key not in seen:
                seen.add(key)
                points.append(point)
            if len(points) == n:
                return points
        batch = sampler.random(n)


def sobol_points(d: int, n: int, seed: int) -> np.ndarray:
    """The first ``n`` points of a scrambled Sobol sequence in the unit cube: any ``n`` (a
    larger sample extends a smaller one), though only a power of two keeps its balance."""
    from scipy.stats import qmc

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # scipy's warning for other n
        return _sampler(qmc.Sobol, d, seed, scramble=True).random(n)


def sobol(bounds: Bounds, n: int, seed: int, integer_keys: Collection[str] = ()) -> list[Point]:
    """The first ``n`` points (a power of two) of a scrambled Sobol sequence."""
    if n < 1 or n & (n - 1):
        raise DesignError(f"a Sobol sample needs a power of two points, got {n}")
    return scale(sobol_points(len(bounds), n, seed), bounds, integer_keys)


__all__ = ["DesignError", "grid", "integer_value", "latin_hypercube", "scale",
           "sobol", "sobol_points"]
