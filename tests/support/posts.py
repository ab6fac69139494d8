"""Contract posts built from the shipped SmSA validation texts, for tests that need many realistic posts."""

from __future__ import annotations

import csv
import random
from datetime import UTC, datetime, timedelta

from streams.records.post import PLATFORMS
from streams.settings import REPO_ROOT


def smsa_texts() -> list[str]:
    with (REPO_ROOT / "data" / "sentiment-smsa" / "valid.csv").open(encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def make_posts(n: int, *, seed: int = 0, prefix: str = "p", start: datetime | None = None) -> list[dict]:
    rng = random.Random(seed)
    texts = smsa_texts()
    start = start or datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    posts = []
    for i in range(n):
        created = start + timedelta(seconds=i * 3)
        posts.append({
            "id": f"{prefix}-{i:06d}",
            "platform": PLATFORMS[i % len(PLATFORMS)],
            "text": texts[rng.randrange(len(texts))],
            "created_at": created.isoformat().replace("+00:00", "Z"),
            "author": {"id": f"u{rng.randrange(5000)}", "followers": rng.randrange(10_000)},
            "engagement": {"likes": rng.randrange(50), "shares": rng.randrange(10)},
            "lang": "id",
            "custom_field": {"kept": True},
        })
    return posts
