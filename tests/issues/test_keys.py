"""Issue ids: near-duplicates, reshares and shared hashtags/entities together; unrelated chatter apart."""

from __future__ import annotations

import csv
from collections import Counter

import orjson
import pytest

from streams.issues.build_terms import compute
from streams.issues.keys import anchor_term, issue_id_for, issue_kind
from streams.issues.text import REGIONAL_FILLER, TERM_DF_PATH, near_duplicate_bands
from streams.settings import REPO_ROOT


def key(text: str, **post) -> str:
    return issue_id_for({"id": "x", "text": text, **post}, "", [], None)


def test_claim_match_joins_the_claims_issue_whatever_the_text():
    match = {"claim_id": "idnhoax-239f2c1962", "claim": "vaksin penyebab autis", "verdict": "hoax", "similarity": 0.8}
    a = issue_id_for({"text": "Vaksin bikin anak autis, hati-hati #StopVaksin"}, "", [], match)
    b = issue_id_for({"text": "benarkah vaksin MMR penyebab autis?"}, "", [], match)
    assert a == b == "claim-idnhoax-239f2c1962"


def test_claim_ids_with_odd_characters_give_a_safe_stable_key():
    match = {"claim_id": "Cek Fakta/2024 #12", "claim": "x", "verdict": "hoax", "similarity": 0.9}
    first = issue_id_for({"text": "a"}, "", [], match)
    assert first == issue_id_for({"text": "b"}, "", [], match)
    assert first.startswith("claim-") and all(c.isalnum() or c in "-_." for c in first)


@pytest.mark.parametrize("variant", [
    "Listrik PLN padam lagi dari pagi, pelayanan buruk sekali!",
    "listrik PLN padam lagi dari pagi, pelayanan buruk sekali!! 😡",
    "RT @budi: Listrik PLN padam lagi dari pagi, pelayanan buruk sekali!",
    "@pln_123 Listrik PLN padam lagi dari pagi, pelayanan buruk sekali https://t.co/abc",
    "Listrik PLN padam lagi dari pagi",
])
def test_near_duplicates_and_reshares_share_a_key(variant):
    assert key(variant) == key("Listrik PLN padam lagi dari pagi, pelayanan buruk sekali!")


def test_copy_paste_without_entities_stays_together():
    base = "Beredar pesan berantai soal minyak goreng oplosan yang dijual murah di pasar tradisional"
    assert key(base) == key(base + " Sebarkan!") == key("Copas: " + base.lower()) == key("RT @x: " + base)


def test_a_shared_hashtag_groups_different_texts():
    texts = [
        "Harga cabai naik gila-gilaan #HargaCabaiNaik",
        "Ibu-ibu di pasar mengeluh, dapur makin berat #HargaCabaiNaik",
        "Pedagang bakso bingung mau naikkan harga atau tidak #hargacabainaik #ekonomi",
    ]
    assert len({key(t) for t in texts}) == 1


def test_hashtag_built_on_an_entity_joins_the_entity_issue():
    assert key("Air PDAM mati tiga hari #PDAMmati") == key("Air PDAM keruh dan bau, tidak bisa dipakai")
    assert key("Rujukan ribet sekali #antreanBPJS") == key("Antrean BPJS Kesehatan dari subuh")
    # A short entity must sit on a case boundary: #brilian is not about BRI.
    assert key("Idenya #brilian sekali") != key("Aplikasi BRI error lagi")


def test_generic_hashtags_do_not_name_an_issue():
    a = key("Jembatan gantung di Lebak putus, warga terisolasi #viral #fyp")
    b = key("Resep rendang padang paling enak sedunia #viral #fyp")
    assert a != b


def test_a_complaint_wave_about_a_known_entity_lands_on_one_key_whatever_else_it_says():
    rows = list(csv.DictReader((REPO_ROOT / "data" / "sentiment-smsa" / "valid.csv").open(encoding="utf-8")))
    negative = [r["text"] for r in rows if r["label"] == "negative"][:120]
    for subject in ("krl", "BPJS", "Telkomsel"):
        keys = Counter(key(f"{subject} {text}" if i % 2 else f"{text} {subject}") for i, text in enumerate(negative))
        top, count = keys.most_common(1)[0]
        assert top == f"topic-{subject.lower()}"
        assert count / len(negative) >= 0.75, (subject, keys.most_common(3))


def test_unrelated_chatter_spreads_over_many_keys():
    rows = list(csv.DictReader((REPO_ROOT / "data" / "sentiment-smsa" / "valid.csv").open(encoding="utf-8")))
    texts = [r["text"] for r in rows]
    keys = Counter(key(t) for t in texts)
    assert len(keys) > 0.8 * len(texts)
    assert keys.most_common(1)[0][1] < 0.05 * len(texts)


