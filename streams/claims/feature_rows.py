"""The claim rows' rows of the shared FeatureSpace, read by the re-ranker and the acceptance model: the character
n-gram and word cosines of a post and a claim spelling catch typos, Malay spellings and morphology that the
index's matching terms miss.

A spelling is transformed once, in a batch with the others added since, at the first match that needs it (so an
upsert stays cheap); the rows are then gathered into one matrix per block of the index (main, recent).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

# Spellings are transformed this many at a time: the transform's working memory grows with its input, and a
# process keeps its peak (the first match after loading 30,000 claims at once took 216 MB more resident memory
# for good, against 38 MB for the rows themselves).
TRANSFORM_CHUNK = 1000


class ClaimFeatureRows:
    """One FeatureSpace row per claim row of the index, in the index's row order."""

    def __init__(self, features: Any) -> None:
        self.features = features
        self._normalized: list[str] = []
        self._rows: list[tuple[np.ndarray, np.ndarray] | None] = []  # (columns, values), None until transformed
        self._main: sp.csr_matrix | None = None
        self._recent: sp.csr_matrix | None = None

    def __len__(self) -> int:
        return len(self._rows)

    def spelling(self, row: int) -> str:
        """The normalised claim spelling of ``row``."""
        return self._normalized[row]

    @property
    def transformed(self) -> int:
        """How many rows have their FeatureSpace row computed."""
        return sum(r is not None for r in self._rows)

    def append(self, normalized: str) -> None:
        """A new claim row (in the recent block), transformed at the next match that needs it."""
        self._normalized.append(normalized)
        self._rows.append(None)
        self._recent = None

    def keep(self, live: list[int]) -> None:
        """Keep only rows ``live`` (the index compacted its rows at a rebuild, which also moves the block boundary)."""
        self._normalized = [self._normalized[i] for i in live]
        self._rows = [self._rows[i] for i in live]
        self._main = None
        self._recent = None

    def cosines(self, x: sp.csr_matrix, post: np.ndarray, row: np.ndarray,
                main_rows: int) -> tuple[np.ndarray, np.ndarray]:
        """Cosines of the character block and of the word block between post ``post[j]`` (a row of ``x``) and claim
        row ``row[j]`` (row gather + elementwise product + per-pair sums, all pairs at once); rows before
        ``main_rows`` are the main block."""
        fs = self.features
        n_words = len(fs.words)
        ch, wd = np.zeros(post.size), np.zeros(post.size)
        for recent in (False, True):
            lo = main_rows if recent else 0
            sel = np.flatnonzero(row >= lo) if recent else np.flatnonzero(row < main_rows)
            if not sel.size:
                continue
            prod = x[post[sel]].multiply(self._block(recent, main_rows)[row[sel] - lo]).tocsr()
            owner = np.repeat(np.arange(sel.size), np.diff(prod.indptr))
            is_char = prod.indices >= n_words
            data = prod.data.astype(np.float64)
            ch[sel] = np.bincount(owner[is_char], weights=data[is_char], minlength=sel.size)
            wd[sel] = np.bincount(owner[~is_char], weights=data[~is_char], minlength=sel.size)
        cw, ww = float(fs.char_weight) ** 2, float(fs.word_weight) ** 2
        return np.clip(ch / (cw or 1.0), 0, 1), np.clip(wd / (ww or 1.0), 0, 1)

    def _block(self, recent: bool, main_rows: int) -> sp.csr_matrix:
        """The rows of the main (or recent) block as one matrix, transforming the spellings not transformed yet."""
        cached = self._recent if recent else self._main
        if cached is not None:
            return cached
        start, stop = (main_rows, len(self._rows)) if recent else (0, main_rows)
        missing = [i for i in range(start, stop) if self._rows[i] is None]
        m = None
        for first in range(0, len(missing), TRANSFORM_CHUNK):
            chunk = missing[first : first + TRANSFORM_CHUNK]
            m = self.features.transform([self._normalized[i] for i in chunk])
            self._keep_rows(chunk, m)
        one_transform_made_the_block = 0 < len(missing) == stop - start <= TRANSFORM_CHUNK
        if not one_transform_made_the_block:
            rows = self._rows[start:stop]
            lengths = np.fromiter((r[0].size for r in rows), dtype=np.int64, count=len(rows))  # type: ignore[index]
            ind = np.concatenate([r[0] for r in rows]) if rows else np.zeros(0, np.int32)  # type: ignore[index]
            dat = np.concatenate([r[1] for r in rows]) if rows else np.zeros(0, np.float32)  # type: ignore[index]
            m = sp.csr_matrix((dat, ind, np.concatenate(([0], np.cumsum(lengths)))),
                              shape=(stop - start, self.features.n_features))
            if not recent or len(missing) > TRANSFORM_CHUNK:
                # the rows become views of the block, so the chunks and older blocks they were views of can go (a
                # recent block, rebuilt after every upsert, is small: its rows keep their own arrays)
                self._keep_rows(range(start, stop), m)
        if recent:
            self._recent = m
        else:
            self._main = m
        return m

    def _keep_rows(self, rows: Sequence[int], m: sp.csr_matrix) -> None:
        """Rows ``rows`` are ``m``'s rows, in order: keep each as views of ``m``'s arrays."""
        ind, dat, ptr = m.indices, m.data, m.indptr.tolist()
        for j, i in enumerate(rows):
            self._rows[i] = (ind[ptr[j] : ptr[j + 1]], dat[ptr[j] : ptr[j + 1]])
