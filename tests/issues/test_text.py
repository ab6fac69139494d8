"""The issue grouper's own text reading (streams/issues/text.py): hashtags, entities, slugs and the word sets that
near-duplicate signatures compare."""

from __future__ import annotations

import random
import re
import sys

import streams.issues.text as text_module
from streams.issues.text import (
    CAPS_RE,
    STRIP_RE,
    TOKEN_MIN_LEN,
    URL_RE,
    WORD_RE,
    _fold,
    clean_for_words,
    entities,
    near_duplicate_bands,
    raw_hashtags,
    signature_tokens,
    slug,
    stopwords,
    terms_and_entities,
)
from streams.text.memo import BoundedMemo


def test_hashtags_keep_their_first_spelling_once_and_drop_numbers_and_filler():
    assert raw_hashtags("#PLN #pln #2024 #viral #Padam") == ["PLN", "Padam"]


def test_a_shouted_post_has_no_acronyms_and_a_long_capitalised_word_is_no_acronym():
    terms, found = terms_and_entities("LISTRIK PLN PADAM LAGI HARI INI DI BEKASI")
    assert found == [] and {"pln", "padam", "bekasi"} <= set(terms)
    assert entities("Warga mengeluh soal PEMBANGUNAN jalan yang mangkrak di Depok") == ["depok"]


def test_a_word_capitalised_because_it_starts_a_sentence_is_no_name():
    text = ("Banjir lagi di kawasan Bekasi sejak tadi malam. Warga mengungsi ke masjid terdekat! Posko dibuka: "
            "Relawan datang membawa makanan untuk para pengungsi")
    assert entities(text) == ["bekasi"]


def test_a_slug_that_lost_characters_carries_a_hash_so_two_ids_do_not_collide():
    assert slug("pln-jatim") == "pln-jatim"
    assert slug("pln/jatim").startswith("pln-jatim-") and slug("pln/jatim") != slug("pln jatim")


def test_signature_words_ignore_reshare_prefixes_mentions_and_leetspeak():
    plain = signature_tokens("listrik padam lagi")
    assert plain == {"listrik", "padam", "lagi"}
    for disguised in ("rt @budi: L1str1k p4d4m lagi", "Rt @budi listrik padam lagi", "@pln_123 listrik padam lagi"):
        assert signature_tokens(disguised) == plain, disguised


def test_texts_of_fewer_than_three_words_get_no_signature():
    assert near_duplicate_bands("listrik padam") == [] and near_duplicate_bands("@budi listrik padam") == []
    assert len(near_duplicate_bands("listrik padam lagi")) == 4


# The patterns as they were written before being spelled out for speed (streams/issues/text.py says why).
REFERENCE_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
REFERENCE_STRIP_RE = re.compile(r"(?:https?://|www\.)\S+|[@#]\w+", re.IGNORECASE)
REFERENCE_CAPS_RE = re.compile(r"\b[A-Z][A-Za-z0-9]*\b")
REFERENCE_CAPITALISED_RE = re.compile(r"\b([A-Z][a-z]{2,20})\b")


def test_the_spelled_out_case_folding_is_that_of_ignorecase_on_every_code_point():
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    for letter, spelled in (("h", "[hH]"), ("t", "[tT]"), ("p", "[pP]"), ("s", "[sSſ]"), ("w", "[wW]")):
        assert re.findall(letter, every, re.IGNORECASE) == re.findall(spelled, every), letter
        assert spelled in URL_RE.pattern and spelled in STRIP_RE.pattern


def test_the_url_and_strip_patterns_cut_what_the_ignorecase_ones_cut():
    rng = random.Random(5)
    pieces = ["h", "H", "t", "T", "p", "P", "s", "S", "ſ", "w", "W", ":", "/", "//", ".", "@", "#", "_", "é", "x",
              "1", " ", "\n", "http", "HTTPS", "://", "www.", "WwW."]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(20_000)]
    texts += ["lihat https://t.co/x dan WWW.Kominfo.go.id @budi #PLN", "httpſ://a hTtPs://b www. ww.x @ #"]
    for text in texts:
        assert URL_RE.sub(" ", text) == REFERENCE_URL_RE.sub(" ", text), text
        assert STRIP_RE.sub(" ", text) == REFERENCE_STRIP_RE.sub(" ", text), text


def _reference_entities(text: str) -> list[str]:
    """The entity candidates as terms_and_entities found them with two scans, before one scan found both."""
    cleaned = clean_for_words(text)
    n_words = len(WORD_RE.findall(cleaned.lower()))
    found: list[str] = []
    caps = REFERENCE_CAPS_RE.findall(cleaned) if n_words else []
    if caps:
        n_upper = sum(1 for word in caps if word.isupper() and len(word) > 1)
        if n_upper <= 0.3 * n_words:
            found.extend(w.lower() for w in caps if w.isupper() and 2 <= len(w) <= 6)
        if len(caps) - n_upper <= 0.4 * n_words:
            for match in REFERENCE_CAPITALISED_RE.finditer(cleaned):
                prefix = cleaned[max(0, match.start() - 8): match.start()].rstrip(" \t\"'([*-")
                if prefix and prefix[-1] not in ".!?:;\n":
                    found.append(_fold(match.group(1).lower()))
    out: list[str] = []
    for term in found:
        if term not in stopwords() and term not in out:
            out.append(term)
    return out


def test_one_scan_finds_the_entities_the_two_patterns_found():
    rng = random.Random(6)
    pieces = ["A", "B", "Z", "a", "b", "z", "0", "9", "é", "É", "_", " ", " ", ".", "-", "\n", "(", "Abc", "PLN",
              "KRL", "Bekasi", "Jakartanya", "abcdefghijklmnopqrst", "Abcdefghijklmnopqrstu", "ab1", "ẞ", " kata ",
              " di ", " warga "]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 25))) for _ in range(20_000)]
    found = 0
    for text in texts:
        assert [(m.start(), m.group()) for m in CAPS_RE.finditer(text)] == \
            [(m.start(), m.group()) for m in REFERENCE_CAPS_RE.finditer(text)], text
        entities_found = terms_and_entities(text)[1]
        assert entities_found == _reference_entities(text), text
        found += bool(entities_found)
    assert found > 2_000  # the texts reach both kinds of candidate, not only the empty case


def _reference_terms(text: str) -> list[str]:
    """The content terms as terms_and_entities found them word by word, before its memo."""
    out = []
    for raw in WORD_RE.findall(clean_for_words(text).lower()):
        token = _fold(raw)
        if len(token) >= TOKEN_MIN_LEN and token not in stopwords():
            out.append(token)
    return out


def test_terms_and_band_keys_do_not_depend_on_the_memos(monkeypatch):
    texts = ["Listrik PLN padam lagi di Bekasi, dokter2 dan tempatnya tutup #PLNpadam @budi",
             "L1str1k p4d4m lagi di Bekasi", "rumahnya banjir sejak kemarin malam", "a" * 80 + " padam lagi total",
             "Dana haji dipakai untuk infrastruktur, katanya", "Sirkuit Mandalika sepi penonton"] * 3
    expected = [(_reference_terms(t), terms_and_entities(t), near_duplicate_bands(t)) for t in texts]
    for name in ("_WORD_TERMS", "_SIGNATURE_WORDS", "_TOKEN_HASHES"):
        monkeypatch.setattr(text_module, name, BoundedMemo(getattr(text_module, name)._compute, limit=2))
    again = [(_reference_terms(t), terms_and_entities(t), near_duplicate_bands(t)) for t in texts]
    assert again == expected
    assert all(reference == found[0] for reference, found, _ in expected)
