"""One claim block scored against a batch: similarity and ranking score per (post, claim row), and the re-ranker's
candidates."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from streams.claims.block_scores import _by_post_best_first, score_block, top_candidates

# 3 posts x 4 terms; post 2 shares no term with any claim row
P = sp.csr_matrix(np.array([[1.0, 1.0, 0, 0], [0, 0, 1.0, 0], [0, 0, 0, 0]]))
# 4 terms x 3 claim rows: coverage weights, cosine weights, binary "has the term"
COV = sp.csr_matrix(np.array([[0.5, 0, 0.2], [0.5, 0, 0], [0, 1.0, 0.8], [0, 0, 0]]))
COS = sp.csr_matrix(np.array([[0.6, 0, 0.3], [0.6, 0, 0], [0, 0.9, 0.6], [0, 0, 0]]))
BIN = (COV > 0).astype(np.float64).tocsr()


def _entries(block) -> dict[tuple[int, int], tuple[float, float]]:
    posts = block.posts[block.owner]
    return {(int(p), block.offset + int(r)): (float(s), float(k))
            for p, r, s, k in zip(posts, block.indices, block.sim, block.score)}


def test_similarity_and_ranking_score_per_post_and_claim_row() -> None:
    block = score_block(P, P, (COV, COS, BIN), offset=10, alpha=0.6, rank_power=0.5, alive=np.zeros(0, bool))
    assert block is not None
    entries = _entries(block)
    assert set(entries) == {(0, 10), (0, 12), (1, 11), (1, 12)}  # post 2 has no entry
    sim, score = entries[(0, 10)]  # covers the whole claim row: coverage 1, cosine 1.2 clipped to 1
    assert np.isclose(sim, 1.0) and np.isclose(score, np.sqrt(2))  # two shared terms
    sim, score = entries[(1, 12)]
    assert np.isclose(sim, 0.8 ** 0.6 * 0.6 ** 0.4) and np.isclose(score, sim)
    assert list(block.posts) == [0, 1]
    assert np.allclose(block.best_score, [np.sqrt(2), 0.9 ** 0.4])  # row 11: coverage 1, cosine 0.9


def test_a_deleted_row_scores_zero_and_is_no_candidate() -> None:
    alive = np.ones(13, bool)
    alive[10] = False
    block = score_block(P, P, (COV, COS, BIN), offset=10, alpha=0.6, rank_power=0.5, alive=alive)
    assert _entries(block)[(0, 10)] == (0.0, 0.0)
    post, row, *_ = block.candidate_parts(0.0)
    assert (0, 10) not in set(zip(post.tolist(), row.tolist()))
    # a ratio of 1 keeps each post's best only
    post, row, *_ = block.candidate_parts(1.0)
    assert sorted(zip(post.tolist(), row.tolist())) == [(0, 12), (1, 11)]


def test_a_batch_sharing_no_term_with_the_block_gives_nothing() -> None:
    only_last_term = sp.csr_matrix(np.array([[0, 0, 0, 1.0]]))
    assert score_block(only_last_term, only_last_term, (COV, COS, BIN), 0, 0.6, 0.5, np.zeros(0, bool)) is None


def test_top_candidates_keep_each_post_s_best_k_above_the_ratio_across_blocks() -> None:
    def part(post, row, score):
        n = len(post)
        return (np.array(post), np.array(row), np.array(score, float), np.array(score, float), np.ones(n),
                np.ones(n), np.ones(n))

    main = part([0, 0, 0, 0, 1], [0, 4, 1, 2, 1], [0.9, 0.5, 0.2, 0.5, 0.4])  # in the product's order
    recent = part([0, 1, 1], [5, 6, 7], [0.5, 0.8, 0.3])
    best = np.array([0.9, 0.8])
    post, row, score, *_ = top_candidates([main, recent], best, ratio=0.4, k=3)
    # post 0: 0.9 (row 0), then rows 4, 2 and 5 tie at 0.5 (the lowest rows take the two places left), 0.2 < 0.36;
    # post 1: 0.8 (row 6), 0.4 (row 1), and 0.3 < 0.32 is dropped although a place is left
    assert post.tolist() == [0, 0, 0, 1, 1]
    assert row.tolist() == [0, 2, 4, 6, 1]
    assert score.tolist() == [0.9, 0.5, 0.5, 0.8, 0.4]


def test_candidates_are_ordered_as_the_three_key_lexsort_orders_them() -> None:
    """By post, then score (highest first, many ties), then row; also with rows so far apart that the single
    sort key would not fit 64 bits (the lexsort is then used itself)."""
    rng = np.random.default_rng(5)
    for row_span in (50, 2**62):
        pairs = {(int(p), int(r)) for p, r in zip(rng.integers(0, 40, 3000), rng.integers(0, row_span, 3000))}
        post, row = (np.array(a, dtype=np.int64) for a in zip(*sorted(pairs, key=lambda pr: rng.random())))
        score = rng.choice([0.25, 0.5, 0.75, 1.0, 0.3333], post.size) * rng.choice([1.0, 1.0, 0.999], post.size)
        assert np.array_equal(_by_post_best_first(post, row, score), np.lexsort((row, -score, post)))
    empty = np.zeros(0, dtype=np.int64)
    assert _by_post_best_first(empty, empty, np.zeros(0)).size == 0
