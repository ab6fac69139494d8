"""The live index of known claims, matched against whole batches of posts with sparse matrix products.

Each claim is a weighted bag of content words of its normalised text (stop words dropped, negations kept, light
stemming). A word's weight is its IDF in the training corpora (a high default for words never seen there) times
its IDF among the indexed claims (snapshot at each full rebuild): words shared by many claims say little about
which claim a post discusses. A batch of posts is compared with every claim at once:

* ``coverage``  = Σ w² over claim words present in the post / Σ w² over all claim words — how much of the claim the
  post states (posts are longer than claims, so this is the main signal);
* ``cosine``    = cosine of the two weighted vectors — penalises posts that merely mention one claim word;
* ``similarity`` = coverage^α · cosine^(1-α), in [0, 1];
* claims are ranked by similarity × (shared terms)^``rank_shared_power`` (the more specific of two claims a post
  covers about as well wins); a claim with ``aliases`` has one row per distinct spelling and scores by its best
  row, and the runner-up (``second``) is always another claim;
* the best claim is reported when the acceptance model (a logistic regression over ``ACCEPT_FEATURES``, trained
  by ``sigap train``) accepts it, or — without one, or when a threshold is passed explicitly — when its
  similarity reaches the threshold.

Updates are cheap: an upsert goes to a small "recent" matrix that is rebuilt on the next match (amortised), and
the main matrix is rebuilt only when the recent part grows past a fraction of it; a delete just masks a row.
Loading 10,000 claims at start is one bulk build.

The scores of one block of rows (main or recent) and the re-ranker's candidates are
:mod:`streams.claims.block_scores`; the claim rows' rows of the shared FeatureSpace, for the re-ranker and the
acceptance model, :mod:`streams.claims.feature_rows`; their features and choice :mod:`streams.claims.ranking`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from streams.claims.block_scores import BlockScores, ClaimBlock, build_block, score_block, top_candidates
from streams.claims.feature_rows import ClaimFeatureRows
from streams.claims.ranking import (
    ACCEPT_FEATURES,
    ACCEPT_FEATURES_CHAR,
    RERANK_FEATURES,
    RERANK_K,
    RERANK_RATIO,
    accept_features,
    apply_choice,
    empty_pairs,
    rerank_features,
)
from streams.claims.records import ClaimMatch, InvalidClaimError, claim_texts, validate_claim
from streams.claims.term_table import TermTable
from streams.claims.terms import match_term
from streams.models.codes import BatchTokens, run_starts
from streams.text.normalize import SPECIAL_TOKENS, get_normalizer

log = logging.getLogger(__name__)

SHARED_WORDS = 5  # at most this many of a post's words are reported with its match

class ClaimIndex:
    """Known claims keyed by id, with batch matching. Not thread-safe by design: the Faust agent and the claims
    consumer share one asyncio loop."""

    def __init__(
        self,
        idf: dict[str, float] | None = None,
        default_idf: float | None = None,
        stopwords: Iterable[str] = (),
        threshold: float = 0.5,
        alpha: float = 0.6,
        claim_idf: bool = True,
        accept_coef: Sequence[float] | None = None,
        accept_intercept: float = 0.0,
        accept_threshold: float = 0.5,
        rank_shared_power: float = 0.0,
        features: Any = None,
        rerank_coef: Sequence[float] | None = None,
        rerank_intercept: float = 0.0,
        rerank_k: int = RERANK_K,
        rerank_ratio: float = RERANK_RATIO,
    ) -> None:
        self.idf = dict(idf or {})
        self.default_idf = float(default_idf if default_idf is not None else (max(self.idf.values()) if self.idf else 8.0))
        self.stopwords = frozenset(stopwords)
        self.threshold = float(threshold)
        self.alpha = float(alpha)
        self.claim_idf = bool(claim_idf)
        self.rank_shared_power = float(rank_shared_power)
        # optional acceptance model (logistic regression over ACCEPT_FEATURES of the best candidate), trained by
        # `sigap train`; without it a match is accepted when its similarity reaches the threshold
        self.accept_coef = np.asarray(accept_coef, dtype=np.float64) if accept_coef is not None else None
        self.accept_intercept = float(accept_intercept)
        self.accept_threshold = float(accept_threshold)
        # optional re-ranking of each post's top candidates (a linear model over RERANK_FEATURES, trained by
        # `sigap train`), which adds the cosines of the post's and the claim's rows of the shared FeatureSpace
        # (character n-grams inside words: typos, Malay spellings, morphology; word uni/bigrams)
        self.features = features
        self.rerank_coef = np.asarray(rerank_coef, dtype=np.float64) if rerank_coef is not None else None
        self.rerank_intercept = float(rerank_intercept)
        self.rerank_k = int(rerank_k)
        self.rerank_ratio = float(rerank_ratio)
        if self.rerank_coef is not None and self.rerank_coef.shape[0] != len(RERANK_FEATURES):
            raise ValueError("the claim re-ranking model does not match this code's features; re-run `sigap train`")
        if self.accept_coef is not None and self.accept_coef.shape[0] not in (len(ACCEPT_FEATURES), len(ACCEPT_FEATURES_CHAR)):
            raise ValueError("the claim acceptance model does not match this code's features; re-run `sigap train`")
        if self.uses_char_features and features is None:
            raise ValueError("claim re-ranking / character acceptance features need the FeatureSpace")
        # claim-collection IDF factor per claim column, snapshot taken at each full rebuild (words shared by many
        # claims say little about *which* claim a post discusses)
        self._factor = np.zeros(0)
        self._factor_default = 1.0
        self._normalizer = get_normalizer()
        self._vocab: dict[str, int] = {}  # claim term -> column of the claim matrices
        self._vocab_terms: list[str] = []  # column -> claim term
        # the terms met in posts and claims: id -> IDF weight and claim column (bounded; see TermTable)
        self._term_table = TermTable(self._term_of, self._background_weight, lambda t: self._vocab.get(t, -1))
        self._records: dict[str, dict[str, Any]] = {}
        # claim id -> its rows in the combined (main + recent) row space: one per distinct spelling (the claim
        # text, then its aliases); a claim is ranked by its best row
        self._row_of: dict[str, list[int]] = {}
        # row storage (append-only between rebuilds); _row_slot: the first row of the row's claim (groups rows)
        self._row_ids: list[str | None] = []
        self._row_slot: list[int] = []
        self._row_slot_arr = np.zeros(0, dtype=np.int64)
        self._has_aliases = False
        self._row_multi = np.zeros(0, dtype=bool)  # row belongs to a claim with several rows
        self._row_cols: list[np.ndarray] = []
        self._row_w: list[np.ndarray] = []
        self._row_fx = ClaimFeatureRows(features)  # per row: its FeatureSpace row, computed lazily in batches
        self._row_len_cache = np.zeros(0)  # distinct terms per row; rows are append-only between rebuilds
        # the rows as the matrix products read them (block_scores.ClaimBlock): the main block, rebuilt rarely, and
        # the rows added since
        self._main: ClaimBlock | None = None
        self._main_rows = 0
        self._recent: ClaimBlock | None = None
        self._alive = np.zeros(0, dtype=bool)
        self.rebuilds = 0

    # ---------------------------------------------------------------------------------------------------- records
    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, claim_id: object) -> bool:
        return claim_id in self._records

    def get(self, claim_id: str) -> dict[str, Any] | None:
        rec = self._records.get(str(claim_id))
        return dict(rec) if rec is not None else None

    def ids(self) -> list[str]:
        return list(self._records)

    def upsert(self, claim: dict[str, Any]) -> None:
        """Add or replace one claim (contract claim format). Cheap: O(words of the claim)."""
        self._add(claim)

    def upsert_many(self, claims: Iterable[dict[str, Any]], skip_invalid: bool = False) -> int:
        """Add or replace many claims, then rebuild once. Returns how many were added/replaced. With
        ``skip_invalid`` a record lacking a required field is logged and skipped instead of raising."""
        n = 0
        skipped = 0
        try:
            for c in claims:
                try:
                    self._add(c, defer=True)
                except InvalidClaimError as exc:
                    if not skip_invalid:
                        raise
                    skipped += 1
                    if skipped <= 5:
                        log.warning("skipping invalid claim: %s", exc)
                    continue
                n += 1
        finally:
            self._rebuild()
        if skipped:
            log.warning("skipped %d invalid claim record(s)", skipped)
        return n

    def delete(self, claim_id: str) -> bool:
        """Remove a claim; returns whether it was present."""
        claim_id = str(claim_id)
        if claim_id not in self._records:
            return False
        del self._records[claim_id]
        for row in self._row_of.pop(claim_id):
            self._row_ids[row] = None
            if row < self._alive.shape[0]:
                self._alive[row] = False
        return True

    def _add(self, claim: dict[str, Any], defer: bool = False) -> None:
        record = validate_claim(claim)
        cid = record["id"]
        if cid in self._records:
            self.delete(cid)
        self._records[cid] = record
        rows: list[int] = []
        seen: set[tuple[int, ...]] = set()
        for text in claim_texts(record):
            norm = self._normalizer.normalize(text)
            cols, w = self._claim_vector_normalized(norm)
            key = tuple(sorted(cols.tolist()))
            if rows and (not key or key in seen):
                continue  # an alias adding nothing (same terms as another spelling)
            seen.add(key)
            row = len(self._row_ids)
            rows.append(row)
            self._row_ids.append(cid)
            self._row_slot.append(rows[0])
            self._row_cols.append(cols)
            self._row_w.append(w)
            self._row_fx.append(norm)
            if not defer:
                self._alive = np.append(self._alive, cols.size > 0)
        self._row_of[cid] = rows
        self._row_slot_arr = np.zeros(0, dtype=np.int64)
        self._row_multi = np.zeros(0, dtype=bool)
        if defer:
            return
        self._recent = None  # rebuilt lazily at the next match
        recent = len(self._row_ids) - self._main_rows
        if recent > max(256, self._main_rows // 8):
            self._rebuild()

    # ---------------------------------------------------------------------------------------------------- vectors
    def _background_weight(self, term: str) -> float:
        """A matching term's weight before the claim-collection factor, the same in posts and in claims (the block
        scores' cosines rely on it)."""
        return self.idf.get(term, self.default_idf)

    def _term_of(self, tok: str) -> str | None:
        """The matching term of a normalised token, or None for a token that cannot identify a claim (stop words,
        placeholders, single characters, ``!``/``?``, hedge words)."""
        if tok in self.stopwords or tok in SPECIAL_TOKENS or len(tok) < 2 or tok in ("!", "?"):
            return None
        return match_term(tok)

    def _token_terms(self, normalized: str) -> Iterator[tuple[str, str]]:
        """(token, matching term) of every token of a normalised text that can identify a claim."""
        for tok in normalized.split():
            term = self._term_of(tok)
            if term is not None:
                yield tok, term

    def _terms(self, normalized: str) -> list[str]:
        return [term for _, term in self._token_terms(normalized)]

    def shared_words(self, normalized: str, row: int, limit: int = SHARED_WORDS) -> list[str]:
        """The post's own words (normalised spelling, first occurrence, in order) whose matching term is one of
        claim row ``row``'s terms: what a reader checks a match by."""
        row_cols = set(self._row_cols[row].tolist())
        table = self._term_table  # (its token cache was filled by the batch's _post_matrices: no stemming again)
        out: list[str] = []
        for tok in normalized.split():
            tid = table.of_token(tok)
            if tid >= 0 and table.column(tid) in row_cols and tok not in out:
                out.append(tok)
                if len(out) == limit:
                    break
        return out

    def _claim_vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        return self._claim_vector_normalized(self._normalizer.normalize(text))

    def _claim_vector_normalized(self, normalized: str) -> tuple[np.ndarray, np.ndarray]:
        terms = dict.fromkeys(self._terms(normalized))
        cols, weights = [], []
        for t in terms:
            col = self._vocab.get(t)
            if col is None:
                col = self._vocab[t] = len(self._vocab)
                self._vocab_terms.append(t)
                self._term_table.set_column(t, col)
            cols.append(col)
            weights.append(self._background_weight(t))
        return np.asarray(cols, dtype=np.int64), np.asarray(weights, dtype=np.float64)

    def _factor_of(self, cols: np.ndarray) -> np.ndarray:
        f = np.full(cols.shape[0], self._factor_default)
        known = (cols >= 0) & (cols < self._factor.shape[0])
        f[known] = self._factor[cols[known]]
        return f

    def _claim_block(self, start: int, stop: int) -> ClaimBlock:
        """Claim rows ``start``..``stop`` as the products read them, their terms weighted as a post's are (background
        IDF x the claim-collection factor): the block's cosines rely on it."""
        cols = self._row_cols[start:stop]
        lengths = np.fromiter((c.size for c in cols), dtype=np.int64, count=len(cols))
        terms = np.concatenate(cols) if cols else np.zeros(0, np.int64)
        weights = np.concatenate(self._row_w[start:stop]) if cols else np.zeros(0)
        return build_block(lengths, terms, weights * self._factor_of(terms), len(self._vocab), self.alpha)

    def _rebuild(self) -> None:
        # compact: drop dead rows so the matrix does not grow with churn
        live = [i for i, cid in enumerate(self._row_ids) if cid is not None]
        self._row_ids = [self._row_ids[i] for i in live]
        self._row_cols = [self._row_cols[i] for i in live]
        self._row_w = [self._row_w[i] for i in live]
        self._row_fx.keep(live)
        self._row_of = {}
        for i, cid in enumerate(self._row_ids):
            self._row_of.setdefault(cid, []).append(i)
        self._row_slot = [self._row_of[cid][0] for cid in self._row_ids]
        self._row_slot_arr = np.asarray(self._row_slot, dtype=np.int64)
        self._has_aliases = len(self._row_of) < len(self._row_slot)
        self._row_multi = np.zeros(0, dtype=bool)
        self._compact_vocabulary()
        n = len(self._row_ids)
        if self.claim_idf and n:
            # document frequency among claims (a word in several spellings of one claim counts once)
            per_claim = [
                np.unique(np.concatenate([self._row_cols[r] for r in rows])) if len(rows) > 1 else self._row_cols[rows[0]]
                for rows in self._row_of.values()
            ]
            df = np.bincount(np.concatenate(per_claim), minlength=len(self._vocab))
            n_claims = len(per_claim)
            self._factor = np.log((1.0 + n_claims) / (1.0 + df)) + 1.0
            self._factor_default = math.log(1.0 + n_claims) + 1.0
        else:
            self._factor = np.ones(len(self._vocab))
            self._factor_default = 1.0
        self._term_table.factor_changed()
        self._main = self._claim_block(0, n) if n else None
        self._main_rows = n
        self._recent = None
        self._alive = np.fromiter((c.size > 0 for c in self._row_cols), dtype=bool, count=n)
        self._row_len_cache = np.zeros(0)
        self.rebuilds += 1

    def _compact_vocabulary(self) -> None:
        """Renumber the claim columns to the terms live rows use, once most columns belong to claims that were
        replaced or deleted, so that the vocabulary does not grow with the claims topic's churn."""
        used = np.unique(np.concatenate(self._row_cols)) if self._row_cols else np.zeros(0, dtype=np.int64)
        if len(self._vocab) <= max(1024, 2 * used.size):
            return
        new_of_old = np.full(len(self._vocab), -1, dtype=np.int64)
        new_of_old[used] = np.arange(used.size)
        self._row_cols = [new_of_old[cols] for cols in self._row_cols]
        self._vocab_terms = [self._vocab_terms[c] for c in used.tolist()]
        self._vocab = {term: c for c, term in enumerate(self._vocab_terms)}
        self._term_table.renumber_columns(new_of_old)

    # ---------------------------------------------------------------------------------------------------- matching
    def _post_matrices(
        self, normalized: Sequence[str], tokens: BatchTokens | None = None
    ) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
        """(binary post x claim-vocabulary matrix, each post's norm √Σ w² over all its terms, number of distinct
        terms per post)."""
        n = len(normalized)
        if tokens is not None and self.features is None:
            tokens = None
        n_feature_tokens = self.features.word_table.n_tokens if tokens is not None else 0
        tid, doc = self._term_table.of_batch(normalized, tokens, n_feature_tokens)
        keep = tid >= 0
        tid, doc = tid[keep], doc[keep]
        n_terms = len(self._term_table)
        # each (post, term) once
        key = np.sort(doc * max(n_terms, 1) + tid)
        key = key[run_starts(key)]
        doc = key // max(n_terms, 1)
        tid = key - doc * max(n_terms, 1)
        w = self._term_table.weights(self._factor_of)[tid]
        n_terms_post = np.bincount(doc, minlength=n)
        norms = np.sqrt(np.bincount(doc, weights=w * w, minlength=n))
        norms[norms == 0] = 1.0
        col = self._term_table.columns()[tid]
        hit = col >= 0
        doc, col = doc[hit], col[hit]
        shape = (n, max(len(self._vocab), 1))
        order = np.lexsort((col, doc))
        doc, col = doc[order], col[order]
        indptr = np.searchsorted(doc, np.arange(n + 1)).astype(np.int64)
        p = sp.csr_matrix((np.ones(col.size), col, indptr), shape=shape)
        return p, norms, n_terms_post

    @property
    def uses_char_features(self) -> bool:
        """Whether matching reads the FeatureSpace rows of posts and claims (re-ranking or acceptance on them)."""
        return self.rerank_coef is not None or (
            self.accept_coef is not None and self.accept_coef.shape[0] == len(ACCEPT_FEATURES_CHAR)
        )

    def match_normalized(
        self, normalized: Sequence[str], threshold: float | None = None, x: sp.csr_matrix | None = None,
        tokens: BatchTokens | None = None,
    ) -> list[ClaimMatch | None]:
        """Best claim per normalised text, or None when it is not accepted: by the acceptance model when one is
        configured, else (or when ``threshold`` is given) by similarity >= threshold. ``x`` and ``tokens``: the
        texts' rows of the FeatureSpace and the tokens they were read from, when already computed (the Scorer's
        ``transform_tokens``); the same matches either way."""
        cand = self.candidates(normalized, x=x, tokens=tokens)
        results: list[ClaimMatch | None] = [None] * len(normalized)
        if threshold is None and self.accept_coef is not None:
            accepted = (cand["row"] >= 0) & (self.accept_probability(cand) >= self.accept_threshold)
        else:
            threshold = self.threshold if threshold is None else float(threshold)
            accepted = (cand["row"] >= 0) & (cand["sim"] >= threshold)
        for i in np.flatnonzero(accepted):
            cid = self._row_ids[cand["row"][i]]
            if cid is None:
                continue
            rec = self._records[cid]
            results[i] = ClaimMatch(cid, rec["claim"], rec["verdict"], round(float(min(cand["sim"][i], 1.0)), 4),
                                    self.shared_words(normalized[i], int(cand["row"][i])))
        return results

    def candidates(
        self, normalized: Sequence[str], x: sp.csr_matrix | None = None, pairs: bool = False,
        tokens: BatchTokens | None = None,
    ) -> dict[str, Any]:
        """Per text: the best claim's row (-1: none shares a word), its similarity, coverage and cosine, and the
        second-best similarity. With a re-ranking model the best is chosen among the text's top candidates by it;
        with ``pairs`` the candidates and their ``RERANK_FEATURES`` are returned too (``out["pairs"]``)."""
        n = len(normalized)
        need_pairs = pairs or self.uses_char_features
        pair_parts: list[tuple[np.ndarray, ...]] = []
        out = {
            "row": np.full(n, -1, dtype=np.int64),
            "sim": np.zeros(n),
            "coverage": np.zeros(n),
            "cosine": np.zeros(n),
            "second": np.zeros(n),  # best similarity of any other claim
            "score": np.zeros(n),  # ranking score of the best claim
            "shared": np.zeros(n),  # distinct terms the post shares with the best claim
            "claim_terms": np.zeros(n),  # distinct terms of the best claim
            "post_terms": np.zeros(n),  # distinct terms of the post
            "char_cos": np.zeros(n),  # FeatureSpace cosines of the post and the best claim row: character n-grams
            "word_cos": np.zeros(n),  # ... and word uni/bigrams
        }
        if need_pairs:
            out["pairs"] = empty_pairs()
        if n == 0 or not self._records:
            return out
        if self._main is None and self._main_rows == 0 and len(self._row_ids):
            self._rebuild()
        p, post_norm, post_terms = self._post_matrices(normalized, tokens)
        out["post_terms"] = post_terms.astype(np.float64)
        if p.nnz == 0:
            return out
        blocks = []
        if self._main is not None and self._main_rows:
            blocks.append((0, self._main))
        total_rows = len(self._row_ids)
        if total_rows > self._main_rows:
            if self._recent is None or self._recent.terms.shape[1] != total_rows - self._main_rows:
                self._recent = self._claim_block(self._main_rows, total_rows)
            blocks.append((self._main_rows, self._recent))
        max_sim = np.zeros(n)  # best similarity of any claim so far
        if self._row_slot_arr.shape[0] != total_rows:
            self._row_slot_arr = np.asarray(self._row_slot, dtype=np.int64)
            self._has_aliases = bool(np.any(self._row_slot_arr != np.arange(total_rows)))
        if self._has_aliases and self._row_multi.shape[0] != total_rows:
            self._row_multi = np.bincount(self._row_slot_arr, minlength=total_rows)[self._row_slot_arr] > 1
        for offset, claim_block in blocks:
            block = score_block(p, post_norm, claim_block, offset, self.rank_shared_power, self._alive)
            if block is None:
                continue
            if need_pairs:
                pair_parts.append(block.candidate_parts(self.rerank_ratio))
            self._keep_best(out, max_sim, block)
        has = out["row"] >= 0
        out["claim_terms"][has] = self._row_len()[out["row"][has]]
        if need_pairs and pair_parts:
            pr = self._pairs(out, pair_parts, normalized, x)
            out["pairs"] = pr
            if self.rerank_coef is not None:
                apply_choice(out, pr, rerank_features(pr) @ self.rerank_coef + self.rerank_intercept)
            else:
                apply_choice(out, pr, None)
        return out

    def _keep_best(self, out: dict[str, Any], max_sim: np.ndarray, block: BlockScores) -> None:
        """Update each post's best claim (``out``: row, similarity, ranking score, coverage, cosine, shared terms),
        its runner-up similarity ``second`` and ``max_sim`` (the best similarity of any claim) with ``block``."""
        posts, starts, owner, sim = block.posts, block.starts, block.owner, block.sim
        pos = np.flatnonzero(block.score == block.best_score[owner])
        # ties go to the lowest claim row (stable across runs, whatever order the product emits)
        pos = pos[np.lexsort((block.indices[pos], owner[pos]))]
        first = pos[run_starts(owner[pos])]
        # the runner-up is the best similarity of any *other claim*: every spelling of the best claim is left out
        # (only claims with aliases have several rows)
        rest = sim.copy()
        rest[first] = -1.0
        if self._has_aliases:
            slot = self._row_slot_arr
            best_rows = block.offset + block.indices[first]
            mo = np.flatnonzero(self._row_multi[best_rows])  # posts whose best claim has several rows
            if mo.size:
                lens = block.lengths[mo]
                ent = np.arange(lens.sum()) + np.repeat(starts[mo] - np.cumsum(lens) + lens, lens)
                rest[ent[slot[block.offset + block.indices[ent]] == slot[best_rows[mo]].repeat(lens)]] = -1.0
        rowsecond = np.maximum(np.maximum.reduceat(rest, starts), 0.0)
        block_max_sim = np.maximum(rowsecond, sim[first])  # best similarity of any claim in this block
        better = block.best_score > out["score"][posts]
        # the runner-up is the best of: this block's other claims, earlier blocks' claims if this block's best wins,
        # else the previous runner-up and this block's claims
        out["second"][posts] = np.where(
            better, np.maximum(rowsecond, max_sim[posts]), np.maximum(out["second"][posts], block_max_sim)
        )
        max_sim[posts] = np.maximum(max_sim[posts], block_max_sim)
        idx, won = posts[better], first[better]
        out["score"][idx] = block.best_score[better]
        out["sim"][idx] = sim[won]
        out["row"][idx] = block.indices[won] + block.offset
        out["coverage"][idx] = block.coverage[won]
        out["cosine"][idx] = block.cosine(won)
        out["shared"][idx] = block.shared[won]

    def _pairs(self, out: dict[str, Any], parts: list[tuple[np.ndarray, ...]], normalized: Sequence[str],
               x: sp.csr_matrix | None) -> dict[str, np.ndarray]:
        """Each post's candidates (at most ``rerank_k`` claim rows scoring at least ``rerank_ratio`` x its best),
        sorted by post then score (the best first), with the FeatureSpace cosines of post and claim row."""
        post, row, score, sim, cov, cos, shared = top_candidates(parts, out["score"], self.rerank_ratio,
                                                                 self.rerank_k)
        best = out["score"][post]
        best[best == 0] = 1.0
        pr = {"post": post, "row": row, "slot": self._row_slot_arr[row], "score_ratio": score / best, "sim": sim,
              "coverage": cov, "cosine": cos, "shared": shared, "claim_terms": self._row_len()[row]}
        if x is None:
            x = self.features.transform(list(normalized))
        pr["char_cos"], pr["word_cos"] = self._row_fx.cosines(x, post, row, self._main_rows)
        return pr

    def _row_len(self) -> np.ndarray:
        n = len(self._row_cols)
        if self._row_len_cache.shape[0] != n:
            self._row_len_cache = np.fromiter((c.size for c in self._row_cols), dtype=np.float64, count=n)
        return self._row_len_cache

    def accept_probability(self, cand: dict[str, np.ndarray]) -> np.ndarray:
        """The acceptance model's probability that the best candidate is the claim the post discusses."""
        f = accept_features(cand, char=self.accept_coef.shape[0] == len(ACCEPT_FEATURES_CHAR))
        return 1.0 / (1.0 + np.exp(-np.clip(f @ self.accept_coef + self.accept_intercept, -40, 40)))

    def match(self, texts: Sequence[str], threshold: float | None = None) -> list[ClaimMatch | None]:
        """Best claim per raw text (normalises first; FeatureSpace rows computed when needed)."""
        return self.match_normalized(self._normalizer.normalize_batch(list(texts)), threshold)
