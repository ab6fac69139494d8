"""Issue states kept as several changelog records, so that a batch rewrites only the parts it changed.

A hot issue's state (:mod:`streams.issues.state`) is ~1.3 MB, mostly its detailed minute buckets (``state["m"]``,
each with up to 2048 post-id hashes) and its folded minutes' fingerprints (``state["f"]``). The engine rewrites a
state after every batch that touches it, and a changelog-backed table writes one record per assignment, so
storing the state as one value rewrote all of it every 0.2 s. :class:`SplitStateStore` presents whole states to
the engine (which is unchanged) and stores each issue in a backend mapping (a Faust table, a dict, a test store)
as:

* ``issue_id``: the **core**, the state without ``"m"`` and ``"f"``, plus three keys of its own (none of them is
  a state key)::

      "mk": {minute: slot}   the detailed minutes, in the state's order; absent when the state has no "m"
      "fk": {minute: slot}   the folded minutes' fingerprints, in the state's order; absent when "f" is missing
                             or empty (an empty "f" stays inline in the core)
      "wn": write nonce      a random number drawn at each write of the core; its presence marks this layout

* ``f"{issue_id}\\x1fm{minute}.{slot}"``: one **bucket** record per detailed minute (``state["m"][minute]``);
* ``f"{issue_id}\\x1ff{minute}.{slot}"``: one **fingerprints** record per folded minute (``state["f"][minute]``,
  a base64 string).

Only states of at least ``split_min_bytes`` (64 KiB by default) are split; smaller ones (most issues) stay one
record, as earlier releases stored every state, since one changelog send costs less than three and needs no
digests. A split state is joined again once it falls under half that size.

A batch that adds posts to the current minute writes that minute's bucket and the core (and deletes the
bucket's previous record: a tombstone of a few dozen bytes). A minute folded writes its fingerprints once; they
change again only if a post arrives for that folded minute.

**Slots: the core is the commit point.** A part record is never overwritten while the current core refers to
it: a changed part is written to its *other* slot (``0``/``1``), then the core that refers to the new slots, then
the records the new core no longer refers to are deleted (the previous slots of changed parts, and both slots of
parts gone: minutes folded away, fingerprints forgotten). So a crash (a worker killed, a changelog whose last
records were never sent: all records of an issue go to one changelog partition, in order, because the worker
sets the current event before writing, see ``agents/issues.py``) leaves:

* before the core was written: the old core and, intact, every record it refers to, i.e. exactly the state
  before the batch; the batch is processed again from that state and gives what an uninterrupted run gives. The
  new records already written are orphans, overwritten when the batch is processed again. (Writing the parts in
  place would not be safe: a bucket holds its counts and its post-id hashes together, but the core holds the
  issue's post count, first/last times, expiry hour, baseline counts of folded minutes... and a re-processed post
  found in the already-written bucket is skipped as a duplicate, so the core would never count it.)
* after the core, before the deletes: the new state, complete, plus orphan records no core refers to; they are
  never read, and the next write of that part (or its removal) overwrites or deletes them.

Whole-issue deletion removes the core first (the commit point), then every part record.

**Change detection.** The engine mutates the buckets it reads in place, and a Faust memory store returns the very
objects it holds, so neither identity nor equality against the backend can tell a changed part. The store keeps,
per issue, a token of each part as last written or read (``blake2b`` of a bucket's orjson encoding; a minute's
fingerprints are an immutable string, replaced and never edited, so the string itself), the
digest of its core and the core's nonce. A part is written when its token differs from the remembered one or is
unknown. On a read, if the core's nonce is the one remembered, the tokens still describe the records (no process
following this protocol rewrites a record the current core refers to, and another write of the core would have
drawn another nonce), so nothing is hashed again; otherwise they are computed from the records as read, before
the engine can mutate them. The cache is per process and bounded (least recently used issues forgotten); an issue
unknown at write time has all its parts written.

**Decoded parts.** The worker's backend holds encodings (:mod:`streams.issues.encoded`), so every read decodes.
A hot issue is read at every batch, and decoding its ~1.2 MB (mostly post-id hashes and account lists) took
~18 ms, ten times the rest of a small batch's work. So the store keeps, for the ``max_decoded_issues`` (64) issues
in the split layout it read or wrote last, the part values it handed to the engine, and hands out the same
objects again while the core's nonce and the part's slot are the remembered ones (the records are then unchanged,
as above). The engine mutates them in place, as it did the objects a Faust table of objects handed out; the
tokens tell what changed, as before. A small state (one record) is decoded at every batch's first read.

Those objects may carry a call's changes before they are written, so they are *lent*: a read takes them out of the
store's keeping, and only a write or :meth:`SplitStateStore.give_back` (the engine, once the call that read them
is committed) puts them back. A call prepared and never committed (the issue agent raised, and Faust restarted it
in the same process, with new engines over this store) gives nothing back, and the next read decodes the parts
afresh: it finds the state as committed. (Until they were lent, the next call got the abandoned call's buckets,
its posts already in them but not in the core's counts, and a post of that batch read again was skipped as a
duplicate: lost from the issue's counts.)

States written before this layout (one record with ``"m"`` and ``"f"`` inline, no ``"wn"``) are read as they are
and rewritten in this layout on their next write.
"""