# Unrelated posts in Javanese and Sundanese: they share function words, nothing else.
REGIONAL_CHATTER = [
    "Aku ora ngerti opo sing kudu dilakoni, pemerintah kok meneng wae",
    "Opo bener vaksin iku mbahayani? aku isih wedi",
    "Dalan neng ngarep omah rusak parah, wis setahun ora didandani",
    "Rego lombok saiki larang banget, wong cilik piye iki",
    "Kumaha ieu teh, listrik pareum deui ti isuk",
    "Jalan di lembur urang ruksak pisan, teu aya perbaikan",
    "Harga beas naek deui, urang kudu kumaha atuh",
]


def test_javanese_and_sundanese_function_words_do_not_gather_unrelated_posts():
    keys = [key(text) for text in REGIONAL_CHATTER]
    # before: topic-opo, topic-wis, topic-saiki and topic-urang (twice, gathering two unrelated posts)
    assert not [k for k in keys if k.removeprefix("topic-") in REGIONAL_FILLER], keys
    assert len(set(keys)) == len(keys), keys
    assert key("Wis tak kandani, banyu PDAM ora mili telung dino, piye iki pak wali") == "topic-pdam"
    assert key("Naon eta beja ngeunaan bansos, aya nu terang?") == "topic-bansos"


def test_bare_reshares_group_by_the_shared_post_and_empty_texts_by_content():
    assert key("😂😂", shared_from="p-1") == key("👍", shared_from="p-1") != key("😂😂", shared_from="p-2")
    assert key("mantap!").startswith("misc-") and key("mantap!") == key("Mantap!!")
    assert key("mantap!") != key("keren")


def test_keys_are_pure():
    text = "Sempat Trending Uang Pangkal Masuk Undip Rp 87 M, Hoaks, yang Ada Sumbangan #undip http://url"
    first = key(text)
    for _ in range(100):
        assert key(text) == first
    assert anchor_term(text) == ("hashtag", "undip")


def test_near_duplicate_bands_collide_for_near_identical_texts_only():
    a = near_duplicate_bands("Program makan siang gratis sangat membantu rakyat kecil, kami dukung penuh sampai tuntas!")
    b = near_duplicate_bands("Setuju! program makan siang gratis sangat membantu rakyat kecil, kami dukung penuh sampai tuntas 🔥")
    c = near_duplicate_bands("Harga beras di pasar naik lagi minggu ini, pedagang mengeluh sepi pembeli")
    assert set(a) & set(b)
    assert not set(a) & set(c)


def test_term_statistics_file_is_up_to_date():
    shipped = orjson.loads(TERM_DF_PATH.read_bytes())
    fresh = compute()
    assert shipped["documents"] == fresh["documents"]
    assert shipped["df"] == fresh["df"]
    assert shipped["stopwords"] == fresh["stopwords"]


@pytest.mark.parametrize(("text", "expected"), [
    ("#KRLmogok lagi pagi ini", "topic-krl"),  # a three-letter entity on a case boundary
    ("Uang pangkal Undip naik lagi #MahalnyaUndip", "topic-undip"),  # a name the text uses, ending the tag
    ("Idenya #BRILIAN sekali", "topic-brilian"),  # shouted: no case boundary, so not BRI
    ("Jangan lupa #memakai masker", "topic-memakai"),  # a word that ends in an entity's letters is not KAI
    ("#PLNok listrik nyala", "topic-plnok"),  # two letters left are no word of their own
])
def test_a_hashtag_names_an_entity_only_where_a_word_ends(text, expected):
    assert key(text) == expected


def test_a_name_outranks_rarer_words_and_common_words_name_no_issue():
    assert key("Cek fakta tentang foto dan video pesawat jet tempur milik FPI.") == "topic-fpi"
    assert key("KB Pil dan Suntik Sebabkan Kanker") == "topic-kb"
    for common in ("sakit", "asik", "tidak marah"):  # each in more than 1 document in 150
        assert key(common).startswith("misc-"), common


def test_a_post_without_a_topic_word_gets_the_same_key_in_every_process():
    """Workers differ in their string hash seeds: the key of a post with only common words must not."""
    import subprocess
    import sys

    code = "from tests.issues.test_keys import key; print(key('tidak enak'), key(' 😂😂 '))"
    keys = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT,
                           env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout for seed in ("1", "2", "3")}
    assert len(keys) == 1
    assert keys.pop().split() == [key("tidak enak"), key("😂😂")]


def test_an_empty_claim_id_is_no_claim_and_a_post_without_text_is_keyed_by_its_tokens():
    match = {"claim_id": "", "claim": "x", "verdict": "hoax", "similarity": 0.9}
    assert issue_id_for({"text": "Air PDAM mati lagi"}, "", [], match) == "topic-pdam"
    assert issue_id_for({"text": None}, "", ["air", "pdam", "mati"], None) == "topic-pdam"


def test_issue_kinds():
    assert [issue_kind(i) for i in ("claim-x", "topic-pdam", "share-1", "misc-2", "legacy-3", "pdam")] == [
        "claim", "topic", "share", "misc", "other", "other"]
