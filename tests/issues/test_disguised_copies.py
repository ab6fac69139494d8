"""A coordinated push whose accounts disguise their copies (zero-width characters, fullwidth or "fancy font"
letters, Cyrillic look-alikes, accents) is still one issue and still a coordinated push."""

from __future__ import annotations

from datetime import timedelta

import pytest

from streams.pipeline import score_posts
from streams.scoring import Scorer
from tests.issues.helpers import T0, iso, run_engines
from tests.text.test_canonical import _fullwidth, _math_bold

MESSAGE = "Bupati kita memang terbaik, jalan desa mulus dan pelayanan publik makin cepat #BupatiTerbaik"
DISGUISES = [
    lambda t: t,
    lambda t: t.replace("a", "a\u200b"),
    lambda t: t.replace("a", "а").replace("e", "е").replace("o", "о"),
    _fullwidth,
    _math_bold,
    lambda t: t.replace("a", "á").replace("i", "í"),
    lambda t: t.replace(" ", " \u2060"),
]


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer.load()


def test_disguised_copies_from_fresh_accounts_escalate_as_one_coordinated_push(scorer):
    posts = []
    for i in range(35):  # 35 brand-new, tiny accounts within two minutes, each copy in one of seven disguises
        at = T0 + timedelta(seconds=3 * i)
        posts.append({"id": f"push-{i}", "platform": "twitter", "text": DISGUISES[i % len(DISGUISES)](MESSAGE),
                      "created_at": iso(at), "author": {"id": f"baru-{i}", "followers": 3,
                                                        "created_at": iso(at - timedelta(days=2))}})
    scored = score_posts(posts, scorer)
    assert {post["scores"]["issue_id"] for post in scored} == {"topic-bupatiterbaik"}
    escalations, _ = run_engines(scored)
    pushes = [event for _, event in escalations if "coordinated-push" in event["data"]["rules"]]
    assert pushes and pushes[0]["data"]["coordination"]["accounts"] >= 30