from __future__ import annotations

import hashlib
import logging
import random
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field

import orjson

log = logging.getLogger(__name__)

SEP = "\x1f"             # separates an issue id from a part name in record keys (never in an issue id)
MINUTES_KEY = "mk"       # core: {minute: slot} of the bucket records
FOLDED_KEY = "fk"        # core: {minute: slot} of the fingerprints records
NONCE_KEY = "wn"         # core: write nonce; marks the split layout
LAYOUT_KEYS = (MINUTES_KEY, FOLDED_KEY, NONCE_KEY)
# (state key, core key): the state's per-minute maps; each minute is a record of its own, part "m<minute>" or
# "f<minute>"
SECTIONS = (("m", MINUTES_KEY), ("f", FOLDED_KEY))
DEFAULT_MAX_CACHED_ISSUES = 50_000
DEFAULT_MAX_DECODED_ISSUES = 64
# A state whose encoding is smaller than this stays one record (the layout of earlier releases): most issues are
# small, and for them one record costs less than several (each record is a changelog send) plus the digests.
# A split state goes back to one record below half of it, so a state near the limit does not flip every batch.
DEFAULT_SPLIT_MIN_BYTES = 64 * 1024


def _digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=16).digest()


def _encode(value) -> bytes | str:
    """A part as it is compared and sized: a string (a minute's fingerprints) as itself, a bucket encoded."""
    return value if type(value) is str else orjson.dumps(value)


def _token(raw: bytes | str) -> object:
    """What tells a changed part: a string is immutable, so itself; an encoding, its digest."""
    return raw if type(raw) is str else _digest(raw)


@dataclass(slots=True)
class _Known:
    """What this process last wrote or read of one issue."""

    nonce: object = None              # the core's write nonce (None: not in the split layout)
    core: bytes | None = None         # digest of the core without its nonce
    parts: dict[str, tuple[int, object]] = field(default_factory=dict)  # part -> (slot, token or None)
    # part -> the value handed to the engine at the slot in ``parts`` (see "Decoded parts" in the module docstring)
    values: dict[str, object] = field(default_factory=dict)


# What is known of an issue held as one record: nothing beyond that. Shared by all of them (most issues), so never
# changed in place: a split state always gets a _Known of its own.
_WHOLE = _Known()


