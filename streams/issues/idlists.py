"""The lists of issue ids an issue engine keeps in its clock table, stored so that adding to one is cheap.

The engine lists the issues with posts in a minute (``a<minute>``: it judges them in the minutes after) and the
issues whose expiry is due in a slot of event time (``xb<slot>``). A list only grows, a few ids per batch, until
the engine takes it whole (judges its minutes, checks its slot) and forgets it. Written whole at every batch, a
list cost its full size each time: at a live density (13,175 posts in 6 minutes of event time on one partition,
7 posts per batch) the clock table wrote 145 MB, 2.8 times the issue states, since the slot an hour ahead lists
every new issue of five minutes.

So a list is a stack of chunks ``<key>.1`` … ``<key>.<n>``, ``n`` kept in the clock (``clock["lc"][key]``). A
batch's additions become a new chunk on top, merged with the chunks below it while those are less than twice its
size, so the chunks at least halve in size going up: a list has at most about log2(its size) chunks, and its ids
are written about that many times each at most instead of once per batch. Positions above ``n`` may hold chunks a
merge left behind (a crash before the clock is written leaves the same); nothing reads them, later pushes
overwrite them, and taking the list deletes them. A whole list written under ``<key>`` by releases before this one
is read too, and deleted when the list is taken.

Releases before this one read only that whole list, so a partition handed to one of them would not see the ids in
chunks: issues with posts in the last minutes would not be judged in those minutes. A rolling upgrade from such a
release (where partitions move between workers of both releases) therefore runs the new workers with
``chunked=False`` first (``SIGAP_ISSUE_LISTS=whole``: every list written whole; the first call on a partition
rewrites any list held in chunks), then rolls them again without it, as Kafka Streams' ``upgrade.from`` does.
"""

from __future__ import annotations

from collections.abc import MutableMapping

COUNTS_FIELD = "lc"  # clock field: {list key: chunks}


def chunk_key(key: str, position: int) -> str:
    return f"{key}.{position}"


class IdLists:
    """The lists one engine call reads, adds to and takes, over ``store`` (the clock table) and ``clock`` (the
    partition's clock record, written by the engine after :meth:`commit`)."""

    def __init__(self, store: MutableMapping, clock: dict, *, chunked: bool = True) -> None:
        self._store = store
        self._chunked = chunked
        self._counts: dict[str, int] = clock.setdefault(COUNTS_FIELD, {})
        self._ids: dict[str, set[str]] = {}
        self._added: dict[str, set[str]] = {}
        self._taken: set[str] = set()

    def ids(self, key: str) -> set[str]:
        """The ids listed under ``key``, this call's additions included (the set is the list's: do not change it)."""
        ids = self._ids.get(key)
        if ids is None:
            ids = self._ids[key] = set() if key in self._taken else self._stored(key)
            ids |= self._added.get(key, set())
        return ids

    def add(self, key: str, ids: set[str]) -> None:
        self._added.setdefault(key, set()).update(ids)
        if key in self._ids:
            self._ids[key] |= ids

    def take(self, key: str) -> None:
        """Forget the list: its ids have been acted on. Ids added after this start it afresh."""
        self._taken.add(key)
        self._added.pop(key, None)
        self._ids[key] = set()

    def commit(self) -> None:
        """Write this call's changes: taken lists deleted, then each list's additions pushed as a chunk (or, not
        chunked, every list that has additions or chunks written whole)."""
        for key in self._taken:
            self._delete(key)
        if self._chunked:
            for key, added in self._added.items():
                if added:
                    self._push(key, added)
            return
        for key in {key for key, added in self._added.items() if added} | set(self._counts):
            self._rewrite(key)

    def _stored(self, key: str) -> set[str]:
        ids = set(self._store.get(key) or ())
        for position in range(1, self._counts.get(key, 0) + 1):
            ids.update(self._store.get(chunk_key(key, position)) or ())
        return ids

    def _push(self, key: str, added: set[str]) -> None:
        chunk = set(added)
        below = self._counts.get(key, 0)
        while below:
            stored = self._store.get(chunk_key(key, below)) or ()
            if len(stored) >= 2 * len(chunk):
                break
            chunk.update(stored)
            below -= 1
        self._store[chunk_key(key, below + 1)] = sorted(chunk)
        self._counts[key] = below + 1

    def _rewrite(self, key: str) -> None:
        """Write the list whole under ``key``, as releases before chunks did, and delete its chunks."""
        ids = self.ids(key)
        stored = self._store.get(key)
        chunks = self._counts.get(key, 0)
        if chunks:
            self._delete(key)
        if ids and (chunks or stored is None or set(stored) != ids):
            self._store[key] = sorted(ids)

    def _delete(self, key: str) -> None:
        if key in self._store:
            del self._store[key]
        count = self._counts.pop(key, 0)
        position = 1
        while position <= count or chunk_key(key, position) in self._store:
            try:
                del self._store[chunk_key(key, position)]
            except KeyError:
                pass
            position += 1
