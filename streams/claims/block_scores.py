"""One block of claim rows (the index's main or recent matrix) scored against a batch of posts: one entry per
(post, claim row) that share a term, grouped by post, with the similarity and ranking score of ``index.py``'s
module docstring.

One sparse product gives all three quantities a pair needs. A claim row's entry for term t holds
``SHARED_UNIT + w_t² / Σ w²`` (its weights over the row's terms): summed over the terms a post shares with the
row, the whole part over ``SHARED_UNIT`` counts the shared terms and the rest is the coverage (at most 1, less
than ``SHARED_UNIT``). Posts and claims weigh a term alike, so the cosine is the coverage times r, the row's norm
``√Σ w²`` over the post's, and the similarity ``coverage^α · cosine^(1-α)`` is ``coverage · r^(1-α)``: each row's
and each post's power is taken once, none per pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from streams.models.codes import run_starts

SHARED_UNIT = 4.0  # larger than any coverage (1), exact in binary: the shared-term count decodes without error


class ClaimBlock(NamedTuple):
    """A block's claim rows as one vocabulary x rows matrix (the product's right-hand side), each row's norm, and
    that norm to the power the similarity gives the cosine."""

    terms: sp.csr_matrix  # float64, term x row: SHARED_UNIT + the term's share of the row's squared weight
    row_norm: np.ndarray  # per row: √Σ w² over its terms (1 for a row without terms)
    alpha: float  # similarity = coverage^alpha · cosine^(1 - alpha)
    row_norm_power: np.ndarray  # row_norm^(1 - alpha)


def build_block(lengths: np.ndarray, terms: np.ndarray, weights: np.ndarray, n_terms: int,
                alpha: float) -> ClaimBlock:
    """The block of claim rows whose terms are ``terms`` weighted ``weights``, row after row (``lengths[r]``
    distinct terms in row r; ``n_terms`` term columns in all); similarities of exponent ``alpha``."""
    n = lengths.size
    sq = weights**2
    total = np.bincount(np.repeat(np.arange(n), lengths), weights=sq, minlength=n)
    total[total == 0] = 1.0
    indptr = np.concatenate(([0], np.cumsum(lengths)))
    rows = sp.csr_matrix((SHARED_UNIT + sq / np.repeat(total, lengths), terms, indptr), shape=(n, max(n_terms, 1)))
    norm = np.sqrt(total)
    return ClaimBlock(rows.T.tocsr(), norm, alpha, norm ** (1 - alpha))  # transposed (vocab x rows): posts @ block


@dataclass(frozen=True)
class BlockScores:
    """Entries grouped by post, in the order the matrix product emits them."""

    offset: int  # the block's first claim row
    indices: np.ndarray  # per entry: claim row within the block
    coverage: np.ndarray  # per entry, clipped to [0, 1]
    sim: np.ndarray  # similarity; 0 for a deleted row
    score: np.ndarray  # ranking score
    shared: np.ndarray  # distinct terms the post and the claim row share
    posts: np.ndarray  # the posts with at least one entry
    starts: np.ndarray  # per such post: its first entry
    lengths: np.ndarray  # per such post: its number of entries
    owner: np.ndarray  # per entry: its post's position in ``posts``
    best_score: np.ndarray  # per such post: its best ranking score
    row_norm: np.ndarray  # the block's ClaimBlock.row_norm
    post_norm: np.ndarray  # per such post: its norm

    def cosine(self, entries: np.ndarray) -> np.ndarray:
        """The cosine of ``entries`` (positions): computed only for the entries read (candidates, each post's
        best)."""
        cosine = self.coverage[entries] * self.row_norm[self.indices[entries]] / self.post_norm[self.owner[entries]]
        return np.minimum(cosine, 1)

    def candidate_parts(self, ratio: float) -> tuple[np.ndarray, ...]:
        """(post, claim row, score, similarity, coverage, cosine, shared) of the entries scoring at least ``ratio``
        x their post's best (and above 0): the re-ranker's candidates from this block."""
        kp = np.flatnonzero((self.score >= self.best_score[self.owner] * ratio) & (self.score > 0))
        return (self.posts[self.owner[kp]], self.offset + self.indices[kp].astype(np.int64), self.score[kp],
                self.sim[kp], self.coverage[kp], self.cosine(kp), self.shared[kp].astype(np.float64))


def score_block(p: sp.csr_matrix, post_norm: np.ndarray, block: ClaimBlock, offset: int, rank_power: float,
                alive: np.ndarray) -> BlockScores | None:
    """Score posts ``p`` (binary, post x term, float64) with norms ``post_norm`` against one block; None when no
    post shares a term with any of its rows. ``alive``: per claim row of the whole index, False once deleted
    (empty: all alive)."""
    v = block.terms.shape[0]
    if v < p.shape[1]:
        p = p[:, :v]
    product = (p @ block.terms).tocsr()
    if product.nnz == 0:
        return None
    # a coverage (0 to 1, give or take rounding) moves the quotient by less than a quarter: the count is exact
    shared = np.floor((product.data + SHARED_UNIT / 8) / SHARED_UNIT)
    coverage = np.clip(product.data - SHARED_UNIT * shared, 0, 1)
    row_lengths = np.diff(product.indptr)
    posts = np.flatnonzero(row_lengths)
    lengths = row_lengths[posts]
    rows = product.indices
    post_power = np.repeat(post_norm[posts] ** (1 - block.alpha), lengths)
    sim = np.minimum(coverage * block.row_norm_power[rows] / post_power, 1)
    if alive.size and not alive[offset : offset + block.row_norm.size].all():
        sim[~alive[offset + rows]] = 0.0
    starts = product.indptr[posts]
    # ranking score: the similarity, times (shared terms)^power: of two claims a post covers about as well, the one
    # it shares more words with is the more specific match
    if not rank_power:
        score = sim
    elif rank_power == 0.5:
        score = sim * np.sqrt(shared)
    else:
        score = sim * np.power(shared, rank_power)
    return BlockScores(
        offset=offset, indices=rows, coverage=coverage, sim=sim, score=score, shared=shared, posts=posts,
        starts=starts, lengths=lengths, owner=np.repeat(np.arange(posts.size), lengths),
        best_score=np.maximum.reduceat(score, starts), row_norm=block.row_norm, post_norm=post_norm[posts],
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
