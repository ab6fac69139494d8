"""A bounded memo of a function of short strings, for the per-word steps that run on every post.

Words recur, so a step computed once per distinct word costs a dict look-up per word after that. The memo is emptied
when it reaches ``limit`` entries (an unbounded one would grow with every new word of a long-running worker), and
keys longer than ``max_key_chars`` are computed every time, never kept: long runs of characters rarely repeat, and a
stream built to fill the memo with them would otherwise hold gigabytes. A step can also say which of its values are
not worth keeping (``keep``), e.g. the normaliser's rewrite of a token that held a link.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class BoundedMemo(Generic[V]):
    """``values.get(key)`` or, when that is None, ``miss(key)``: the value of ``compute(key)`` (never None)."""

    def __init__(self, compute: Callable[[str], V], limit: int = 200_000, max_key_chars: int = 64,
                 keep: Callable[[V], bool] | None = None) -> None:
        """``keep``: whether a value is kept (None: every value of a short enough key)."""
        self.values: dict[str, V] = {}
        self._compute = compute
        self._limit = limit
        self._max_key_chars = max_key_chars
        self._keep = keep

    def miss(self, key: str) -> V:
        value = self._compute(key)
        if len(key) <= self._max_key_chars and (self._keep is None or self._keep(value)):
            if len(self.values) >= self._limit:
                self.values.clear()
            self.values[key] = value
        return value

    def __call__(self, key: str) -> V:
        value = self.values.get(key)
        return self.miss(key) if value is None else value
