"""Bounded random integers in pure Python, bit-identical to numpy's `Generator.integers`.

Model construction draws a few integers per arrival (theme, domain, department) and a sample
without replacement per multi-department item; numpy's per-call wrapper costs 2 us for one
integer and 7-10 us for `choice(..., replace=False)`, far more than the draw. With the PCG64
bit generator (`numpy.random.default_rng`) numpy draws a bounded integer below 2**32 with
Lemire's method on 32-bit halves of the 64-bit outputs, the high half kept for the next such
draw; `BoundedIntegers` does the same from `random_raw`, so the numbers and the state of the
stream are the ones numpy would give."""

from __future__ import annotations

import numpy as np

__all__ = ["BoundedIntegers"]

_M32 = 0xFFFFFFFF
_2_32 = 1 << 32


class BoundedIntegers:
    """Draws `integers(n)` and `choice(n, k, replace=False)` of `rng` without numpy's wrappers.

    Every bounded-integer draw from `rng` must then go through this object (it holds the
    unused 32-bit half that numpy's PCG64 would hold); doubles, betas, normals and the like
    may still be drawn from `rng` directly, they take whole 64-bit outputs. A bit generator
    other than PCG64 falls back to numpy's own calls."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        bitgen = rng.bit_generator
        self._exact = type(bitgen) is np.random.PCG64
        self._raw = bitgen.random_raw
        self.half: int | None = None           # the unused high half of the last output
        if self._exact:
            state = bitgen.state
            if state["has_uint32"]:            # a half numpy held: it is ours to use now
                self.half = int(state["uinteger"])
                state["has_uint32"] = 0
                bitgen.state = state

    def below(self, n: int) -> int:
        """An integer in [0, n) (1 <= n < 2**32): `int(rng.integers(n))`.

        Lemire's method as in numpy's `buffered_bounded_lemire_uint32`: n = 1 draws nothing;
        a product whose low half falls under (2**32 - n) % n is rejected and drawn again."""
        if not self._exact:
            return int(self.rng.integers(n))
        if n == 1:
            return 0
        while True:
            half = self.half
            if half is None:
                out = self._raw()
                self.half = out >> 32
                m = (out & _M32) * n
            else:
                self.half = None
                m = half * n
            if (m & _M32) >= n or (m & _M32) >= (_2_32 - n) % n:
                return m >> 32

    def sample(self, n: int, k: int) -> list[int]:
        """k distinct integers in [0, n), in numpy's order: `rng.choice(n, size=k,
        replace=False).tolist()` (n <= 10,000: Floyd's algorithm, then a shuffle)."""
        if not self._exact or n > 10_000:
            return self.rng.choice(n, size=k, replace=False).tolist()
        below = self.below
        out: list[int] = []
        seen: set[int] = set()
        for j in range(n - k, n):
            v = below(j + 1)
            if v in seen:
                v = j
            seen.add(v)
            out.append(v)
        for i in range(k - 1, 0, -1):
            j = below(i + 1)
            out[i], out[j] = out[j], out[i]
        return out
