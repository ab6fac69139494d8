"""Shared TF-IDF features over normalised text: word uni/bi-grams plus character n-grams within words.

Built for batch speed: a whole batch is encoded once and its word and character n-grams are found as exact integer
codes with numpy (``streams.models.codes``). Every model reads the same matrix, so features are computed once per
batch.

Everything here is plain numbers and strings, so it saves to ``.npz`` (no pickles) plus JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from streams.models.codes import (
    DIRECT_MAX_N,
    BatchTokens,
    CodeTable,
    DirectTable,
    WordTable,
    char_ngram_codes,
    char_ngrams,
    decode_char_code,
    encode,
    row_sort_pays,
    run_starts,
    sort_row_keys,
)

SMALL_KEYS_MAX = int(np.iinfo(np.uint32).max)  # transform sorts (row, column) keys as uint32 up to this


@dataclass
class FeatureSpace:
    """Vocabulary + IDF for word n-grams and character n-grams; ``transform`` gives an L2-normalised CSR matrix
    ``[word block | char block]`` with sublinear TF."""

    words: dict[str, int]  # token or "a b" bigram -> column
    char_codes: np.ndarray  # sorted int64 codes; column = len(words) + position
    idf: np.ndarray  # float32, one per column
    char_ns: tuple[int, ...] = (2, 3, 4)
    word_weight: float = 1.0
    char_weight: float = 1.0
    max_chars: int = 3000
    _word_arr: list[str] = field(default_factory=list, repr=False)
    _table: CodeTable | DirectTable | None = field(default=None, repr=False)
    _word_table: WordTable | None = field(default=None, repr=False)
    _log1p_table: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32), repr=False)

    @property
    def table(self) -> CodeTable | DirectTable:
        if self._table is None:
            if max(self.char_ns, default=0) <= DIRECT_MAX_N:
                self._table = DirectTable(self.char_codes, max(self.char_ns, default=0))  # (none: a word-only space)
            else:
                self._table = CodeTable(self.char_codes)
        return self._table

    @property
    def word_table(self) -> WordTable:
        if self._word_table is None:
            self._word_table = WordTable(self.words)
        return self._word_table

    @property
    def n_features(self) -> int:
        return len(self.words) + int(self.char_codes.shape[0])

    # ------------------------------------------------------------------------------------------------- fitting
    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        min_df_words: int = 2,
        min_df_chars: int = 3,
        char_ns: Sequence[int] = (2, 3, 4),
        max_df: float = 0.9,
        bigrams: bool = True,
        word_weight: float = 1.0,
        char_weight: float = 1.0,
        max_chars: int = 3000,
    ) -> FeatureSpace:
        texts = [t[:max_chars] for t in texts]
        n_docs = len(texts)
        df: dict[str, int] = {}
        for t in texts:
            toks = t.split()
            grams = set(toks)
            if bigrams:
                grams.update(a + " " + b for a, b in zip(toks, toks[1:]))
            for g in grams:
                df[g] = df.get(g, 0) + 1
        max_count = max_df * n_docs
        kept = sorted(g for g, c in df.items() if min_df_words <= c <= max_count)
        words = {g: i for i, g in enumerate(kept)}
        word_df = np.array([df[g] for g in kept], dtype=np.float64)

        codes, docs = char_ngram_codes(texts, tuple(char_ns))
        # document frequency: count each (document, code) pair once
        order = np.lexsort((codes, docs))
        codes_s, docs_s = codes[order], docs[order]
        first = np.ones(codes_s.shape[0], dtype=bool)
        first[1:] = (codes_s[1:] != codes_s[:-1]) | (docs_s[1:] != docs_s[:-1])
        uniq, counts = np.unique(codes_s[first], return_counts=True)
        keep = (counts >= min_df_chars) & (counts <= max_count)
        char_codes = uniq[keep].astype(np.int64)
        char_df = counts[keep].astype(np.float64)

        all_df = np.concatenate([word_df, char_df])
        idf = (np.log((1.0 + n_docs) / (1.0 + all_df)) + 1.0).astype(np.float32)
        return cls(
            words=words,
            char_codes=char_codes,
            idf=idf,
            char_ns=tuple(char_ns),
            word_weight=word_weight,
            char_weight=char_weight,
            max_chars=max_chars,
        )

    # ------------------------------------------------------------------------------------------------- transform
    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self.transform_tokens(texts)[0]

    def transform_tokens(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, BatchTokens]:
        """The rows and the tokens they were read from (of each text's first ``max_chars`` characters): the
        Scorer hands both to the claim index, which then needs no dict look-up per token."""
        n = len(texts)
        cut = tuple(i for i, t in enumerate(texts) if len(t) > self.max_chars)
        if cut:
            texts = [t[: self.max_chars] for t in texts]
        enc = encode(texts)
        tokens = self.word_table.tokens(enc, cut)
        if n == 0:
            return sp.csr_matrix((0, self.n_features), dtype=np.float32), tokens
        w_rows, w_cols = self.word_table.lookup(tokens)
        codes, docs = char_ngrams(enc, self.char_ns)
        n_words = len(self.words)
        n_feat = self.n_features
        pos = self.table.lookup(codes)
        hit = np.flatnonzero(pos >= 0)
        char_rows = docs[hit]
        keys = np.concatenate([w_rows * n_feat + w_cols, char_rows * n_feat + (pos[hit] + n_words)])
        if n * n_feat <= SMALL_KEYS_MAX:
            keys = keys.astype(np.uint32)  # sorts in about half the time of int64 (a batch of 500 posts fits)
        if row_sort_pays(n):
            keys = sort_row_keys(keys, np.concatenate([w_rows, char_rows]), n)
        else:
            keys.sort()
        # sorted keys give rows in order, columns in order within rows, and duplicate counts
        starts = run_starts(keys)
        counts = np.diff(np.append(starts, keys.size))
        uniq = keys[starts]
        # segment 2r holds row r's word columns, 2r + 1 its character columns: their bounds by binary search
        seg_first = np.arange(2 * n + 1, dtype=np.int64) // 2 * n_feat + np.resize([0, n_words], 2 * n + 1)
        bounds = np.searchsorted(uniq, seg_first)
        seg = np.repeat(np.arange(2 * n, dtype=np.int64), np.diff(bounds))
        rows = seg >> 1
        cols = (uniq - rows * n_feat).astype(np.int32)
        indptr = bounds[0::2].astype(np.int32)
        # sublinear tf * idf, then each block L2-normalised and weighted
        data = self._log1p(counts) * self.idf[cols]
        norm = np.sqrt(np.bincount(seg, weights=data.astype(np.float64) ** 2, minlength=2 * n))
        norm[norm == 0] = 1.0
        scale = np.resize([self.word_weight, self.char_weight], 2 * n) / norm
        data = (data * scale[seg]).astype(np.float32)
        return sp.csr_matrix((data, cols, indptr), shape=(n, n_feat)), tokens

    def _log1p(self, counts: np.ndarray) -> np.ndarray:
        """``np.log1p`` of the n-gram counts as float32, read from a table (a count is at most a text's length)."""
        top = int(counts.max(initial=0))
        if top >= self._log1p_table.shape[0]:
            self._log1p_table = np.log1p(np.arange(max(top + 1, self.max_chars + 3), dtype=np.float32))
        return self._log1p_table[counts]

    # ------------------------------------------------------------------------------------------------- naming
    def feature_name(self, column: int) -> str:
        n_words = len(self.words)
        if column < n_words:
            if not self._word_arr:
                arr = [""] * n_words
                for w, i in self.words.items():
                    arr[i] = w
                self._word_arr = arr
            return self._word_arr[column]
        return "c:" + decode_char_code(int(self.char_codes[column - n_words]))

    # ------------------------------------------------------------------------------------------------- persistence
    def to_arrays(self, prefix: str) -> tuple[dict[str, np.ndarray], dict]:
        """Arrays (for npz) and JSON-able metadata."""
        ordered = sorted(self.words.items(), key=lambda kv: kv[1])
        arrays = {f"{prefix}char_codes": self.char_codes.astype(np.int64), f"{prefix}idf": self.idf.astype(np.float32)}
        meta = {
            "words": [w for w, _ in ordered],
            "char_ns": list(self.char_ns),
            "word_weight": self.word_weight,
            "char_weight": self.char_weight,
            "max_chars": self.max_chars,
        }
        return arrays, meta

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], meta: dict, prefix: str) -> FeatureSpace:
        words = {w: i for i, w in enumerate(meta["words"])}
        char_codes = np.asarray(arrays[f"{prefix}char_codes"], dtype=np.int64)
        idf = np.asarray(arrays[f"{prefix}idf"], dtype=np.float32)
        if idf.shape[0] != len(words) + char_codes.shape[0]:
            raise ValueError("feature space arrays do not match the vocabulary")
        if char_codes.size > 1 and not bool(np.all(char_codes[1:] > char_codes[:-1])):
            raise ValueError("character n-gram codes are not sorted")
        return cls(
            words=words,
            char_codes=char_codes,
            idf=idf,
            char_ns=tuple(int(n) for n in meta["char_ns"]),
            word_weight=float(meta["word_weight"]),
            char_weight=float(meta["char_weight"]),
            max_chars=int(meta["max_chars"]),
        )
