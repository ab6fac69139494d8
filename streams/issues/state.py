"""Per-issue state: a bounded, JSON-serialisable dict that lives in a changelog-backed table.

Layout (short keys keep changelog records small)::

    {
      "v": 1, "id": issue id, "kind": claim|topic|share|misc, "label": human label,
      "first_ms"/"last_ms": earliest/latest post created_at (epoch ms),
      "m": {minute: bucket}      detailed per-minute buckets, only for minutes still being evaluated
      "c": {minute: posts}       post counts per minute for the baseline horizon (evaluation + baseline window)
      "f": {minute: fingerprints} for the same folded minutes: the post ids counted in them (see below)
      "arch": totals             everything older than the detailed buckets, merged
      "claims": {claim id: {"claim", "verdict"}},
      "eval": last evaluated minute, "level": level at that minute, "max": highest level published,
      "emitted": {"2": {"id", "time"}, ...}, "status": active|confirmed|false_alarm|resolved,
      "feedback": {verdict: count, "last": {...}},
      "xb": 5-minute slot of the scheduled expiry check ("xh": its hour, in states of earlier releases),
      "snap": metrics of the last evaluation (for the public issue record),
      "due": [[first, last], ...] the minutes its posts still have it evaluated in (sorted runs; absent if none)
      "held": [scored post, ...] posts made after its idle deadline, while posts before the deadline may still
              come (the engine's "Held posts"; absent if none)
    }

A bucket holds counts (posts, negative, positive, hoax, hoax probability in micro-units, reach, shares), the
earliest/latest created_at, claim counts and similarity sums, a bottom-k sketch of author hashes (distinct authors), the hashes of its post ids
(at-least-once redelivery is not counted twice), two sample posts, claim counts, posts per platform ("pl") and per
province ("rg", a fixed set: streams.issues.places) and, for coordination, the accounts behind each near-duplicate
band key. Platform and province counts serve the evaluation window only and are not folded into the totals.

When a bucket is folded into "c", its id hashes move to "f" as 32-bit fingerprints (sorted, big-endian, base64:
about 5.3 characters per post instead of about 17 for a JSON number), kept exactly as long as the minute's count in
"c", i.e. for the whole baseline horizon. A post arriving for a folded minute is checked against them, so a post
produced again long after its minute left the detailed window is still counted once, in the baseline and in the
totals. At most ``MAX_FOLDED_IDS_PER_MINUTE`` fingerprints are kept per minute (the smallest), so a minute of a
very hot issue costs at most ~11 KB of state (~650 KB for the default 60-minute baseline), and beyond that cap
a re-produced post may be counted again. A fingerprint collision (two distinct ids of one issue and one minute
sharing their top 32 bits: probability under 5e-7 per post at the cap) would make a genuine post count as a
duplicate. Posts older than the baseline horizon only reach the lifetime totals ("arch") and are not checked:
they no longer affect any signal, only the issue's lifetime totals.

The engine sees a state as this one dict. The live worker stores a state of 64 KiB or more as several records
(:class:`streams.issues.store.SplitStateStore`): one per minute of "m" and of "f", and a core with the
rest under the issue id, so that a batch rewrites only the records it changed (for a hot issue, the current
minute's bucket and the core, ~60 KB, instead of the whole ~1.2 MB state). ``sigap simulate`` keeps plain dicts.

Every bounded collection keeps the *k smallest* elements of a fixed order (hash or id), never "the first k to
arrive", so a bucket's content depends on which posts fell into it and never on their arrival order: this is
what makes escalations independent of replay speed and of how partitions interleave.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import struct
from dataclasses import dataclass

from streams.issues.places import count_into

KMV_BUCKET = 64
KMV_TOTAL = 128
MAX_IDS_PER_BUCKET = 2048
MAX_FOLDED_IDS_PER_MINUTE = 2048  # id fingerprints kept per folded minute (see remember_folded_ids)
FINGERPRINT_SHIFT = 20            # a fingerprint is the top 32 bits of the 52-bit id hash
MAX_BANDS_PER_BUCKET = 128
MAX_ACCOUNTS_PER_BAND = 64
SAMPLES_PER_BUCKET = 3
TEXT_MAX = 280
URL_MAX = 2048  # a sample post's url (a post's url has no limit of its own; escalations carry up to 20 samples)
MAX_CLAIMS = 16
HASH_SPACE = 1 << 52
MICRO = 1_000_000

STATE_VERSION = 1


def h52(value: str) -> int:
    """A 52-bit process-independent hash (exact in JSON numbers everywhere)."""
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=7).digest(), "big") >> 4


@dataclass(slots=True)
class PostFacts:
    """What the issue state keeps of one scored post."""

    post_id: str
    id_hash: int
    ms: int
    minute: int
    author_id: str
    author_hash: int
    followers: int        # -1 when unknown
    age_days: float       # account age when it posted; -1 when unknown
    sentiment: str
    hoax: bool
    hoax_micro: int
    claim_id: str | None
    claim_similarity_micro: int
    reach: int
    shares: int
    bands: list[str]
    sample: dict
    platform: str = ""
    province: str | None = None  # streams.issues.places.province_code of the post's region


def new_totals() -> dict:
    return {"n": 0, "neg": 0, "pos": 0, "hoax": 0, "hp": 0, "reach": 0, "shares": 0, "au": [], "cl": {}}


def new_bucket(ms: int) -> dict:
    return {
        "n": 0, "neg": 0, "pos": 0, "hoax": 0, "hp": 0, "reach": 0, "shares": 0,
        "min_ms": ms, "max_ms": ms, "au": [], "ids": [], "sm": [], "cl": {}, "co": {},
    }


def new_state(issue_id: str, kind: str, label: str) -> dict:
    return {
        "v": STATE_VERSION, "id": issue_id, "kind": kind, "label": label,
        "first_ms": None, "last_ms": None,
        "m": {}, "c": {}, "arch": new_totals(), "claims": {},
        "eval": None, "level": 0, "max": 0, "emitted": {},
        "status": "active", "feedback": {}, "xb": None, "snap": None,
    }


# --- bottom-k sketches ----------------------------------------------------------------------------------------

def kmv_add(sketch: list[int], value: int, k: int) -> None:
    """Insert ``value`` into a sorted bottom-k sketch in place."""
    if len(sketch) >= k and value >= sketch[-1]:
        return
    i = bisect.bisect_left(sketch, value)
    if i < len(sketch) and sketch[i] == value:
        return
    sketch.insert(i, value)
    if len(sketch) > k:
        sketch.pop()


def kmv_union(sketches: list[list[int]], k: int) -> list[int]:
    merged = sorted(set().union(*sketches)) if sketches else []
    return merged[:k]


def kmv_estimate(sketch: list[int], k: int) -> int:
    """Distinct count behind a bottom-k sketch: exact below k, the KMV estimator above."""
    if len(sketch) < k:
        return len(sketch)
    return int(round((k - 1) * HASH_SPACE / (sketch[k - 1] + 1)))


# --- adding posts ---------------------------------------------------------------------------------------------

def _sample_key(sample: dict) -> tuple:
    return (-int(sample.get("reach") or 0), str(sample.get("id")))


def add_to_totals(totals: dict, facts: PostFacts, kmv_k: int) -> None:
    totals["n"] += 1
    if facts.sentiment == "negative":
        totals["neg"] += 1
    elif facts.sentiment == "positive":
        totals["pos"] += 1
    if facts.hoax:
        totals["hoax"] += 1
    totals["hp"] += facts.hoax_micro
    totals["reach"] += facts.reach
    totals["shares"] += facts.shares
    kmv_add(totals["au"], facts.author_hash, kmv_k)
    if facts.claim_id is not None:
        totals["cl"][facts.claim_id] = totals["cl"].get(facts.claim_id, 0) + 1
        similarity = totals.setdefault("cs", {})
        similarity[facts.claim_id] = similarity.get(facts.claim_id, 0) + facts.claim_similarity_micro


def add_to_bucket(bucket: dict, facts: PostFacts) -> None:
    add_to_totals(bucket, facts, KMV_BUCKET)
    if facts.ms < bucket["min_ms"]:
        bucket["min_ms"] = facts.ms
    if facts.ms > bucket["max_ms"]:
        bucket["max_ms"] = facts.ms
    count_into(bucket.setdefault("pl", {}), facts.platform)
    if facts.province is not None:
        count_into(bucket.setdefault("rg", {}), facts.province)
    samples = bucket["sm"]
    samples.append(facts.sample)
    samples.sort(key=_sample_key)
    del samples[SAMPLES_PER_BUCKET:]
    if facts.bands:
        _add_coordination(bucket["co"], facts)


def _add_coordination(bands: dict, facts: PostFacts) -> None:
    entry = [facts.author_id, facts.age_days, facts.followers, facts.ms // 1000]
    for band in facts.bands:
        accounts = bands.get(band)
        if accounts is None:
            if len(bands) >= MAX_BANDS_PER_BUCKET:
                largest = max(bands)
                if band >= largest:
                    continue
                del bands[largest]
            bands[band] = [entry]
            continue
        ids = [a[0] for a in accounts]
        i = bisect.bisect_left(ids, facts.author_id)
        if i < len(ids) and ids[i] == facts.author_id:
            if entry[3] < accounts[i][3]:
                accounts[i] = entry
            continue
        if len(accounts) >= MAX_ACCOUNTS_PER_BAND and facts.author_id > ids[-1]:
            continue
        accounts.insert(i, entry)
        if len(accounts) > MAX_ACCOUNTS_PER_BAND:
            accounts.pop()


def seen_in_bucket(bucket: dict, id_hash: int) -> bool:
    ids = bucket["ids"]
    i = bisect.bisect_left(ids, id_hash)
    return i < len(ids) and ids[i] == id_hash


def remember_id(bucket: dict, id_hash: int) -> None:
    ids = bucket["ids"]
    if len(ids) >= MAX_IDS_PER_BUCKET:
        return
    bisect.insort(ids, id_hash)


def _unpack_fingerprints(packed: str | None) -> list[int]:
    if not packed:
        return []
    raw = base64.b64decode(packed)
    return list(struct.unpack(f">{len(raw) // 4}I", raw))


def _pack_fingerprints(values: list[int]) -> str:
    return base64.b64encode(struct.pack(f">{len(values)}I", *values)).decode("ascii")


def seen_folded(state: dict, minute_key: str, id_hash: int) -> bool:
    """Whether a post of an already folded minute was counted in it (see the module docstring)."""
    packed = (state.get("f") or {}).get(minute_key)
    if not packed:
        return False
    values = _unpack_fingerprints(packed)
    fingerprint = id_hash >> FINGERPRINT_SHIFT
    i = bisect.bisect_left(values, fingerprint)
    return i < len(values) and values[i] == fingerprint


def remember_folded_ids(state: dict, minute_key: str, id_hashes: list[int]) -> None:
    """Add id hashes to a folded minute's fingerprints, keeping the ``MAX_FOLDED_IDS_PER_MINUTE`` smallest."""
    if not id_hashes:
        return
    folded = state.setdefault("f", {})
    values = set(_unpack_fingerprints(folded.get(minute_key)))
    values.update(h >> FINGERPRINT_SHIFT for h in id_hashes)
    folded[minute_key] = _pack_fingerprints(sorted(values)[:MAX_FOLDED_IDS_PER_MINUTE])


