"""The authored chit-chat that teaches the relevance model what greetings look like, and its held-out list."""

from __future__ import annotations

from streams.models.phatic import PHATIC_EVALUATION, phatic_posts
from streams.scoring import Scorer


def test_phatic_posts_are_seeded_and_varied():
    posts = phatic_posts(200, seed=7)
    assert posts == phatic_posts(200, seed=7) and posts != phatic_posts(200, seed=8)
    assert len(posts) == 200 and len(set(posts)) > 150 and all(posts)


def test_the_evaluation_list_is_not_generated_from_the_training_phrases():
    generated = set(phatic_posts(20000, seed=1))
    assert not generated & set(PHATIC_EVALUATION)


def test_a_morning_greeting_is_not_a_hoax():
    """Before the phatic rows the relevance model read greetings as claim discussion ("Selamat pagi semua, semoga
    harimu menyenangkan" scored 0.92 and a morning's greetings escalated as a possible new hoax)."""
    scorer = Scorer.load(claims=[])
    greetings = ["Selamat pagi semua, semoga harimu menyenangkan", "selamat pagi kawan, semangat kerjanya ya",
                 "Selamat ulang tahun ibu, semoga sehat selalu", "Terima kasih atas bantuannya kawan"]
    items = scorer.score_texts(greetings).items
    assert [i.hoax_label for i in items] == ["valid"] * len(greetings)
    assert all(i.hoax_factors["relevance"] < 1.0 for i in items)
    chain = scorer.score_text("Selamat pagi, SEBARKAN!! vaksin covid mengandung chip pelacak sebelum dihapus")
    assert chain.hoax_label == "hoax"  # a greeting in front of a chain message does not hide it
