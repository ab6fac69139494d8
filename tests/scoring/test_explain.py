"""Explanations: the words and cues reported with each label pull towards that label, strongest first."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from streams.models.cues import FEATURE_NAMES, cue_matrix, fired_cues_batch
from streams.pipeline import score_posts
from streams.scoring import Scorer
from streams.scoring.explain import Explainer
from streams.text.normalize import get_normalizer
from tests.escalation.test_events import validator

WORDS = {"vaksin": 0, "chip": 1, "hoaks": 2, "enak": 3, "kecewa": 4}
N_CHAR_COLUMNS = 2


def tiny_explainer(limit: int = 3) -> Explainer:
    sentiment = np.array([[0, 1, 0], [0, 1, 0], [0, 2, -2], [-1, 0, 3], [3, 0, -1]], dtype=np.float32)
    short = np.array([2.0, 3.0, -4.0, -0.5, 0.0, 9.0, 9.0])  # the last two: character columns, never reported
    long = np.array([-1.0, -1.0, -1.0, -1.0, -1.0, 9.0, 9.0])
    return Explainer(WORDS, sentiment, short, long, limit=limit)


def batch(*rows: dict[int, float]) -> sp.csr_matrix:
    dense = np.zeros((len(rows), len(WORDS) + N_CHAR_COLUMNS), dtype=np.float32)
    for i, row in enumerate(rows):
        for column, value in row.items():
            dense[i, column] = value
    return sp.csr_matrix(dense)


def test_hoax_terms_follow_the_label_the_gate_and_the_strength_of_the_pull():
    explainer = tiny_explainer()
    x = batch({0: 0.5, 1: 0.5, 2: 0.5, 5: 1.0}, {0: 0.5, 1: 0.5, 2: 0.5}, {0: 0.9, 1: 0.1, 2: 0.1}, {3: 1.0})
    entries = explainer.entries(x)
    tweets = np.zeros(4)
    terms = explainer.hoax_terms(entries, tweets, np.array([True, False, True, True]))
    assert terms[0] == ["chip", "vaksin"]  # towards hoax: 1.5 and 1.0; the character column is never a term
    assert terms[1] == ["hoaks"]  # labelled valid: only the word pulling down is named
    assert terms[2] == ["vaksin", "chip"]  # 1.8 before 0.3: the value counts, not only the weight
    assert terms[3] == []  # nothing pulls a hoax label up: nothing is named rather than a weak word
    articles = np.ones(4)  # the article model's weights, where every word pulls towards valid
    assert explainer.hoax_terms(entries, articles, np.array([True, True, True, True]))[0] == []
    assert explainer.hoax_terms(entries, articles, np.array([False] * 4))[0] == ["vaksin", "chip", "hoaks"]  # ties


def test_sentiment_terms_pull_towards_the_predicted_class_against_the_others():
    explainer = tiny_explainer(limit=2)
    x = batch({3: 1.0, 4: 0.2, 0: 0.3}, {3: 0.2, 4: 1.0})
    entries = explainer.entries(x)
    positive, negative = 2, 0
    assert explainer.sentiment_terms(entries, np.array([positive, negative])) == [["enak"], ["kecewa"]]
    # "vaksin" weighs (0, 1, 0): towards neutral against the mean of the three classes
    assert explainer.sentiment_terms(entries, np.array([1, 1])) == [["vaksin"], []]


def test_explanations_are_limited_and_empty_batches_explain_nothing():
    explainer = tiny_explainer(limit=1)
    entries = explainer.entries(batch({0: 1.0, 1: 1.0}))
    assert explainer.hoax_terms(entries, np.zeros(1), np.array([True])) == [["chip"]]
    empty = explainer.entries(sp.csr_matrix((0, len(WORDS) + N_CHAR_COLUMNS), dtype=np.float32))
    assert explainer.hoax_terms(empty, np.zeros(0), np.zeros(0, dtype=bool)) == []


def test_cues_are_named_in_the_direction_of_each_row_strongest_first():
    texts = ["SEBARKAN!! sebelum dihapus!!! hoaks", "sebarkan"]
    cues = cue_matrix(texts, get_normalizer().normalize_batch(texts))
    weights = np.zeros((2, len(FEATURE_NAMES)))
    index = {name: i for i, name in enumerate(FEATURE_NAMES)}
    weights[0, [index["spread_call"], index["before_deleted"], index["exclaim"]]] = [0.5, 2.0, 0.1]
    weights[0, index["debunk"]] = -3.0
    weights[1, index["spread_call"]] = -1.0  # for a row labelled the other way, the same cue pulls away
    named = fired_cues_batch(cues, weights)
    assert named[0] == ["before_deleted", "spread_call", "exclaim"]
    assert named[1] == []
    assert fired_cues_batch(cues, -weights)[0] == ["debunk"]


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer.load()


def test_real_models_explain_chain_messages_debunks_and_complaints(scorer: Scorer):
    chain, debunk, complaint = scorer.score_texts([
        "SEBARKAN!! minum air kelapa campur garam bisa sembuhkan covid, info dari grup sebelah sebelum dihapus",
        "[HOAKS] Tidak benar minum air kelapa bisa sembuhkan covid, cek fakta kominfo",
        "pelayanan bank ini buruk sekali, saya kecewa 😡",
    ]).items
    assert chain.hoax_label == "hoax" and debunk.hoax_label == "valid"
    assert {"spread_call", "before_deleted", "hidden_authority"} <= set(chain.hoax_cues)
    assert "debunk" not in chain.hoax_cues and debunk.hoax_cues == ["debunk"]
    assert "hoaks" in debunk.hoax_terms and "hoaks" not in chain.hoax_terms
    assert complaint.sentiment_label == "negative" and {"buruk", "kecewa"} & set(complaint.sentiment_terms)
    for item in (chain, debunk, complaint):
        for term in item.hoax_terms + item.sentiment_terms:
            assert f" {term} " in f" {item.normalized} "


def test_scored_posts_carry_the_explanations_and_validate(scorer: Scorer):
    post = {"id": "p1", "platform": "twitter", "text": "Vaksin covid mengandung chip, sebarkan sebelum dihapus!!",
            "created_at": "2024-06-03T01:00:00Z", "author": {"id": "a1"}}
    (scored,) = score_posts([post], scorer)
    hoax = scored["scores"]["hoax"]
    assert hoax["cues"] and hoax["terms"] and scored["scores"]["sentiment"]["terms"]
    assert hoax["text_probability"] <= hoax["probability"]  # the claim match (a hoax verdict) only adds
    assert scored["scores"]["language"] is None and hoax["factors"]["language"] == 1.0
    validator("scored-post.schema.json").validate(scored)
    english = {**post, "id": "p2", "text": "Good morning everyone, have a nice day"}
    (scored_english,) = score_posts([english], scorer)
    assert scored_english["scores"]["language"]["code"] == "en"
    assert scored_english["scores"]["hoax"]["factors"]["language"] == 0.0
    validator("scored-post.schema.json").validate(scored_english)


def test_punctuation_placeholders_retweets_and_laughter_are_never_named():
    words = {"!": 0, "_url_": 1, "sebarkan": 2, "! sebarkan": 3, "3": 4, "rt": 5, "haha": 6}
    weights = np.array([5.0, 4.0, 1.0, 3.0, 2.0, 6.0, 7.0])
    explainer = Explainer(words, np.zeros((7, 3)), weights, weights, limit=5)
    dense = np.ones((1, 7), dtype=np.float32)
    terms = explainer.hoax_terms(explainer.entries(sp.csr_matrix(dense)), np.zeros(1), np.array([True]))
    assert terms == [["3", "sebarkan"]]
