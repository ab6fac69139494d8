"""Exact integer codes for a batch of texts, and tables from codes to feature columns.

A batch is encoded once (``encode``): one string of all texts, each padded by a space, and every character's
symbol in a 41-symbol alphabet. Character n-grams inside words are then exact base-41 numbers (``char_ngrams``),
looked up in a direct-address table for n <= 4 (``DirectTable``) or an open-addressing hash table beyond
(``CodeTable``). Words get the same treatment (``WordTable``): a token of up to ``MAX_N`` alphabet symbols has an
exact code too, so word uni- and bigrams are found with array look-ups instead of one dict look-up per gram.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

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
_OFFSETS = np.array(OFFSET, dtype=np.int64)
ROW_SORT_MIN_ROWS = 8  # below this many rows sort_row_keys does one global sort
DIRECT_MAX_N = 4  # up to 4-grams the code space (2.9 M) is small enough for a direct-address table

# What str.split() splits on: every code point whose str.isspace() is true (none lies above U+3000).
WHITESPACE = np.array([c for c in range(0x3001) if chr(c).isspace()], dtype=np.uint32)
_WS_LUT = np.zeros(128, dtype=bool)
_WS_LUT[WHITESPACE[WHITESPACE < 128]] = True


@dataclass(frozen=True)
class Encoded:
    """A batch as one string ``" t1 " " t2 " …`` and per-character arrays over it."""

    text: str
    symbols: np.ndarray  # alphabet symbol of each character (int64)
    starts: np.ndarray  # offset of each text's leading space
    doc: np.ndarray  # text number of each character
    space: np.ndarray  # bool: the character is whitespace to str.split()


def encode(texts: Sequence[str]) -> Encoded:
    padded = [" " + t + " " for t in texts]
    joined = "".join(padded)
    if joined.isascii():
        cps = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
        symbols = _LUT[cps]
        space = _WS_LUT[cps]
    else:
        cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)  # a lone surrogate too
        symbols = np.where(cps < 128, _LUT[np.minimum(cps, 127)], _OTHER)
        space = np.isin(cps, WHITESPACE)
    lengths = np.fromiter((len(p) for p in padded), dtype=np.int64, count=len(padded))
    starts = np.cumsum(lengths) - lengths
    doc = np.repeat(np.arange(len(padded), dtype=np.int64), lengths)
    return Encoded(joined, symbols, starts, doc, space)


def char_ngram_codes(texts: Sequence[str], ns: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Exact codes of character n-grams inside words (each word padded by one space on both sides, like
    scikit-learn's ``char_wb``), for every n in ``ns``; returns (codes, doc ids)."""
    if not texts or not ns:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return char_ngrams(encode(texts), ns)


def char_ngrams(enc: Encoded, ns: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """``char_ngram_codes`` of an encoded batch."""
    if not ns:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if max(ns) > MAX_N or min(ns) < 1:
        raise ValueError(f"character n-gram sizes must be within 1..{MAX_N}")
    codes = enc.symbols
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
            ok = interior_ok
        pos = np.flatnonzero(ok)
        out_codes.append(acc[pos] + OFFSET[n])
        out_pos.append(pos)
    if not out_codes:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_codes), enc.doc[np.concatenate(out_pos)]


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


def run_starts(keys: np.ndarray) -> np.ndarray:
    """Index of the first element of each run of equal values in ``keys`` (in a sorted array: of each distinct
    value). What ``np.unique(keys, return_index=True)[1]`` gives for sorted keys, without its sort (NumPy's
    ``unique`` costs about four times a sort here)."""
    if not keys.size:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])


def sort_row_keys(keys: np.ndarray, rows: np.ndarray, n_rows: int) -> np.ndarray:
    """``keys`` (``row * n_cols + col``, with ``rows`` each key's row) sorted, as ``np.sort(keys)`` would give.
    The keys are first grouped by row (a stable radix argsort on the small row numbers), then each row's slice is
    sorted in place. Where NumPy has no SIMD sort, a batch of 500 posts' ~240,000 feature keys sorts about three
    times faster that way than in one global sort, since each row's few hundred keys fit in cache; where it has one
    (an AVX2 host), the global sort is about twice as fast: ``row_sort_pays`` tells which."""
    if n_rows < ROW_SORT_MIN_ROWS:
        return np.sort(keys)
    row_dtype = np.uint16 if n_rows <= np.iinfo(np.uint16).max + 1 else np.int64
    keys = keys[np.argsort(rows.astype(row_dtype), kind="stable")]
    bounds = np.cumsum(np.bincount(rows, minlength=n_rows)).tolist()
    start = 0
    for stop in bounds:
        if stop - start > 1:
            keys[start:stop].sort()
        start = stop
    return keys


def row_sort_pays(n_rows: int) -> bool:
    """Whether ``sort_row_keys`` sorts ``n_rows`` rows' keys faster than one global ``np.sort`` on this machine
    (the same result either way)."""
    return n_rows >= ROW_SORT_MIN_ROWS and _row_sort_is_faster()


