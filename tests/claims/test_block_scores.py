"""One claim block scored against a batch: similarity and ranking score per (post, claim row), and the re-ranker's
candidates."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from streams.claims.block_scores import _by_post_best_first, build_block, score_block, top_candidates

# 4 terms, weighted alike in posts and claims
W = np.array([1.0, 1.0, 2.0, 1.0])
# 3 claim rows: terms {0, 1}, {2}, {0, 2}
BLOCK = build_block(np.array([2, 1, 2]), np.array([0, 1, 2, 0, 2]), W[[0, 1, 2, 0, 2]], n_terms=4,
                    alpha=0.6)
# 3 posts (binary over the claim terms): {0, 1}; {2} and a word of weight 2 in no claim; nothing any claim has
P = sp.csr_matrix(np.array([[1.0, 1.0, 0, 0], [0, 0, 1.0, 0], [0, 0, 0, 0]]))
POST_NORM = np.array([np.sqrt(2), np.sqrt(8), 1.0])
NONE_DELETED = np.zeros(0, bool)


def _entries(block) -> dict[tuple[int, int], tuple[float, ...]]:
    posts = block.posts[block.owner]
    every = np.arange(posts.size)
    values = zip(posts, block.indices, block.coverage, block.cosine(every), block.shared, block.sim, block.score)
    return {(int(p), block.offset + int(r)): (float(cv), float(cs), float(k), float(s), float(sc))
            for p, r, cv, cs, k, s, sc in values}


def test_coverage_cosine_shared_terms_similarity_and_ranking_score_per_post_and_claim_row() -> None:
    block = score_block(P, POST_NORM, BLOCK, offset=10, rank_power=0.5, alive=NONE_DELETED)
    assert block is not None
    entries = _entries(block)
    assert set(entries) == {(0, 10), (0, 12), (1, 11), (1, 12)}  # post 2 has no entry
    # coverage: shared squared weight / the row's; cosine: shared squared weight / (post norm x row norm)
    expected = {(0, 10): (1.0, 2 / (np.sqrt(2) * np.sqrt(2)), 2), (0, 12): (1 / 5, 1 / (np.sqrt(2) * np.sqrt(5)), 1),
                (1, 11): (1.0, 4 / (np.sqrt(8) * 2), 1), (1, 12): (4 / 5, 4 / (np.sqrt(8) * np.sqrt(5)), 1)}
    for pair, (coverage, cosine, shared) in expected.items():
        got_cov, got_cos, got_shared, sim, score = entries[pair]
        assert np.isclose(got_cov, coverage) and np.isclose(got_cos, cosine) and got_shared == shared
        assert np.isclose(sim, coverage ** 0.6 * cosine ** 0.4) and np.isclose(score, sim * np.sqrt(shared))
    assert list(block.posts) == [0, 1]
    assert np.allclose(block.best_score, [np.sqrt(2), (np.sqrt(0.5)) ** 0.4])


def test_one_product_gives_what_separate_sums_over_the_shared_terms_give() -> None:
    """Random posts and claim rows with up to 60 shared terms (sums far above SHARED_UNIT) and coverages from tiny
    to 1: every decoded value against sums over the pair's shared terms."""
    rng = np.random.default_rng(3)
    n_terms = 200
    w = rng.uniform(0.5, 12.0, n_terms)
    rows = [rng.choice(n_terms, size=rng.integers(1, 61), replace=False) for _ in range(40)]
    block = build_block(np.array([r.size for r in rows]), np.concatenate(rows), w[np.concatenate(rows)], n_terms, 0.6)
    posts = [rng.choice(n_terms, size=rng.integers(0, 120), replace=False) for _ in range(30)]
    posts.append(rows[0].copy())  # a post covering a row exactly
    extra = rng.uniform(0, 20, len(posts))  # squared weight of words in no claim
    dense = np.zeros((len(posts), n_terms))
    for i, terms in enumerate(posts):
        dense[i, terms] = 1.0
    norm = np.sqrt(dense @ w**2 + extra)
    norm[norm == 0] = 1.0
    got = score_block(sp.csr_matrix(dense), norm, block, 0, 0.0, NONE_DELETED)
    entries = _entries(got)
    assert len(entries) == sum(1 for p in posts for r in rows if np.intersect1d(p, r).size)
    for i, terms in enumerate(posts):
        for j, row in enumerate(rows):
            both = np.intersect1d(terms, row)
            if not both.size:
                continue
            coverage, cosine, shared, sim, _ = entries[(i, j)]
            assert shared == both.size
            assert np.isclose(sim, coverage ** 0.6 * cosine ** 0.4, rtol=1e-12, atol=1e-12)
            assert np.isclose(coverage, (w[both] ** 2).sum() / (w[row] ** 2).sum(), rtol=1e-12, atol=1e-12)
            assert np.isclose(cosine, (w[both] ** 2).sum() / (norm[i] * np.sqrt((w[row] ** 2).sum())),
                              rtol=1e-12, atol=1e-12)
    assert entries[(len(posts) - 1, 0)][2] == rows[0].size and np.isclose(entries[(len(posts) - 1, 0)][0], 1.0)


def test_a_deleted_row_scores_zero_and_is_no_candidate() -> None:
    alive = np.ones(13, bool)
    alive[10] = False
    block = score_block(P, POST_NORM, BLOCK, offset=10, rank_power=0.5, alive=alive)
    assert _entries(block)[(0, 10)][3:] == (0.0, 0.0)
    post, row, *_ = block.candidate_parts(0.0)
    assert (0, 10) not in set(zip(post.tolist(), row.tolist()))
    # a ratio of 1 keeps each post's best only
    post, row, *_ = block.candidate_parts(1.0)
    assert sorted(zip(post.tolist(), row.tolist())) == [(0, 12), (1, 11)]


def test_a_batch_sharing_no_term_with_the_block_gives_nothing() -> None:
    only_last_term = sp.csr_matrix(np.array([[0, 0, 0, 1.0]]))
    assert score_block(only_last_term, np.ones(1), BLOCK, 0, 0.5, NONE_DELETED) is None


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
