"""Any post the contract accepts goes through scoring and the issue engine, and what comes out encodes: seeded
random posts at the edges of the contract (counts of 2^63 - 1, 20,000 characters, NUL and zero-width characters,
times from 1990 to the clock skew allowed, odd regions and urls)."""

from __future__ import annotations

import random
import string
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from streams.issues.engine import IssueEngine
from streams.pipeline import RawMessage, process_messages
from streams.policy import load_policy
from streams.scoring import Scorer
from tests.issues.helpers import JsonStore

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
WORDS = ("vaksin hoaks pdam air mati banjir jakarta bupati terbaik sebarkan viralkan tidak benar covid 😡 🔥 "
         "#PDAMmati #BupatiTerbaik @budi https://x.co/a RT \u200b \u202e 🇮🇩 ａｂｃ ١٢٣ \x00").split(" ")
TOP = 2**63 - 1


def _text(rng: random.Random) -> str:
    size = rng.choice([1, 3, 12, 60, 3000])
    parts = [rng.choice(WORDS) if rng.random() < 0.7 else
             "".join(rng.choice(string.printable) for _ in range(rng.randint(1, 9))) for _ in range(size)]
    return (" ".join(parts) or "a")[:20_000]


def _time(rng: random.Random) -> str:
    at = NOW - timedelta(seconds=rng.choice([rng.uniform(-590, 3600), rng.uniform(0, 86400 * 400)]))
    if rng.random() < 0.02:
        at = datetime(1990, 1, 1, tzinfo=UTC)
    return at.isoformat().replace("+00:00", rng.choice(["Z", "+00:00"]))


def _post(rng: random.Random, i: int) -> dict:
    post = {"id": rng.choice([f"p{i}", "same-id", "i" * 256]), "text": _text(rng), "created_at": _time(rng),
            "platform": rng.choice(["twitter", "facebook", "instagram", "tiktok", "youtube", "news", "other"]),
            "author": {"id": rng.choice(["u1", "u2", f"u{i}", "a" * 256])}}
    optional = {
        ("author", "followers"): lambda: rng.choice([0, 1, 10**9, TOP]),
        ("author", "created_at"): lambda: rng.choice(["1990-01-01T00:00:00Z", "9999-12-31T23:59:59Z", _time(rng)]),
        ("author", "verified"): lambda: rng.random() < 0.5,
        ("author", "handle"): lambda: rng.choice(["", "@x", "h" * 500]),
        ("engagement", "views"): lambda: rng.choice([0, 7, TOP]),
        ("engagement", "shares"): lambda: rng.choice([0, 7, TOP]),
        ("engagement", "likes"): lambda: rng.choice([0, TOP]),
        (None, "region"): lambda: rng.choice(["ID-JK", "ID-XX", "", "id-jb", "US-CA", "ID-PD"]),
        (None, "url"): lambda: rng.choice(["", "javascript:alert(1)", "https://x.com/" + "a" * 3000]),
        (None, "lang"): lambda: rng.choice(["id", "en", "", "zz"]),
        (None, "reply_to"): lambda: rng.choice(["p1", "same-id", ""]),
        (None, "shared_from"): lambda: rng.choice(["p1", "same-id", ""]),
        (None, "extra"): lambda: {"nested": [1, None, "x"]},
    }
    for (parent, field), make in optional.items():
        if rng.random() < 0.4:
            (post.setdefault(parent, {}) if parent else post)[field] = make()
    return post


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer.load()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_posts_at_the_edges_of_the_contract_are_scored_tracked_and_encodable(scorer, seed):
    rng = random.Random(seed)
    posts = [_post(rng, i) for i in range(500)]
    messages = [RawMessage(None, orjson.dumps(p), "sigap.posts", i % 8, i) for i, p in enumerate(posts)]
    outcome = process_messages(messages, scorer, max_clock_skew_seconds=600, now=NOW)
    assert outcome.dead_letters == [] and len(outcome.scored) == len(posts)  # every one is valid
    engine = IssueEngine(load_policy(), JsonStore(), JsonStore())  # a JSON store: every state it writes encodes
    published = [engine.process(sorted(outcome.scored, key=lambda p: p["created_at"])), engine.flush(final=True)]
    for out in published:
        for _, event in [*out.escalations, *out.lifecycle]:
            orjson.dumps(event)
        for _, state in out.issue_updates:
            orjson.dumps(state)
    for post in outcome.scored:
        orjson.dumps(post)