@lru_cache(maxsize=1)
def _row_sort_is_faster() -> bool:
    """Timed once per process on keys shaped like a batch of 500 posts' (a few runs, each in row order, ~480 keys
    per row): which sort is faster depends on whether NumPy dispatches a SIMD sort on this CPU, which it does not
    report. Best of three alternated timings of each; ~25 ms."""
    rng = np.random.default_rng(0)
    n_rows, per_row, n_cols = 500, 480, 90_000
    rows = np.sort(rng.integers(0, n_rows, n_rows * per_row // 4)).repeat(4).reshape(-1, 4).T.ravel()
    keys = (rows * n_cols + rng.integers(0, n_cols, rows.size)).astype(np.uint32)
    best = {True: np.inf, False: np.inf}
    for _ in range(3):
        for by_row in (True, False):
            start = time.perf_counter()
            sort_row_keys(keys, rows, n_rows) if by_row else np.sort(keys)
            best[by_row] = min(best[by_row], time.perf_counter() - start)
    return best[True] < best[False]


def token_bounds(enc: Encoded) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets of every token, as ``str.split()`` would cut each text, in text order."""
    edge = np.diff(enc.space.view(np.int8))  # every text starts and ends with a space
    return np.flatnonzero(edge == -1) + 1, np.flatnonzero(edge == 1) + 1


def token_codes(enc: Encoded, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(exact, codes): which tokens are up to ``MAX_N`` alphabet symbols long, and those tokens' exact codes
    (numbered like character n-grams of the same length)."""
    lengths = ends - starts
    others = np.concatenate(([0], np.cumsum(enc.symbols == _OTHER)))
    exact = (lengths <= MAX_N) & (others[ends] == others[starts])
    first, size = starts[exact], lengths[exact]
    codes = np.zeros(first.shape[0], dtype=np.int64)
    for k in range(int(size.max(initial=0))):
        more = size > k
        codes[more] = codes[more] * _A + enc.symbols[first[more] + k]
    return exact, codes + _OFFSETS[size]


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


@dataclass(frozen=True)
class BatchTokens:
    """Every token of an encoded batch, as ``str.split()`` cuts each text, in text order: its offsets in
    ``enc.text``, its text number, and its id in the ``WordTable`` that read it (-1: in no vocabulary gram).
    ``cut``: the texts that were encoded only in part (a FeatureSpace reads ``max_chars``), whose tokens a reader
    of whole texts must take from the text itself."""

    enc: Encoded
    starts: np.ndarray
    ends: np.ndarray
    doc: np.ndarray
    tid: np.ndarray
    cut: tuple[int, ...] = ()

    def token(self, i: int) -> str:
        return self.enc.text[self.starts[i] : self.ends[i]]


class WordTable:
    """Columns of word unigrams and ``"a b"`` bigrams for an encoded batch, the same as one dict look-up per gram.

    Every token of the vocabulary gets a token id. A token with an exact code is found through a ``CodeTable`` of
    codes; any other (longer than ``MAX_N``, or with characters outside the alphabet: ~1 % of tokens) through a
    dict. A bigram is then the pair of its token ids, found in a second ``CodeTable``."""

    def __init__(self, words: dict[str, int]) -> None:
        token_ids: dict[str, int] = {}
        unigrams: list[tuple[int, int]] = []
        bigrams: list[tuple[int, int, int]] = []
        for gram, column in words.items():
            ids = [token_ids.setdefault(part, len(token_ids)) for part in gram.split(" ")]
            if len(ids) == 1:
                unigrams.append((ids[0], column))
            elif len(ids) == 2:
                bigrams.append((ids[0], ids[1], column))
            else:
                raise ValueError(f"not a word unigram or bigram: {gram!r}")
        self.token_ids = token_ids
        self.n_tokens = len(token_ids)
        # every array below ends with a -1 that index -1 (not found) reads
        self._unigram_column = np.full(self.n_tokens + 1, -1, dtype=np.int64)
        for tid, column in unigrams:
            self._unigram_column[tid] = column
        pairs = np.array(bigrams, dtype=np.int64).reshape(-1, 3)
        self._pairs = CodeTable(pairs[:, 0] * self.n_tokens + pairs[:, 1])
        self._pair_column = np.append(pairs[:, 2], -1)
        names = list(token_ids)  # in id order
        enc = encode(names)
        first = enc.starts + 1
        exact, codes = token_codes(enc, first, first + np.array([len(t) for t in names], dtype=np.int64))
        self._codes = CodeTable(codes)
        self._code_tid = np.append(np.flatnonzero(exact), -1)

    def tokens(self, enc: Encoded, cut: tuple[int, ...] = ()) -> BatchTokens:
        """The batch's tokens with their token ids (``cut``: see ``BatchTokens``)."""
        starts, ends = token_bounds(enc)
        tid = np.full(starts.shape[0], -1, dtype=np.int64)
        exact, codes = token_codes(enc, starts, ends)
        tid[exact] = self._code_tid[self._codes.lookup(codes)]
        get = self.token_ids.get
        for i in np.flatnonzero(~exact).tolist():
            tid[i] = get(enc.text[starts[i] : ends[i]], -1)
        return BatchTokens(enc, starts, ends, enc.doc[starts], tid, cut)

    def lookup(self, tokens: BatchTokens) -> tuple[np.ndarray, np.ndarray]:
        """(text number, column) of every vocabulary uni- and bigram among ``tokens``, repeats included."""
        doc, tid = tokens.doc, tokens.tid
        uni = self._unigram_column[tid]
        uni_hit = uni >= 0
        left = np.flatnonzero((doc[1:] == doc[:-1]) & (tid[1:] >= 0) & (tid[:-1] >= 0))
        bi = self._pair_column[self._pairs.lookup(tid[left] * self.n_tokens + tid[left + 1])]
        bi_hit = bi >= 0
        return np.concatenate([doc[uni_hit], doc[left[bi_hit]]]), np.concatenate([uni[uni_hit], bi[bi_hit]])
