"""One block of claim rows (the index's main or recent matrix) scored against a batch of posts: one entry per
(post, claim row) that share a term, grouped by post, with the similarity and ranking score of ``index.py``'s
module docstring."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from streams.models.codes import run_starts


@dataclass(frozen=True)
class BlockScores:
    """Entries grouped by post, in the order the matrix product emits them."""

    offset: int  # the block's first claim row
    indices: np.ndarray  # per entry: claim row within the block
    coverage: np.ndarray  # per entry, clipped to [0, 1]
    cosine: np.ndarray
    sim: np.ndarray  # similarity; 0 for a deleted row
    score: np.ndarray  # ranking score
    shared: np.ndarray  # distinct terms the post and the claim row share
    posts: np.ndarray  # the posts with at least one entry
    starts: np.ndarray  # per such post: its first entry
    lengths: np.ndarray  # per such post: its number of entries
    owner: np.ndarray  # per entry: its post's position in ``posts``
    best_score: np.ndarray  # per such post: its best ranking score

    def candidate_parts(self, ratio: float) -> tuple[np.ndarray, ...]:
        """(post, claim row, score, similarity, coverage, cosine, shared) of the entries scoring at least ``ratio``
        x their post's best (and above 0): the re-ranker's candidates from this block."""
        kp = np.flatnonzero((self.score >= self.best_score[self.owner] * ratio) & (self.score > 0))
        return (self.posts[self.owner[kp]], self.offset + self.indices[kp].astype(np.int64), self.score[kp],
                self.sim[kp], self.coverage[kp], self.cosine[kp], self.shared[kp].astype(np.float64))


def score_block(p: sp.csr_matrix, pw: sp.csr_matrix, block: tuple[sp.csr_matrix, sp.csr_matrix, sp.csr_matrix],
                offset: int, alpha: float, rank_power: float, alive: np.ndarray) -> BlockScores | None:
    """Score posts ``p`` (coverage weights) and ``pw`` (cosine weights) against one block's coverage, cosine and
    binary term matrices; None when no post shares a term with any of its rows. ``alive``: per claim row of the
    whole index, False once deleted (empty: all alive)."""
    cov_t, cos_t, bin_t = block
    v = cov_t.shape[0]
    if v < p.shape[1]:
        p, pw = p[:, :v], pw[:, :v]
    cov = (p @ cov_t).tocsr()
    cos = (pw @ cos_t).tocsr()
    shared = (p @ bin_t).tocsr()
    if cov.nnz == 0:
        return None
    # The three products have the same structure on both sides and only positive values, so scipy's matmat emits
    # identical patterns in identical order; sort (costly) only if that ever fails to hold.
    if not (
        np.array_equal(cov.indptr, cos.indptr) and np.array_equal(cov.indices, cos.indices)
        and np.array_equal(cov.indptr, shared.indptr) and np.array_equal(cov.indices, shared.indices)
    ):
        for m in (cov, cos, shared):
            m.sort_indices()
        cos = (cov.multiply(0) + cos).tocsr()
        shared = (cov.multiply(0) + shared).tocsr()
        for m in (cos, shared):
            m.sort_indices()
    cov_d = np.clip(cov.data, 0, 1)
    cos_d = np.clip(cos.data, 0, 1)
    sim = np.power(cov_d, alpha) * np.power(cos_d, 1 - alpha)
    if alive.size:
        sim = np.where(alive[offset + cov.indices], sim, 0.0)
    row_lengths = np.diff(cov.indptr)
    posts = np.flatnonzero(row_lengths)
    starts = cov.indptr[posts]
    # ranking score: the similarity, times (shared terms)^power: of two claims a post covers about as well, the one
    # it shares more words with is the more specific match
    if not rank_power:
        score = sim
    elif rank_power == 0.5:
        score = sim * np.sqrt(shared.data)
    else:
        score = sim * np.power(shared.data, rank_power)
    lengths = row_lengths[posts]
    return BlockScores(
        offset=offset, indices=cov.indices, coverage=cov_d, cosine=cos_d, sim=sim, score=score, shared=shared.data,
        posts=posts, starts=starts, lengths=lengths, owner=np.repeat(np.arange(posts.size), lengths),
        best_score=np.maximum.reduceat(score, starts),
    )


def top_candidates(parts: list[tuple[np.ndarray, ...]], best_score: np.ndarray, ratio: float,
                   k: int) -> tuple[np.ndarray, ...]:
    """The blocks' :meth:`BlockScores.candidate_parts` merged: each post's candidates scoring at least ``ratio`` x
    ``best_score[post]`` (its best over all blocks), at most ``k`` of them, sorted by post then score (the best
    first, ties to the lowest row); the same fields as the parts."""
    post, row, score, sim, cov, cos, shared = (np.concatenate(a) for a in zip(*parts))
    keep = score >= best_score[post] * ratio
    post, row, score, sim, cov, cos, shared = (a[keep] for a in (post, row, score, sim, cov, cos, shared))
    order = _by_post_best_first(post, row, score)
    post, row, score, sim, cov, cos, shared = (a[order] for a in (post, row, score, sim, cov, cos, shared))
    start = run_starts(post)
    rank = np.arange(post.size) - np.repeat(start, np.diff(np.r_[start, post.size]))
    keep = rank < k
    return tuple(a[keep] for a in (post, row, score, sim, cov, cos, shared))


def _by_post_best_first(post: np.ndarray, row: np.ndarray, score: np.ndarray) -> np.ndarray:
    """``np.lexsort((row, -score, post))``: by post, then score (the highest first), then row. (post, row) pairs are
    unique, so one argsort of a single int64 key (post, score's rank, row) gives the same order, about three times
    faster than the lexsort's three stable passes."""
    distinct, rank = np.unique(score, return_inverse=True)
    n_rows = int(row.max(initial=0)) + 1
    n_scores = distinct.size
    if int(post.max(initial=0) + 1) * n_scores * n_rows >= 2**63:
        return np.lexsort((row, -score, post))
    return np.argsort((post * n_scores + (n_scores - 1 - rank)) * n_rows + row)
