"""The composed public-service posts that teach the sentiment model relief and complaints said with a negation."""

from __future__ import annotations

from collections import Counter

from streams.models.negation_probes import NEGATION_SETS
from streams.models.service_posts import service_posts
from streams.text import normalize_batch
from streams.text.negation import NEGATORS


def test_service_posts_are_seeded_balanced_and_distinct() -> None:
    posts = service_posts(200, seed=7)
    assert posts == service_posts(200, seed=7) and posts != service_posts(200, seed=8)
    assert Counter(label for label, _ in posts) == {"positive": 200, "negative": 200, "neutral": 200}
    assert len({text for _, text in posts}) == 600


def test_most_posts_negate_and_every_notice_does() -> None:
    by_label: dict[str, list[bool]] = {}
    for label, text in service_posts(300, seed=1):
        by_label.setdefault(label, []).append(not NEGATORS.isdisjoint(normalize_batch([text])[0].split()))
    assert all(by_label["neutral"])
    for label in ("positive", "negative"):  # the rest state praise or complaint plainly
        assert 0.6 <= sum(by_label[label]) / len(by_label[label]) < 1.0, label


def test_the_same_negated_word_is_relief_or_complaint_by_its_polarity() -> None:
    """"tidak keruh" is relief and "tidak jernih" a complaint: a negator alone never tells the label."""
    composed = service_posts(3000, seed=3)
    posts = list(zip((label for label, _ in composed), normalize_batch([text for _, text in composed])))
    assert any(label == "positive" and "tidak keruh" in text for label, text in posts)
    assert any(label == "negative" and "tidak jernih" in text for label, text in posts)
    assert not any(label == "negative" and "tidak keruh" in text for label, text in posts)


def test_no_evaluation_post_is_composed_verbatim() -> None:
    composed = {text.lower() for _, text in service_posts(5000, seed=1)}
    for _, posts in NEGATION_SETS.values():
        assert not {text.lower() for _, text in posts} & composed
