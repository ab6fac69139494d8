"""The shared normaliser: each rule on its own, batch == one-by-one, and robustness to odd input."""

from __future__ import annotations

import pytest

from streams.text import Normalizer, load_stopwords, normalize, normalize_batch, tokenize
from streams.settings import REPO_ROOT


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Lihat http://t.co/abc123 dan www.detik.com/x", "lihat _url_ dan _url_"),
        ("cek kompas.com/read/2020 sekarang", "cek _url_ sekarang"),
        ("info (news.detik.com) dan bpbd.jatengprov.go.id", "info _url_ dan _url_"),  # a bare domain, from its start
        ("pak.budi bilang a.b.c", "pak budi bilang a b c"),
        ("@budi_s tolong", "_user_ tolong"),
        ("#JanganPanik #vaksin", "jangan panik vaksin"),
        ("#BersamaKitaVaksin", "bersama kita vaksin"),
        ("enak bangettt", "enak banget"),
        ("maaaaf ya", "maaf ya"),
        ("mantapp", "mantap"),
        ("gak ga nggak enggak tdk", "tidak tidak tidak tidak tidak"),
        ("yg dgn utk bgt", "yang dengan untuk banget"),
        ("s4y4ng", "sayang"),
        ("anak2 hati2", "anak anak hati hati"),
        ("wkwkwk hahaha", "haha haha"),
        ("harga 3.000.000", "harga 3000000"),
        ("SEBARKAN!!! benar???", "sebarkan ! benar ?"),
        ("covid19 5g g30s", "covid 19 5g g30s"),
        # the same rules on words the slang table does not list
        ("kue2 rumah2", "kue kue rumah rumah"),
        ("wkwkwkwkwk hahahahahah", "haha haha"),
        ("7kg 25rb", "7 kg 25 ribu"),
        ("gooood keeeep", "good keep"),  # "god" and "kep" are words too, but rarer in the corpora
        ("mantaaap kereeeeen", "mantap keren"),  # "mantaap" and "kereen" are known, "mantap" and "keren" commoner
        ("yaaaa siniii saaaat", "ya sini saat"),
        ("kerenn sakitt", "keren sakit"),
        ("baaaguss", "bagus"),  # stretched inside, doubled at the end
        ("mall hall", "mall hall"),  # known words are not collapsed ("mal", "hal")
        ("x0000x", "x0000x"),  # digits that do not spell a known word stay
        # every kind of link, each reached by the cheap search that runs before the full pattern
        ("WWW.Detik.COM buka https:x.id ftp://a.b", "_url_ buka https _url_ ftp a b"),  # "a.b": no known ending
        ("situs.co.id dan berita.NEWS atau x.info.", "_url_ dan _url_ atau x info"),  # (the pattern reads "info." as a name)
        ("kenapa www.. dan Ewww..", "kenapa _url_ dan e _url_"),  # "www." and more is a link to the pattern
        ("sejarah. hidup.. (kata) 50% 2.500, 1,5", "sejarah hidup kata 50 2500 1 5"),
        ("_url_ _user_ a_b", "_url_ _user_ a b"),  # placeholders typed by hand stay; other underscores split
    ],
)
def test_rules(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_emoji_and_emoticons_become_sentiment_words() -> None:
    assert normalize("pelayanan 😡😡") == "pelayanan marah marah"
    assert normalize("enak 😍") == "enak suka"
    assert normalize("bagus :)") == "bagus senang"
    assert normalize("kecewa :(") == "kecewa sedih"
    assert normalize("👍🏻 mantap") == "bagus mantap"  # skin-tone modifier ignored
    assert normalize("❤️") == "suka"  # variation selector ignored
    assert normalize("🦄 unicorn") == "unicorn"  # unmapped pictographs dropped


def test_negations_stay() -> None:
    toks = tokenize("makanannya gak enak, bukan yg terbaik, jangan ke sini, belum pernah")
    for neg in ("tidak", "bukan", "jangan", "belum"):
        assert neg in toks


def test_batch_equals_one_by_one_and_keeps_order() -> None:
    texts = ["Ini\nada\nbaris", "", "gak bgt 😂", "A" * 30_000, "\u2028ok\r\n", "x\x1ey"]
    assert normalize_batch(texts) == [normalize(t) for t in texts]
    assert len(normalize_batch(texts)) == len(texts)
    assert normalize_batch(texts)[1] == ""


def test_odd_input_never_raises() -> None:
    weird = ["\x00\x01", "&amp;&lt;", "🏳️‍🌈", "ＦＵＬＬＷＩＤＴＨ", "٣٤٥", "ǅ", "@", "#", "http://", "_ _ _", "!!!???"]
    out = normalize_batch(weird)
    assert len(out) == len(weird)
    assert all(isinstance(o, str) and "\n" not in o for o in out)


def test_memo_does_not_change_results() -> None:
    n = Normalizer()
    first = n.normalize_batch(["Gak bgt!!", "gak bgt!!"])
    second = n.normalize_batch(["Gak bgt!!", "gak bgt!!"])
    assert first == second == ["tidak banget !", "tidak banget !"]


def test_stopwords_keep_negations() -> None:
    words = load_stopwords(REPO_ROOT / "data" / "stopwords-id" / "stopwords-id.txt")
    assert len(words) > 600
    assert "yang" in words and "dan" in words
    for kept in ("tidak", "bukan", "belum", "jangan", "sangat"):
        assert kept not in words


def test_long_tokens_are_not_memoised_so_a_stream_built_for_it_cannot_fill_memory():
    from streams.text.normalize import Normalizer

    normalizer = Normalizer()
    long_tokens = [f"{i:04d}" + "ab." * 1000 for i in range(50)] + [f"kata{i:02d}" + "x" * 3000 for i in range(50)]
    first = [normalizer.normalize(token) for token in long_tokens]
    assert [normalizer.normalize(token) for token in long_tokens] == first  # same output, memo or not
    assert normalizer.normalize("Vaksin bikin autis bangettt") == "vaksin bikin autis banget"
    held = [*normalizer._raw.values, *normalizer._word.values]
    assert "bangettt" in held and max(map(len, held)) <= 64


def test_a_token_that_held_a_link_is_rewritten_every_time_and_never_kept():
    normalizer = Normalizer()
    tokens = ["http://t.co/abc123", "lihat:www.detik.com/x", "kompas.com", "@budi", "#JanganPanik", "bangettt"]
    first = normalizer.normalize_batch(tokens)
    assert normalizer.normalize_batch(tokens) == first
    assert first[:3] == ["_url_", "lihat _url_", "_url_"]
    assert set(normalizer._raw.values) == {"@budi", "#JanganPanik", "bangettt"}


def test_a_stretched_word_becomes_the_commoner_of_its_known_spellings() -> None:
    def collapse(word: str, lexicon: dict[str, int]) -> str:
        return Normalizer(slang={}, emoji={}, lexicon=lexicon).normalize(word)

    assert collapse("mantaaap", {"mantaap": 5, "mantap": 367}) == "mantap"
    assert collapse("mantaaap", {"mantaap": 367, "mantap": 5}) == "mantaap"
    assert collapse("mantaaap", {"mantaap": 5, "mantap": 5}) == "mantaap"  # a tie keeps the doubled letter
    assert collapse("mantaaap", {"mantaap": 5}) == "mantaap"
    assert collapse("mantaaap", ["mantap"]) == "mantap"  # a plain word list still works
    assert collapse("mantaaap", {}) == "mantap"  # nothing known: one letter
