"""The claim index's table of matching terms: every term met in posts or claims gets an id, with its background
IDF weight and its column in the claim matrices (-1: in no claim).

Posts bring new words forever (names, numbers, typos), so the table is bounded: before a batch, once it holds
more than ``term_limit`` terms, it keeps only the terms of the feature vocabulary's tokens and renumbers them
(the ids are internal; a term's weight and column depend only on the term, so matching is unchanged). The
token -> id cache is cleared before it would grow past ``token_limit`` (a batch's new tokens are added together).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from streams.models.codes import BatchTokens

TERM_LIMIT = 200_000
TOKEN_LIMIT = 200_000
NOT_A_TERM = -2  # stop words, placeholders, single characters: tokens that cannot identify a claim
_NOT_LOOKED_UP = -3


class TermTable:
    def __init__(
        self,
        term_of: Callable[[str], str | None],
        weight_of: Callable[[str], float],
        column_of: Callable[[str], int],
        term_limit: int = TERM_LIMIT,
        token_limit: int = TOKEN_LIMIT,
    ) -> None:
        self._term_of = term_of
        self._weight_of = weight_of
        self._column_of = column_of
        self.term_limit = term_limit
        self.token_limit = token_limit
        self._ids: dict[str, int] = {}
        self._weight = np.zeros(1024)
        self._column = np.full(1024, -1, dtype=np.int64)
        self._tokens: dict[str, int] = {}  # normalised token -> term id (NOT_A_TERM included)
        # feature-vocabulary token id -> term id, filled on first sight (the batch's tokens come as these ids)
        self._feature_terms = np.zeros(0, dtype=np.int64)
        # weight x the claim-collection factor of the term's column, valid for ids below _factored_upto
        self._factored = np.zeros(1024)
        self._factored_upto = 0
        self.compactions = 0

    def __len__(self) -> int:
        return len(self._ids)

    # ------------------------------------------------------------------------------------------------ look-ups
    def of_token(self, tok: str) -> int:
        """The term id of a normalised token (NOT_A_TERM for a token that cannot identify a claim)."""
        tid = self._tokens.get(tok)
        return self._new_tokens([tok])[0] if tid is None else tid

    def of_tokens(self, toks: list[str]) -> list[int]:
        """``of_token`` of each token; the tokens not met before are resolved together, their new terms appended
        at once."""
        get = self._tokens.get
        tids = [get(tok, _NOT_LOOKED_UP) for tok in toks]
        if _NOT_LOOKED_UP not in tids:
            return tids
        new = list(dict.fromkeys(tok for tok, tid in zip(toks, tids) if tid == _NOT_LOOKED_UP))
        resolved = dict(zip(new, self._new_tokens(new)))
        return [resolved[tok] if tid == _NOT_LOOKED_UP else tid for tok, tid in zip(toks, tids)]

    def _new_tokens(self, toks: list[str]) -> list[int]:
        terms = [self._term_of(tok) for tok in toks]
        ids = self._ids
        fresh = list(dict.fromkeys(term for term in terms if term is not None and term not in ids))
        if fresh:
            self._append_many(fresh)
        tids = [NOT_A_TERM if term is None else ids[term] for term in terms]
        if len(self._tokens) + len(toks) > self.token_limit:
            self._tokens.clear()
        self._tokens.update(zip(toks, tids))
        return tids

    def _append_many(self, terms: list[str]) -> None:
        start = len(self._ids)
        stop = start + len(terms)
        if stop > self._weight.shape[0]:
            grow = max(stop, 2 * self._weight.shape[0]) - self._weight.shape[0]
            self._weight = np.concatenate([self._weight, np.zeros(grow)])
            self._column = np.concatenate([self._column, np.full(grow, -1, dtype=np.int64)])
            self._factored = np.concatenate([self._factored, np.zeros(grow)])
        self._ids.update(zip(terms, range(start, stop)))
        self._weight[start:stop] = [self._weight_of(term) for term in terms]
        self._column[start:stop] = [self._column_of(term) for term in terms]

    def of_batch(
        self, normalized: Sequence[str], tokens: BatchTokens | None, n_feature_tokens: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """(term id, text number) of every token of the texts, in order. With ``tokens`` (the texts' tokens as
        the FeatureSpace read them; ids below ``n_feature_tokens``) a token of the feature vocabulary is mapped
        by an array look-up; other tokens, and the texts ``tokens`` holds only in part, go through the token
        cache. Compacts the table first when it is over its limit."""
        if len(self._ids) > self.term_limit:
            self._compact()
        if tokens is None:
            return self.of_texts(normalized, range(len(normalized)))
        if self._feature_terms.shape[0] != n_feature_tokens + 1:
            self._feature_terms = np.full(n_feature_tokens + 1, _NOT_LOOKED_UP, dtype=np.int64)
        memo = self._feature_terms  # the last entry stands for id -1 (outside the vocabulary): never filled
        ftid = tokens.tid
        tid = memo[ftid]
        todo = np.flatnonzero(tid == _NOT_LOOKED_UP)
        if todo.size:
            text, starts, ends = tokens.enc.text, tokens.starts[todo].tolist(), tokens.ends[todo].tolist()
            tid[todo] = self.of_tokens([text[a:b] for a, b in zip(starts, ends)])
            vocabulary = todo[ftid[todo] >= 0]
            memo[ftid[vocabulary]] = tid[vocabulary]
        doc = tokens.doc
        if tokens.cut:  # texts the FeatureSpace read only in part: read whole
            kept = ~np.isin(doc, tokens.cut)
            rest_tid, rest_doc = self.of_texts(normalized, tokens.cut)
            tid, doc = np.concatenate([tid[kept], rest_tid]), np.concatenate([doc[kept], rest_doc])
        return tid, doc

    def of_texts(self, normalized: Sequence[str], which: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """``of_batch`` for texts ``which``, through the token cache."""
        toks: list[str] = []
        counts: list[int] = []
        for i in which:
            words = normalized[i].split()
            toks.extend(words)
            counts.append(len(words))
        return np.asarray(self.of_tokens(toks), dtype=np.int64), np.repeat(np.asarray(which, dtype=np.int64), counts)

    # ------------------------------------------------------------------------------------------------ values
    def column(self, tid: int) -> int:
        """The claim column of term ``tid`` (-1: in no claim)."""
        return int(self._column[tid])

    def columns(self) -> np.ndarray:
        """Claim column per term id (-1: in no claim)."""
        return self._column[: len(self._ids)]

    def weights(self, factor_of: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """Weight per term id: background IDF x ``factor_of(columns)``, the claim-collection factor (computed for
        the ids added or changed since the last call)."""
        n = len(self._ids)
        lo = self._factored_upto
        if lo < n:
            self._factored[lo:n] = self._weight[lo:n] * factor_of(self._column[lo:n])
            self._factored_upto = n
        return self._factored[:n]

    def set_column(self, term: str, column: int) -> None:
        """A claim now uses ``term`` (as column ``column``)."""
        tid = self._ids.get(term)
        if tid is not None:
            self._column[tid] = column
            self._factored_upto = min(self._factored_upto, tid)

    def renumber_columns(self, new_of_old: np.ndarray) -> None:
        """The claim columns were renumbered (``new_of_old[old]``; -1: no claim uses the term any more)."""
        column = self._column[: len(self._ids)]
        used = column >= 0
        column[used] = new_of_old[column[used]]
        self._factored_upto = 0

    def factor_changed(self) -> None:
        """The claim-collection factors were recomputed: every weight is recomputed at the next ``weights``."""
        self._factored_upto = 0

    # ------------------------------------------------------------------------------------------------ bound
    def _compact(self) -> None:
        """Keep only the terms of feature-vocabulary tokens (met again and again); renumber them."""
        memo = self._feature_terms
        known = memo >= 0
        old_n = len(self._ids)
        keep = np.zeros(old_n, dtype=bool)
        keep[memo[known]] = True
        new_id = np.cumsum(keep) - 1
        memo[known] = new_id[memo[known]]
        renumber = np.where(keep, new_id, -1).tolist()
        self._ids = {term: r for term, tid in self._ids.items() if (r := renumber[tid]) >= 0}
        n = len(self._ids)
        self._weight[:n] = self._weight[:old_n][keep]
        self._column[:n] = self._column[:old_n][keep]
        self._tokens.clear()
        self._factored_upto = 0
        self.compactions += 1
