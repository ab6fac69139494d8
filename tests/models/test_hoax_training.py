"""The hoax models' fold fit: a fold learns nothing from its held-out texts, and the three models read the rows
their scoring gives them."""

from __future__ import annotations

import numpy as np

from streams.models.cues import FEATURE_NAMES as CUE_NAMES
from streams.models.cues import cue_matrix
from streams.models.fitting import TrainConfig
from streams.models.hoax_training import HoaxCorpus, fit_hoax_models
from streams.text import normalize_batch

TWEETS = [  # (text, hoax, topic)
    ("Vaksin mengandung chip pelacak, sebarkan sebelum dihapus!", 1, 0),
    ("Chip di dalam vaksin bisa melacak warga, viralkan", 1, 0),
    ("Cek fakta: vaksin tidak mengandung chip apa pun", 0, 0),
    ("Air kelapa campur garam menyembuhkan covid, bagikan ke grup keluarga", 1, 1),
    ("Hoaks, air kelapa tidak menyembuhkan covid kata dokter", 0, 1),
    ("Bansos kodok pelangi dibagikan gratis di kelurahan, daftar lewat tautan ini", 1, 2),
    ("Bansos kodok pelangi cuma penipuan, jangan isi tautannya", 0, 2),
]
NEWS = [
    ("Beredar pesan berantai soal vaksin berisi chip. Kementerian menyatakan kabar itu tidak benar.", 0),
    ("Pesan berantai: minum air kelapa tiap pagi membunuh virus corona dalam tubuh. Sebarkan!", 1),
    ("Warga diminta waspada terhadap tautan pendaftaran bantuan sosial palsu di media sosial.", 0),
]
SENTENCES = [("Pelayanan di kantor kecamatan cepat dan ramah", "positive"),
             ("Makanannya enak tapi tempat parkirnya sempit", "neutral"),
             ("Jalan di depan rumah rusak parah sejak bulan lalu", "negative"),
             ("Saya suka suasana taman kota pada sore hari", "positive")]


def _corpus() -> HoaxCorpus:
    raw_tweets, raw_news = [t for t, _, _ in TWEETS], [t for t, _ in NEWS]
    tweets, news = normalize_batch(raw_tweets), normalize_batch(raw_news)
    sentences = normalize_batch([s for s, _ in SENTENCES])
    return HoaxCorpus(
        raw_tweets=raw_tweets, tweets=tweets, cues_tweets=cue_matrix(raw_tweets, tweets),
        y_tweets=np.array([y for _, y, _ in TWEETS]), groups=np.array([g for _, _, g in TWEETS]),
        raw_news=raw_news, news=news, cues_news=cue_matrix(raw_news, news), y_news=np.array([y for _, y in NEWS]),
        sentences=sentences, sentence_labels=[label for _, label in SENTENCES],
        sentence_posts=[f"@warga {s}!!" for s in sentences], phatic=normalize_batch(["Selamat pagi semua"]),
    )


def test_a_fold_never_reads_the_words_of_its_held_out_topic() -> None:
    corpus = _corpus()
    everything = np.arange(len(TWEETS))
    held_out = everything[corpus.groups == 2]  # "kodok pelangi" is said only in topic 2's tweets
    learned_from = everything[corpus.groups != 2]
    fold = fit_hoax_models(TrainConfig(), corpus, learned_from, np.arange(len(NEWS)), np.arange(len(SENTENCES)))
    assert "kodok" not in fold.space.words and "pelangi" not in fold.space.words
    whole = fit_hoax_models(TrainConfig(), corpus, everything, np.arange(len(NEWS)), np.arange(len(SENTENCES)))
    assert {"kodok", "pelangi", "kodok pelangi"} <= set(whole.space.words)
    assert fold.decisions([corpus.tweets[i] for i in held_out], corpus.cues_tweets[held_out]).shape == (2, 3)


def test_the_final_models_use_the_given_space_and_read_the_rows_scoring_gives_them() -> None:
    corpus = _corpus()
    shared = corpus.space(np.arange(len(TWEETS)), np.arange(len(NEWS)))
    models = fit_hoax_models(TrainConfig(), corpus, np.arange(len(TWEETS)), np.arange(len(NEWS)),
                             np.arange(len(SENTENCES)), space=shared)
    assert models.space is shared
    # post and article models: text features, then the chain-message cues; relevance: text features only
    assert models.short.n_features_in_ == models.long.n_features_in_ == shared.n_features + len(CUE_NAMES)
    assert models.relevance.n_features_in_ == shared.n_features
    decisions = models.decisions(corpus.tweets, corpus.cues_tweets)
    assert np.allclose(decisions[:, 0], models.short.decision_function(corpus.tweet_rows(shared, np.arange(len(TWEETS)))))
    # the relevance model learns tweets and articles as "claim" (1), every ordinary text as "ordinary" (0)
    assert list(models.relevance.classes_) == [0, 1]
    assert (decisions[:, 2] > models.relevance.decision_function(shared.transform(corpus.sentences)).max()).mean() > 0.5
