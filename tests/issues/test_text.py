"""The issue grouper's own text reading (streams/issues/text.py): hashtags, entities, slugs and the word sets that
near-duplicate signatures compare."""

from __future__ import annotations

from streams.issues.text import (
    entities,
    near_duplicate_bands,
    raw_hashtags,
    signature_tokens,
    slug,
    terms_and_entities,
)


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
