"""Shared helpers for the issue engine tests: changelog-like stores, scored posts, running engines."""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterable, MutableMapping
from datetime import UTC, datetime, timedelta

import orjson

from streams.issues.engine import IssueEngine, control_kind
from streams.issues.keys import issue_id_for
from streams.policy import load_policy

T0 = datetime(2024, 6, 3, 1, 0, tzinfo=UTC)


class JsonStore(MutableMapping):
    """A dict that stores JSON bytes, like a changelog-backed table: values must be JSON dicts, and a value
    changed in place without being assigned again is lost, exactly as in Faust."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.writes = 0

    def __getitem__(self, key: str) -> dict:
        return orjson.loads(self.data[key])

    def __setitem__(self, key: str, value: dict) -> None:
        assert isinstance(key, str)
        self.data[key] = orjson.dumps(value)  # raises on anything that is not plain JSON
        self.writes += 1

    def __delitem__(self, key: str) -> None:
        del self.data[key]

    def __iter__(self):
        return iter(list(self.data))

    def __len__(self) -> int:
        return len(self.data)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def scored_post(i: int, text: str, at: datetime, *, author: str | None = None, sentiment: str = "neutral",
                hoax: float = 0.1, claim: dict | None = None, followers: int | None = 500,
                account_age_days: float | None = 1000.0, shared_from: str | None = None,
                issue_id: str | None = None, prefix: str = "p") -> dict:
    post = {
        "id": f"{prefix}-{i:06d}",
        "platform": "twitter",
        "text": text,
        "created_at": iso(at),
        "author": {"id": author or f"a-{prefix}-{i}"},
        "engagement": {"likes": 3, "shares": 1, "views": 200},
        "url": f"https://x.com/u/status/{i}",
    }
    if followers is not None:
        post["author"]["followers"] = followers
    if account_age_days is not None:
        post["author"]["created_at"] = iso(at - timedelta(days=account_age_days))
    if shared_from:
        post["shared_from"] = shared_from
    post["scores"] = {
        "hoax": {"probability": hoax, "label": "hoax" if hoax >= 0.5 else "valid", "model": "test"},
        "sentiment": {"label": sentiment, "probabilities": {"negative": 0.1, "neutral": 0.1, "positive": 0.1},
                      "model": "test"},
        "claim_match": claim,
        "issue_id": issue_id or issue_id_for(post, "", [], claim),
        "processed_at": iso(at),
    }
    return post


HOAX_CLAIM = {"claim_id": "c-autis", "claim": "vaksin penyebab autis", "verdict": "hoax", "similarity": 0.8}
HOAX_TEXTS = [
    "Vaksin MMR penyebab autis, hati-hati buat para orang tua muda",
    "Copas dari grup: vaksin bikin anak autis, jangan mau divaksin",
    "Banyak dokter luar negeri bilang vaksin penyebab autis. Sebarkan!",
    "Anak tetangga autis setelah vaksin campak, ngeri",
]


def steady_claim_issue(minutes: int, per_minute: int, *, seed, prefix: str, jitter: float, start=T0,
                       claim: dict = HOAX_CLAIM) -> list[dict]:
    """One claim issue with ``per_minute`` posts every minute for ``minutes`` minutes, each by its own account,
    evenly spaced plus up to ``jitter`` seconds (so, with a jitter wider than the spacing, not in created_at order)."""
    rng = random.Random(seed)
    posts = []
    for i in range(minutes * per_minute):
        at = start + timedelta(seconds=i * 60 / per_minute + rng.uniform(0, jitter))
        posts.append(scored_post(i, f"{rng.choice(HOAX_TEXTS)} {i}", at, sentiment="negative", hoax=0.8,
                                 claim=claim, prefix=prefix, followers=rng.randrange(50, 5000)))
    return posts


def chatter(minutes: int, per_minute: int, start=T0, prefix: str = "b") -> list[dict]:
    """Ordinary chatter on many small subjects, ``per_minute`` posts a minute."""
    rng = random.Random(prefix)
    words = "sate rendang kopi buku film musik hujan kereta sepeda taman pantai gunung pasar kucing".split()
    posts = []
    for i in range(minutes * per_minute):
        at = start + timedelta(seconds=i * 60 / per_minute + rng.uniform(0, 1))
        text = f"{rng.choice(words)} {rng.choice(words)} hari ini zx{rng.randrange(10**6)}"
        posts.append(scored_post(i, text, at, prefix=prefix))
    return posts


def partition_of(issue_id: str, partitions: int) -> int:
    return zlib.crc32(issue_id.encode()) % partitions


def run_engines(records: Iterable[dict], *, partitions: int = 1, batch: int = 100, policy=None,
                claim_lookup=None, restart_every: int | None = None, final: bool = True):
    """Run ``records`` (in the given arrival order) through one engine per partition (records routed by issue
    id); return (escalations sorted by subject/level, engines)."""
    policy = policy or load_policy()
    stores = [(JsonStore(), JsonStore()) for _ in range(partitions)]
    engines = [IssueEngine(policy, s, c, claim_lookup=claim_lookup) for s, c in stores]
    routed: list[list[dict]] = [[] for _ in range(partitions)]
    for record in records:
        key = record.get("issue_id") if control_kind(record) == "feedback" else record["scores"]["issue_id"]
        routed[partition_of(key, partitions)].append(record)
    escalations = []
    for p in range(partitions):
        for n, i in enumerate(range(0, len(routed[p]), batch)):
            if restart_every and n and n % restart_every == 0:
                engines[p] = IssueEngine(policy, *stores[p], claim_lookup=claim_lookup)
            escalations.extend(engines[p].process(routed[p][i:i + batch]).escalations)
        if final:
            escalations.extend(engines[p].flush(final=True).escalations)
    escalations.sort(key=lambda item: (item[0], item[1]["data"]["level"]))
    return escalations, engines
