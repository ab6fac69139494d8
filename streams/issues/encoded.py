"""Issue states held in memory as their JSON encoding rather than as Python objects.

A worker holds every issue of its partitions until the issue has been idle for the policy's expiry (an hour for
most, which never grow past a post or two), so the held states are most of a busy worker's memory. As Python
dicts, lists and ints a state takes about three times its JSON encoding. :class:`EncodedValues` keeps each value
as its compact orjson encoding in a backend whose values are bytes (a Faust table with ``value_type=bytes``,
whose changelog then carries exactly these bytes: the same JSON a table of objects sends, so either kind of table
recovers the other's changelog). Every read decodes a fresh copy; :class:`streams.issues.store.SplitStateStore`
keeps the decoded parts of the few hot issues, which it would otherwise decode again at every batch.

Measured with ``benchmarks/bench_issue_engine.py`` (13,175 SmSA and tweet texts as posts over one hour of event
time): the held states add 79 MB as objects and 47 MB as encodings; the engine's CPU grows by about 13 % (each
state decoded at a batch's first read of it). A live worker replaying the same texts grew by 158 MB and 105 MB.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping

import orjson


def compact(raw: bytes) -> bytes:
    """``raw`` in a buffer of its own size: orjson returns its output in the buffer it grew while writing (at
    least a few KiB), which a value held for an hour would keep."""
    return bytes(memoryview(raw))


class EncodedValues(MutableMapping):
    """A ``MutableMapping`` of JSON values over ``backend``, which holds each one as its encoding (bytes)."""

    def __init__(self, backend: MutableMapping) -> None:
        self.backend = backend

    def __getitem__(self, key: str):
        raw = self.backend[key]
        if raw is None:
            raise KeyError(key)
        return orjson.loads(raw)

    def __setitem__(self, key: str, value) -> None:
        self.backend[key] = compact(orjson.dumps(value))

    def set_encoded(self, key: str, raw: bytes) -> None:
        """Hold ``raw``, a value's orjson encoding, as it is (saves encoding it again)."""
        self.backend[key] = compact(raw)

    def __delitem__(self, key: str) -> None:
        del self.backend[key]

    def __contains__(self, key: object) -> bool:
        return key in self.backend

    def __iter__(self) -> Iterator[str]:
        return iter(self.backend)

    def __len__(self) -> int:
        return len(self.backend)