def forget_folded_minutes(state: dict, horizon: int) -> None:
    """Drop the fingerprints of folded minutes up to ``horizon`` (they left the baseline horizon)."""
    folded = state.get("f")
    if folded:
        for key in [k for k in folded if int(k) <= horizon]:
            del folded[key]


def merge_bucket_into_totals(totals: dict, bucket: dict) -> None:
    for field in ("n", "neg", "pos", "hoax", "hp", "reach", "shares"):
        totals[field] += bucket[field]
    totals["au"] = kmv_union([totals["au"], bucket["au"]], KMV_TOTAL)
    for claim_id, count in bucket["cl"].items():
        totals["cl"][claim_id] = totals["cl"].get(claim_id, 0) + count
    for claim_id, micro in bucket.get("cs", {}).items():
        similarity = totals.setdefault("cs", {})
        similarity[claim_id] = similarity.get(claim_id, 0) + micro


def remember_claim(state: dict, claim_match: dict) -> str | None:
    claim_id = claim_match.get("claim_id")
    if claim_id in (None, ""):
        return None
    claim_id = str(claim_id)
    claims = state["claims"]
    if claim_id not in claims:
        if len(claims) >= MAX_CLAIMS and claim_id > max(claims):
            return claim_id
        claims[claim_id] = {
            "claim": str(claim_match.get("claim") or "")[:500],
            "verdict": str(claim_match.get("verdict") or ""),
        }
        if len(claims) > MAX_CLAIMS:
            del claims[max(claims)]
    return claim_id


def schedule_evaluations(state: dict, first: int, last: int) -> None:
    """Note in ``state["due"]`` that the issue is evaluated in minutes ``first``..``last`` (merged, sorted runs)."""
    runs = sorted([*(state.get("due") or ()), [first, last]])
    merged: list[list[int]] = []
    for start, end in runs:
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    state["due"] = merged


def is_scheduled(state: dict, minute: int) -> bool:
    """Whether ``state["due"]`` schedules an evaluation of ``minute``."""
    return any(first <= minute <= last for first, last in state.get("due") or ())


def evaluated(state: dict, minute: int) -> None:
    """Drop the runs of ``state["due"]`` ending at or before ``minute``, now evaluated (the key, once none is left)."""
    runs = state.get("due")
    if runs and runs[0][1] <= minute:
        left = [run for run in runs if run[1] > minute]
        if left:
            state["due"] = left
        else:
            del state["due"]
