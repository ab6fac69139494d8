"""Shared TF-IDF features over normalised text: word uni/bi-grams plus character n-grams within words.

Built for batch speed: character n-grams are computed for a whole batch at once with numpy (each n-gram is an exact
base-41 integer code over a 41-symbol alphabet, looked up in a direct-address table for n <= 4 or an open-addressing
hash table beyond), and word n-grams are one dict look-up each. Every model reads the same matrix, so features are computed once per batch.

Everything here is plain numbers and strings, so it saves to ``.npz`` (no pickles) plus JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

# Alphabet: 0 = space/boundary, 1 = any other character, 2..27 = a-z, 28..37 = 0-9, 38 = "!", 39 = "?", 40 = "_".
_SPACE, _OTHER = 0, 1
_A = 41  # alphabet size: n-gram codes are base-41 numbers, offset by n so different lengths never collide
_LUT = np.full(128, _OTHER, dtype=np.int64)
_LUT[ord(" ")] = _SPACE
for _i, _c in enumerate("abcdefghijklmnopqrstuvwxyz"):
    _LUT[ord(_c)] = 2 + _i
for _i, _c in enumerate("0123456789"):
    _LUT[ord(_c)] = 28 + _i
_LUT[ord("!")] = 38
_LUT[ord("?")] = 39
_LUT[ord("_")] = 40
_ALPHABET = " \x01abcdefghijklmnopqrstuvwxyz0123456789!?_"
MAX_N = 11  # 41**11 < 2**63
# OFFSET[n] = 41 + 41**2 + ... + 41**(n-1): codes of n-grams occupy [OFFSET[n], OFFSET[n] + 41**n)
OFFSET = [0, 0] + [sum(_A**j for j in range(1, n)) for n in range(2, MAX_N + 2)]
DIRECT_MAX_N = 4  # up to 4-grams the code space (2.9 M) is small enough for a direct-address table
SMALL_KEYS_MAX = int(np.iinfo(np.uint32).max)  # transform sorts (row, column) keys as uint32 up to this


def _encode(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate " t1 " " t2 " … into alphabet codes; return (codes, start offset of each document)."""
    padded = [" " + t + " " for t in texts]
    joined = "".join(padded)
    if joined.isascii():
        cps = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
        codes = _LUT[cps]
    else:
        cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        codes = np.where(cps < 128, _LUT[np.minimum(cps, 127)], _OTHER)
    lengths = np.fromiter((len(p) for p in padded), dtype=np.int64, count=len(padded))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    return codes, starts


