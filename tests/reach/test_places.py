"""Step 3's places: cohorts fill in turn, each finding the pools as the cohorts before it left them."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tipframe.reach.columns import Layout
from tipframe.reach.places import fill_in_turn


@st.composite
def _layouts(draw: st.DrawFn) -> tuple[Layout, np.ndarray]:
    count = draw(st.integers(1, 8))
    pairs = draw(st.sets(st.tuples(st.integers(0, count - 1), st.integers(0, count - 1)), max_size=12))
    partners: list[set[int]] = [set() for _ in range(count)]
    for a, b in pairs:
        if a != b:
            partners[a].add(b)
            partners[b].add(a)
    degrees = np.array([len(p) for p in partners], np.int64)
    indices = np.array([o for p in partners for o in sorted(p)], np.int64)
    layout = Layout(
        replicates=1,
        organisations=count,
        indptr=np.concatenate(([0], np.cumsum(degrees))).astype(np.int64),
        indices=indices,
        owners=np.repeat(np.arange(count, dtype=np.int64), degrees),
        component=np.zeros(count, np.int64),
        width=int(degrees.max(initial=0)),
        staff=np.full(count, 10, np.int64),
        id_rank=np.arange(count, dtype=np.int64),
    )
    pool = np.array(draw(st.lists(st.integers(0, 9), min_size=count, max_size=count)), np.int64)
    return layout, pool


@settings(max_examples=200, deadline=None)
@given(_layouts(), st.lists(st.tuples(st.integers(0, 7), st.integers(1, 8)), min_size=1, max_size=12),
       st.integers(1, 5), st.integers(0, 2**32 - 1))  # fmt: skip
def test_each_cohort_finds_the_pools_the_cohorts_before_it_left(
    layout_pool: tuple[Layout, np.ndarray], cohorts: list[tuple[int, int]], min_group: int, seed: int
) -> None:
    layout, pool = layout_pool
    host = np.array([h % layout.organisations for h, _ in cohorts], np.int64)
    size = np.array([max(s, min_group) for _, s in cohorts], np.int64)
    before = pool.copy()
    local, orgs, counts, filled = fill_in_turn(layout, [np.random.default_rng(seed)], pool, host, size, min_group)
    assert (np.diff(local) >= 0).all()  # a cohort's entries together, in cohort order
    replay = before.copy()
    for c in range(host.size):  # in turn, applying each cohort's own entries
        h = host[c]
        partners = layout.indices[layout.indptr[h] : layout.indptr[h + 1]]
        own, total = min(replay[h], size[c]), int(replay[partners].sum())
        mine = local == c
        if own + total < min_group:
            assert not mine.any()
            assert filled[c] == 0
            continue
        assert filled[c] == own + min(size[c] - own, total) == counts[mine].sum()
        taken = dict(zip(orgs[mine].tolist(), counts[mine].tolist(), strict=True))
        assert taken.get(int(h), 0) == own
        assert set(taken) <= {int(h), *partners.tolist()}
        for o, n in taken.items():
            assert n <= replay[o]
            replay[o] -= n
    assert (replay == pool).all()