class SplitStateStore(MutableMapping):
    """A ``MutableMapping[str, dict]`` of whole issue states over ``backend``, which holds them as several records
    (see the module docstring). Iteration and ``len`` cover issues (core records), not records."""

    def __init__(self, backend: MutableMapping, *, max_cached_issues: int = DEFAULT_MAX_CACHED_ISSUES,
                 max_decoded_issues: int = DEFAULT_MAX_DECODED_ISSUES, split_min_bytes: int = DEFAULT_SPLIT_MIN_BYTES,
                 on_write: Callable[[int], None] | None = None) -> None:
        self.backend = backend
        self._on_write = on_write  # called with the size of every record written (metrics)
        self._set_encoded = getattr(backend, "set_encoded", None)
        self.max_cached_issues = max_cached_issues
        self.max_decoded_issues = max_decoded_issues
        self.split_min_bytes = split_min_bytes
        self._known: dict[str, _Known] = {}
        self._decoded: dict[str, None] = {}  # issues whose parts' values are kept, least recently used first
        # part values handed out and not given back yet (see "Decoded parts"): issue -> (its _Known, the values)
        self._lent: dict[str, tuple[_Known, dict[str, object]]] = {}
        self._random = random.Random()
        # Cheap counters of what reached the backend (payload bytes as orjson encodes them, plus the key; a core's
        # nonce counted as 24 bytes; deletions not counted).
        self.records_written = 0
        self.bytes_written = 0

    # --- keys -----------------------------------------------------------------------------------------------

    @staticmethod
    def part_key(issue_id: str, part: str, slot: int) -> str:
        """The record key of one part (``"m<minute>"`` or ``"f<minute>"``) of an issue in one slot."""
        return f"{issue_id}{SEP}{part}.{slot}"

    # --- reading --------------------------------------------------------------------------------------------

    def __getitem__(self, issue_id: str) -> dict:
        if not isinstance(issue_id, str) or SEP in issue_id:
            raise KeyError(issue_id)
        core = self.backend.get(issue_id)
        if core is None:
            self._forget(issue_id)
            raise KeyError(issue_id)
        if NONCE_KEY not in core:
            # One record (a small state, or one written by an earlier release): nothing of it is a part record, so
            # if its next write splits it, every part is written.
            self._remember(issue_id, _WHOLE)
            return dict(core)
        known = self._known.get(issue_id)
        trusted = known is not None and known.core is not None and known.nonce == core[NONCE_KEY]
        if not trusted:
            known = _Known(nonce=core[NONCE_KEY], core=_digest(orjson.dumps(self._strip(core))))
        state = self._strip(core)
        for name, core_key in SECTIONS:
            slots = core.get(core_key)
            if slots is None:
                continue
            values = {}
            for minute, slot in slots.items():
                part = name + minute
                if trusted and part in known.values and known.parts.get(part, (None,))[0] == slot:
                    values[minute] = known.values[part]
                    continue
                value = self._read_part(issue_id, part, slot)
                if value is None:
                    known.parts.pop(part, None)
                    continue
                values[minute] = known.values[part] = value
                if not trusted:
                    known.parts[part] = (slot, _token(_encode(value)))
            state[name] = values
        self._remember(issue_id, known)
        if known.values:
            self._lend(issue_id, known)
        return state

    def give_back(self, issue_id: str) -> None:
        """The engine's call that read ``issue_id`` was committed without writing it: the next read may hand out the
        part values it lent again (see "Decoded parts" in the module docstring)."""
        lent = self._lent.pop(issue_id, None)
        if lent is not None and self._known.get(issue_id) is lent[0]:
            lent[0].values = lent[1]
            self._remember(issue_id, lent[0])

    def _lend(self, issue_id: str, known: _Known) -> None:
        self._lent.pop(issue_id, None)
        self._lent[issue_id] = (known, known.values)
        known.values = {}
        if len(self._lent) > self.max_decoded_issues:  # (never given back: abandoned calls, reads from outside)
            del self._lent[next(iter(self._lent))]

    def _read_part(self, issue_id: str, part: str, slot: int):
        value = self.backend.get(self.part_key(issue_id, part, slot))
        if value is None:
            # Cannot happen with this store's write order; keep the issue usable rather than failing every batch.
            log.error("issue state %r: record %r.%d referenced by its core is missing; dropped", issue_id, part, slot)
        return value

    @staticmethod
    def _strip(core: dict) -> dict:
        return {k: v for k, v in core.items() if k not in LAYOUT_KEYS}

    def __contains__(self, issue_id: object) -> bool:
        return isinstance(issue_id, str) and SEP not in issue_id and self.backend.get(issue_id) is not None

    def __iter__(self) -> Iterator[str]:
        return iter([key for key in list(self.backend.keys()) if SEP not in key])

    def __len__(self) -> int:
        return sum(1 for key in list(self.backend.keys()) if SEP not in key)

    # --- writing --------------------------------------------------------------------------------------------

    def __setitem__(self, issue_id: str, state: dict) -> None:
        if not isinstance(issue_id, str) or SEP in issue_id:
            raise ValueError(f"an issue id cannot contain {SEP!r}: {issue_id!r}")
        if not isinstance(state, dict):
            raise TypeError("an issue state is a dict")
        if any(key in state for key in LAYOUT_KEYS):
            raise ValueError(f"the keys {', '.join(LAYOUT_KEYS)} of an issue state are reserved for its core record")
        known = self._known.get(issue_id)
        if known is None:
            known = self._known_from_backend(issue_id)
        try:
            self._write(issue_id, state, known)
        except BaseException:
            self._forget(issue_id)  # some records may be written, others not: trust nothing
            raise

    def _write(self, issue_id: str, state: dict, known: _Known) -> None:
        if known.nonce is None:
            # One record now (most issues): one encoding gives the size and, to a backend that takes encodings,
            # the record.
            raw = orjson.dumps(state)
            if len(raw) < self.split_min_bytes:
                self._write_whole(issue_id, state, known, raw)
                return
        core = {k: v for k, v in state.items() if k not in ("m", "f")}
        # each part encoded once: for the size, and (if split) for its digest
        encoded: dict[str, dict[str, bytes | str]] = {}
        size = len(orjson.dumps(core))
        for name, _ in SECTIONS:
            raws = encoded[name] = {}
            for minute, value in (state.get(name) or {}).items():
                raws[minute] = _encode(value)
                size += len(raws[minute])
        if known.nonce is not None and size < self.split_min_bytes // 2:
            self._write_whole(issue_id, state, known, orjson.dumps(state))
            return
        parts: dict[str, tuple[int, object]] = {}
        kept: dict[str, object] = {}  # part -> the value this state holds (kept for the next read)
        # 1. the parts that changed, each into the slot the current core does not refer to
        for name, core_key in SECTIONS:
            values = state.get(name)
            if values is None:
                continue
            if not values:
                core[name] = values  # empty: inline
                continue
            slots = {}
            for minute, value in values.items():
                part = name + minute
                parts[part] = self._put_part(issue_id, part, value, encoded[name][minute], known)
                kept[part] = value
                slots[minute] = parts[part][0]
            core[core_key] = slots
        # 2. the core: the commit point
        raw = orjson.dumps(core)
        digest = _digest(raw)
        nonce = known.nonce
        if digest != known.core or nonce is None:
            nonce = self._random.getrandbits(52)
            core[NONCE_KEY] = nonce
            self._set(issue_id, core, len(raw) + 24)
        # 3. the records the new core no longer refers to
        self._drop_unreferenced(issue_id, known.parts, parts)
        self._lent.pop(issue_id, None)
        self._remember(issue_id, _Known(nonce=nonce, core=digest, parts=parts, values=kept))

    def _write_whole(self, issue_id: str, state: dict, known: _Known, raw: bytes) -> None:
        """A small state (``raw``: its encoding): one record, then the part records of its split past (the record
        is the commit point)."""
        self._set(issue_id, state, len(raw), raw)
        self._drop_unreferenced(issue_id, known.parts, {})
        self._lent.pop(issue_id, None)
        self._remember(issue_id, _WHOLE)

    def _drop_unreferenced(self, issue_id: str, old: dict[str, tuple[int, object]],
                           new: dict[str, tuple[int, object]]) -> None:
        """Delete the part records of ``old`` that ``new`` no longer refers to: the previous slot of a part written
        again, both slots of a part gone (the other may hold an orphan a crash left)."""
        for part, (slot, _) in old.items():
            kept = new.get(part)
            if kept is None:
                self._discard(self.part_key(issue_id, part, slot))
                self._discard(self.part_key(issue_id, part, 1 - slot))
            elif kept[0] != slot:
                self._discard(self.part_key(issue_id, part, slot))

    def _put_part(self, issue_id: str, part: str, value, raw: bytes | str, known: _Known) -> tuple[int, object]:
        """Write one part (``raw``: its encoding, or the string itself) if it changed; returns its (slot, token)."""
        before = known.parts.get(part)
        token, size = _token(raw), len(raw) + (2 if type(raw) is str else 0)  # a string is sent quoted
        if before is not None and before[1] is not None and before[1] == token:
            return before
        slot = self._next_slot(before[0] if before is not None else None)
        self._set(self.part_key(issue_id, part, slot), value, size, raw if type(raw) is bytes else None)
        return slot, token

    @staticmethod
    def _next_slot(current: int | None) -> int:
        """The slot a changed part is written to: never the one the current core refers to."""
        return 0 if current is None else 1 - current

    def _known_from_backend(self, issue_id: str) -> _Known:
        """The slots the stored core refers to (contents unknown: every part will be written)."""
        core = self.backend.get(issue_id)
        if core is None or NONCE_KEY not in core:
            return _Known()
        return _Known(nonce=core[NONCE_KEY], core=None, parts=self._parts_of(core))

    @staticmethod
    def _parts_of(core: dict) -> dict[str, tuple[int, object]]:
        """The parts a stored core refers to, with their slots (contents unknown)."""
        return {name + minute: (slot, None) for name, core_key in SECTIONS
                for minute, slot in (core.get(core_key) or {}).items()}

    def _set(self, key: str, value, size: int, raw: bytes | None = None) -> None:
        """Write one record; ``raw``, if given, is ``value``'s encoding, written as it is to a backend that holds
        encodings (:class:`streams.issues.encoded.EncodedValues`)."""
        if raw is not None and self._set_encoded is not None:
            self._set_encoded(key, raw)
        else:
            self.backend[key] = value
        self.records_written += 1
        self.bytes_written += size + len(key)
        if self._on_write is not None:
            self._on_write(size + len(key))

    def _discard(self, key: str) -> None:
        if key in self.backend:
            del self.backend[key]

    def _remember(self, issue_id: str, known: _Known) -> None:
        cache = self._known
        cache.pop(issue_id, None)
        cache[issue_id] = known  # most recently used last
        while len(cache) > self.max_cached_issues:
            del cache[next(iter(cache))]
        decoded = self._decoded
        decoded.pop(issue_id, None)
        if known.values:
            decoded[issue_id] = None
            while len(decoded) > self.max_decoded_issues:
                oldest = next(iter(decoded))
                del decoded[oldest]
                if oldest in cache:
                    cache[oldest].values = {}

    def _forget(self, issue_id: str) -> None:
        self._known.pop(issue_id, None)
        self._decoded.pop(issue_id, None)
        self._lent.pop(issue_id, None)

    # --- deleting -------------------------------------------------------------------------------------------

    def __delitem__(self, issue_id: str) -> None:
        if not isinstance(issue_id, str) or SEP in issue_id:
            raise KeyError(issue_id)
        core = self.backend.get(issue_id)
        if core is None:
            raise KeyError(issue_id)
        self._forget(issue_id)
        del self.backend[issue_id]  # the commit point: no part is reachable from here on
        if NONCE_KEY in core:
            self._drop_unreferenced(issue_id, self._parts_of(core), {})