def char_ngram_codes(texts: Sequence[str], ns: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Exact codes of character n-grams inside words (each word padded by one space on both sides, like
    scikit-learn's ``char_wb``), for every n in ``ns``; returns (codes, doc ids)."""
    if not texts or not ns:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if max(ns) > MAX_N or min(ns) < 1:
        raise ValueError(f"character n-gram sizes must be within 1..{MAX_N}")
    codes, starts = _encode(texts)
    length = codes.shape[0]
    space = codes == _SPACE
    out_codes, out_pos = [], []
    acc = codes
    # interior_ok[i]: no space at positions i+1 .. i+n-2 (updated as n grows)
    interior_ok = np.ones(length, dtype=bool)
    for n in range(1, max(ns) + 1):
        m = length - n + 1
        if m <= 0:
            break
        if n > 1:
            acc = acc[:m] * _A + codes[n - 1 : n - 1 + m]
            if n > 2:
                interior_ok = interior_ok[:m] & ~space[n - 2 : n - 2 + m]
            else:
                interior_ok = interior_ok[:m]
        if n not in ns:
            continue
        if n == 1:
            ok = ~space[:m]
        elif n == 2:
            ok = ~(space[:m] & space[1 : 1 + m])  # never the gap between two documents
        else:
            ok = interior_ok.copy()
        pos = np.flatnonzero(ok)
        out_codes.append(acc[pos] + OFFSET[n])
        out_pos.append(pos)
    if not out_codes:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    pos = np.concatenate(out_pos)
    docs = np.searchsorted(starts, pos, side="right") - 1
    return np.concatenate(out_codes), docs


def decode_char_code(code: int) -> str:
    """Human-readable form of a character n-gram code (for explanations and tests)."""
    code = int(code)
    n = max(k for k in range(1, MAX_N + 1) if OFFSET[k] <= code)
    value = code - OFFSET[n]
    chars = []
    for _ in range(n):
        value, sym = divmod(value, _A)
        chars.append(_ALPHABET[sym])
    return "".join(reversed(chars))


class DirectTable:
    """Direct-address table code -> column for n-grams up to 4 characters (one gather per look-up)."""

    def __init__(self, codes: np.ndarray, max_n: int) -> None:
        size = OFFSET[max_n] + _A**max_n
        self.table = np.full(size, -1, dtype=np.int32)
        self.table[np.asarray(codes, dtype=np.int64)] = np.arange(len(codes), dtype=np.int32)

    def lookup(self, codes: np.ndarray) -> np.ndarray:
        return self.table[codes]


class CodeTable:
    """Open-addressing hash table from int64 codes to column numbers, probed for whole arrays at once."""

    _MULT = np.uint64(0x9E3779B97F4A7C15)

    def __init__(self, codes: np.ndarray) -> None:
        codes = np.asarray(codes, dtype=np.int64)
        n = int(codes.shape[0])
        bits = max(4, int(np.ceil(np.log2(max(n, 1) * 4))))
        self.bits = bits
        self.mask = (1 << bits) - 1
        self.keys = np.full(1 << bits, -1, dtype=np.int64)
        self.vals = np.full(1 << bits, -1, dtype=np.int32)
        pending = np.arange(n, dtype=np.int64)
        slot = self._hash(codes)
        probe = 0
        while pending.size:
            s = (slot[pending] + probe) & self.mask
            free = self.keys[s] == -1
            cand, cand_slot = pending[free], s[free]
            # several pending codes may want the same free slot: the first one wins this round
            _, first = np.unique(cand_slot, return_index=True)
            win = cand[first]
            self.keys[cand_slot[first]] = codes[win]
            self.vals[cand_slot[first]] = win.astype(np.int32)
            placed = np.zeros(n, dtype=bool)
            placed[win] = True
            pending = pending[~placed[pending]]
            probe += 1
        self.max_probe = probe

    def _hash(self, codes: np.ndarray) -> np.ndarray:
        h = codes.astype(np.uint64) * self._MULT
        return (h >> np.uint64(64 - self.bits)).astype(np.int64)

    def lookup(self, codes: np.ndarray) -> np.ndarray:
        """Column of each code, -1 when absent."""
        out = np.full(codes.shape[0], -1, dtype=np.int64)
        if codes.size == 0:
            return out
        slot = self._hash(codes)
        todo = np.arange(codes.shape[0])
        for probe in range(self.max_probe):
            s = (slot[todo] + probe) & self.mask
            k = self.keys[s]
            found = k == codes[todo]
            out[todo[found]] = self.vals[s[found]]
            todo = todo[~found & (k != -1)]
            if todo.size == 0:
                break
        return out


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

    @property
    def table(self) -> CodeTable | DirectTable:
        if self._table is None:
            if max(self.char_ns, default=0) <= DIRECT_MAX_N:
                self._table = DirectTable(self.char_codes, max(self.char_ns, default=0))  # (none: a word-only space)
            else:
                self._table = CodeTable(self.char_codes)
        return self._table

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
        n = len(texts)
        if n == 0:
            return sp.csr_matrix((0, self.n_features), dtype=np.float32)
        texts = [t if len(t) <= self.max_chars else t[: self.max_chars] for t in texts]
        get = self.words.get
        w_cols: list[int] = []
        w_counts: list[int] = []
        for t in texts:
            toks = t.split()
            ids = [j for j in map(get, toks) if j is not None]
            ids += [j for j in map(get, map(" ".join, zip(toks, toks[1:]))) if j is not None]
            w_cols.extend(ids)
            w_counts.append(len(ids))
        w_rows_a = np.repeat(np.arange(n, dtype=np.int64), w_counts)
        w_cols_a = np.asarray(w_cols, dtype=np.int64)

        codes, docs = char_ngram_codes(texts, self.char_ns)
        n_words = len(self.words)
        n_feat = self.n_features
        pos = self.table.lookup(codes)
        hit = pos >= 0
        keys = np.concatenate([w_rows_a * n_feat + w_cols_a, docs[hit] * n_feat + (pos[hit] + n_words)])
        if n * n_feat <= SMALL_KEYS_MAX:
            keys = keys.astype(np.uint32)  # sorts in about half the time of int64 (a batch of 500 posts fits)
        keys.sort()
        # one sort gives rows in order, columns in order within rows, and duplicate counts
        if keys.size:
            starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
            counts = np.diff(np.append(starts, keys.size)).astype(np.float32)
            uniq = keys[starts]
        else:
            counts = np.zeros(0, np.float32)
            uniq = keys
        rows = uniq // n_feat
        cols = (uniq - rows * n_feat).astype(np.int32)
        indptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=n)))).astype(np.int32)
        # sublinear tf * idf, then each block L2-normalised and weighted
        data = np.log1p(counts) * self.idf[cols]
        is_char = cols >= n_words
        sq = data.astype(np.float64) ** 2
        char_norm = np.sqrt(np.bincount(rows[is_char], weights=sq[is_char], minlength=n))
        word_norm = np.sqrt(np.bincount(rows[~is_char], weights=sq[~is_char], minlength=n))
        char_norm[char_norm == 0] = 1.0
        word_norm[word_norm == 0] = 1.0
        scale = np.where(is_char, self.char_weight / char_norm[rows], self.word_weight / word_norm[rows])
        data = (data * scale).astype(np.float32)
        return sp.csr_matrix((data, cols, indptr), shape=(n, n_feat))

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
