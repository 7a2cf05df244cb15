"""Bounded integers in Python: the same numbers and the same stream as numpy's."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cio_sim.draws import BoundedIntegers

# One operation on the stream: a bounded integer, a sample without replacement, or a double
# (which takes a whole 64-bit output and so must leave a held 32-bit half alone).
ops = st.lists(st.one_of(
    st.tuples(st.just("below"), st.integers(1, 40)),
    st.tuples(st.just("below"), st.integers(2**31, 2**32 - 1)),   # rejections are common
    st.integers(1, 25).flatmap(lambda n: st.tuples(st.just("sample"), st.just(n),
                                                   st.integers(1, n))),
    st.tuples(st.just("random")),
), max_size=40)


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), script=ops)
def test_draws_match_numpy_in_any_order(seed: int, script: list[tuple]) -> None:
    ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    ints = BoundedIntegers(ours)
    for op in script:
        if op[0] == "below":
            assert ints.below(op[1]) == int(theirs.integers(op[1]))
        elif op[0] == "sample":
            assert ints.sample(op[1], op[2]) == theirs.choice(op[1], size=op[2],
                                                              replace=False).tolist()
        else:
            assert ours.random() == theirs.random()
    assert ours.random() == theirs.random()


def test_a_half_held_by_numpy_is_taken_over() -> None:
    ours, theirs = np.random.default_rng(3), np.random.default_rng(3)
    ours.integers(10)
    theirs.integers(10)
    ints = BoundedIntegers(ours)
    assert [ints.below(7) for _ in range(5)] == theirs.integers(7, size=5).tolist()
    assert ours.random() == theirs.random()


def test_other_bit_generators_fall_back_to_numpy() -> None:
    ours = np.random.Generator(np.random.MT19937(5))
    theirs = np.random.Generator(np.random.MT19937(5))
    ints = BoundedIntegers(ours)
    assert ints.below(9) == int(theirs.integers(9))
    assert ints.sample(12, 4) == theirs.choice(12, size=4, replace=False).tolist()
