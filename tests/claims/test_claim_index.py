"""Claim index: correct best match, threshold, live upsert/replace/delete, bulk load, record validation."""

from __future__ import annotations


import pytest

from streams.claims import ClaimIndex, InvalidClaimError, verdict_sign
from streams.models.bundle import ModelBundle
from streams.scoring import make_claim_index
from streams.settings import get_settings
from tests.claims.test_feature_rows import expected_cosines

CLAIMS = [
    {"id": "c1", "claim": "Vaksin covid mengandung chip pelacak", "verdict": "hoax", "url": "https://cekfakta.id/1"},
    {"id": "c2", "claim": "Minum air hangat mencegah corona", "verdict": "misleading"},
    {"id": "c3", "claim": "Pemerintah menghapus subsidi gas 3 kg", "verdict": "hoax"},
    {"id": "c4", "claim": "Jus daun pepaya obat demam berdarah", "verdict": "true"},
]


@pytest.fixture(scope="module")
def bundle() -> ModelBundle:
    return ModelBundle.load(get_settings().models_dir)


@pytest.fixture()
def index(bundle: ModelBundle) -> ClaimIndex:
    idx = make_claim_index(bundle)
    idx.upsert_many(CLAIMS)
    return idx


def test_posts_find_their_claim_first(index: ClaimIndex) -> None:
    posts = [
        "Hati2!! vaksin covid itu mengandung chip buat melacak kita, sebarkan!",
        "katanya minum air hangat bisa mencegah virus corona ya?",
        "subsidi gas 3kg dihapus pemerintah mulai bulan depan",
        "jus daun pepaya ampuh jadi obat dbd demam berdarah",
    ]
    got = index.match(posts)
    assert [m.claim_id if m else None for m in got] == ["c1", "c2", "c3", "c4"]
    assert all(0.0 < m.similarity <= 1.0 for m in got)
    assert got[0].as_dict().keys() == {"claim_id", "claim", "verdict", "similarity", "terms"}
    # the post's own words that the claim shares, in the post's order and spelling, at most 5
    assert got[0].terms == ["vaksin", "covid", "mengandung", "chip"]  # "melacak" is not the claim's "pelacak"
    assert got[2].terms == ["subsidi", "gas", "kg", "dihapus", "pemerintah"]  # "dihapus": the claim's "menghapus"
    assert got[3].terms == ["jus", "daun", "pepaya", "obat", "demam"]  # "berdarah" is the sixth


def test_unrelated_posts_match_nothing(index: ClaimIndex) -> None:
    posts = ["makanannya enak banget, pelayanan ramah", "macet parah di tol cikampek pagi ini", "", "!!!"]
    assert index.match(posts) == [None, None, None, None]


def test_live_upsert_delete_and_replace(index: ClaimIndex) -> None:
    post = ["beredar kabar gajah berkaki lima ditemukan di hutan sumatera"]
    assert index.match(post) == [None]
    index.upsert({"id": "c9", "claim": "Gajah berkaki lima ditemukan di Sumatera", "verdict": "hoax"})
    assert len(index) == 5 and index.get("c9")["verdict"] == "hoax"
    assert index.match(post)[0].claim_id == "c9"
    # replacing the text under the same id: the old text no longer matches
    index.upsert({"id": "c9", "claim": "Harimau jawa sudah punah", "verdict": "true"})
    assert len(index) == 5
    assert index.match(post) == [None]
    assert index.match(["harimau jawa dinyatakan punah"])[0].claim_id == "c9"
    assert index.delete("c9") is True and index.delete("c9") is False
    assert index.get("c9") is None and len(index) == 4
    assert index.match(["harimau jawa dinyatakan punah"]) == [None]


def test_incremental_and_bulk_builds_agree(bundle: ModelBundle) -> None:
    many = [{"id": f"s{i}", "claim": f"klaim nomor {i} tentang produk merek{i} berbahaya", "verdict": "hoax"}
            for i in range(600)] + CLAIMS
    posts = [f"produk merek{i} berbahaya katanya" for i in range(0, 600, 37)] + ["vaksin covid mengandung chip"]
    bulk = make_claim_index(bundle)
    bulk.upsert_many(many)
    one_by_one = make_claim_index(bundle)
    for c in many:  # crosses the amortised-rebuild boundary several times
        one_by_one.upsert(c)
    assert one_by_one.rebuilds >= 2
    assert [m.claim_id for m in bulk.match(posts)] == [m.claim_id for m in one_by_one.match(posts)]
    assert bulk.match(posts)[0].claim_id == "s0"


def test_ten_thousand_claims_then_live_upserts_are_all_matchable(bundle: ModelBundle) -> None:
    """Their cost is measured by benchmarks/bench_scoring.py (bulk load, one live upsert)."""
    claims = [{"id": f"x{i}", "claim": f"kabar {i} soal desa{i} kebanjiran lumpur{i % 97}", "verdict": "hoax"}
              for i in range(10_000)]
    idx = make_claim_index(bundle)
    idx.upsert_many(claims)
    for i in range(100):
        idx.upsert({"id": f"live{i}", "claim": f"klaim baru {i} soal jembatan{i} roboh", "verdict": "hoax"})
    assert len(idx) == 10_100
    assert idx.match(["kabar soal desa1234 kebanjiran lumpur"])[0].claim_id == "x1234"
    assert idx.match(["jembatan42 roboh kata warga klaim baru"])[0].claim_id == "live42"


@pytest.mark.parametrize("bad", [{}, {"id": "x", "claim": "", "verdict": "hoax"}, {"id": "x", "claim": "a"}, "text"])
def test_invalid_claims_are_rejected(index: ClaimIndex, bad) -> None:
    with pytest.raises(InvalidClaimError):
        index.upsert(bad)


def test_optional_fields_are_kept(index: ClaimIndex) -> None:
    assert index.get("c1")["url"] == "https://cekfakta.id/1"


@pytest.mark.parametrize(
    ("verdict", "sign"), [("hoax", 1), ("Hoaks", 1), ("misleading", 1), ("SALAH", 1), ("true", -1), ("unverified", 0)]
)
def test_verdict_sign(verdict: str, sign: int) -> None:
    assert verdict_sign(verdict) == sign


def test_empty_index_matches_nothing(bundle: ModelBundle) -> None:
    assert make_claim_index(bundle).match(["vaksin mengandung chip"]) == [None]


def test_bulk_load_can_skip_invalid_records(bundle: ModelBundle) -> None:
    idx = make_claim_index(bundle)
    with pytest.raises(InvalidClaimError):
        idx.upsert_many([CLAIMS[0], {"id": "bad"}])
    idx = make_claim_index(bundle)
    assert idx.upsert_many([CLAIMS[0], {"id": "bad"}, CLAIMS[1]], skip_invalid=True) == 2
    assert idx.ids() == ["c1", "c2"]


ALIASED = {"id": "a1", "claim": "Dana haji dipakai pemerintah", "verdict": "hoax",
           "aliases": ["pemerintah gunakan dana haji untuk infrastruktur", "Dana haji dipakai pemerintah"]}
ALIAS_POST = ["katanya duit haji digunakan buat bangun infrastruktur"]


@pytest.mark.parametrize("bulk", [True, False])
def test_aliases_are_indexed_under_their_claim_id(bundle: ModelBundle, bulk: bool) -> None:
    idx = make_claim_index(bundle)
    idx.upsert_many(CLAIMS)
    (idx.upsert_many([ALIASED]) if bulk else idx.upsert(ALIASED))
    assert len(idx) == len(CLAIMS) + 1
    # only the alias spelling says "gunakan ... infrastruktur"; the match reports the claim's own id and text
    m = idx.match(ALIAS_POST, threshold=0.5)[0]
    assert m is not None and m.claim_id == "a1" and m.claim == "Dana haji dipakai pemerintah"
    # an alias repeating the claim text adds no row
    assert len(idx._row_of["a1"]) == 2
    # replacing the claim without aliases drops the alias rows; deleting removes every row
    idx.upsert({"id": "a1", "claim": "Dana haji dipakai pemerintah", "verdict": "hoax"})
    assert idx.match(ALIAS_POST, threshold=0.5) == [None]
    idx.upsert(ALIASED)
    assert idx.delete("a1") and idx.match(ALIAS_POST, threshold=0.5) == [None]
    assert "a1" not in idx and all(m is None or m.claim_id != "a1" for m in idx.match(
        ["dana haji dipakai pemerintah", "pemerintah gunakan dana haji untuk infrastruktur"], threshold=0.0))


def test_runner_up_is_another_claim_not_an_alias(bundle: ModelBundle) -> None:
    idx = make_claim_index(bundle)
    idx.upsert_many([ALIASED, CLAIMS[2]])
    cand = idx.candidates([idx._normalizer.normalize("pemerintah gunakan dana haji untuk infrastruktur")])
    assert idx._row_ids[cand["row"][0]] == "a1" and cand["sim"][0] > 0.9
    assert cand["second"][0] < 0.5  # the other claim (subsidi gas) shares only "pemerintah"
    # with only one claim indexed there is no runner-up at all, whatever its aliases
    solo = make_claim_index(bundle)
    solo.upsert(ALIASED)
    assert solo.candidates([idx._normalizer.normalize("pemerintah gunakan dana haji")])["second"][0] == 0.0


def test_runner_up_is_the_best_similarity_of_the_other_claims(bundle: ModelBundle) -> None:
    idx = make_claim_index(bundle)
    idx.upsert_many(CLAIMS)
    post = [idx._normalizer.normalize("vaksin covid mengandung chip pelacak, minum air hangat cegah corona")]
    cand = idx.candidates(post)
    best = idx._row_ids[cand["row"][0]]
    assert best == "c1" and 0 < cand["second"][0] < cand["sim"][0]
    idx.delete(best)  # (a delete masks the row: the other claims' weights are unchanged)
    other = idx.candidates(post)
    assert idx._row_ids[other["row"][0]] == "c2" and cand["second"][0] == other["sim"][0]


def test_ranking_prefers_the_claim_sharing_more_words(bundle: ModelBundle) -> None:
    claims = [{"id": "short", "claim": "Manfaat jambu biji", "verdict": "true"},
              {"id": "long", "claim": "Jambu biji dapat menaikkan trombosit pasien demam berdarah", "verdict": "hoax"}]
    post = ["jus jambu biji katanya ampuh menaikkan trombosit pasien demam berdarah"]
    idx = make_claim_index(bundle)
    idx.rank_shared_power = 0.5
    idx.upsert_many(claims)
    assert idx._row_ids[idx.candidates(idx._normalizer.normalize_batch(post))["row"][0]] == "long"
    idx = make_claim_index(bundle)
    idx.rank_shared_power = 0.5
    idx.upsert_many(claims)
    cand = idx.candidates(idx._normalizer.normalize_batch(["manfaat jambu biji untuk kesehatan"]))
    assert idx._row_ids[cand["row"][0]] == "short"  # a post about the short claim still finds it


def test_rank_power_comes_from_the_trained_claim_params(bundle: ModelBundle) -> None:
    import copy

    b = copy.copy(bundle)
    b.claim_params = dict(bundle.claim_params, rank_shared_power=0.5)
    assert make_claim_index(b).rank_shared_power == 0.5
    b.claim_params = {k: v for k, v in bundle.claim_params.items() if k != "rank_shared_power"}
    assert make_claim_index(b).rank_shared_power == 0.0  # artifacts trained before it: plain similarity ranking


# re-ranking by the FeatureSpace cosines (character n-grams inside words, word uni/bigrams)
TYPO_CLAIMS = [{"id": "right", "claim": "Air kelapa menyembuhkan covid", "verdict": "hoax"},
               {"id": "wrong", "claim": "Air kelapa menyegarkan tubuh", "verdict": "true"}]
TYPO_POST = ["air kelapa bisa menyembuhan kovid19"]  # "menyembuhan", "kovid19": no word term of the right claim


def _with_rerank(bundle: ModelBundle, **params) -> ModelBundle:
    import copy

    from streams.claims.ranking import RERANK_FEATURES

    b = copy.copy(bundle)
    # a re-ranker that mostly trusts the character-n-gram cosine (trained ones weigh it ~3.6, see docs/models.md)
    coef = [{"similarity": 1.0, "char_cosine": 4.0, "score_ratio": 1.0}.get(f, 0.0) for f in RERANK_FEATURES]
    b.claim_params = {**bundle.claim_params, "rank_shared_power": 0.5, "rerank_coef": coef, "rerank_intercept": -3.0,
                      **params}
    return b


def test_a_misspelt_post_finds_its_claim_through_character_ngrams(bundle: ModelBundle) -> None:
    plain = make_claim_index(bundle)
    plain.upsert_many(TYPO_CLAIMS)
    norm = plain._normalizer.normalize_batch(TYPO_POST)
    assert plain._row_ids[plain.candidates(norm)["row"][0]] == "wrong"  # words alone prefer the other claim
    for live in (False, True):
        idx = make_claim_index(_with_rerank(bundle))
        if live:  # claims upserted one by one live (the recent block), as well as bulk-loaded (the main block)
            idx.upsert_many([CLAIMS[0]])
            for c in TYPO_CLAIMS:
                idx.upsert(c)
        else:
            idx.upsert_many(TYPO_CLAIMS)
        cand = idx.candidates(norm)
        assert idx._row_ids[cand["row"][0]] == "right"
        assert cand["char_cos"][0] > 0.6 and cand["second"][0] > 0
        m = idx.match(TYPO_POST, threshold=0.0)[0]
        assert m is not None and m.claim_id == "right"
        # the Scorer's batch features give the same result as computing them here
        x = bundle.features.transform(norm)
        assert idx.match_normalized(norm, threshold=0.0, x=x)[0] == m


def test_pair_cosines_match_the_feature_rows(bundle: ModelBundle) -> None:
    import numpy as np

    idx = make_claim_index(_with_rerank(bundle))
    idx.upsert_many(CLAIMS + TYPO_CLAIMS)
    posts = idx._normalizer.normalize_batch(["vaksin covid ada chip pelacak", "air kelapa menyembuhan kovid"])
    pr = idx.candidates(posts, pairs=True)["pairs"]
    assert pr["post"].size >= 2
    for j in range(pr["post"].size):
        char, word = expected_cosines(bundle.features, posts[pr["post"][j]], idx._row_fx.spelling(pr["row"][j]))
        assert np.isclose(pr["char_cos"][j], char, atol=1e-5)
        assert np.isclose(pr["word_cos"][j], word, atol=1e-5)


def test_artifacts_without_rerank_params_load_and_rank_as_before(bundle: ModelBundle) -> None:
    from streams.claims.ranking import ACCEPT_FEATURES

    import copy

    old = copy.copy(bundle)  # artifacts trained before re-ranking: no rerank model, 9-feature acceptance model
    old.claim_params = {k: v for k, v in bundle.claim_params.items() if not k.startswith("rerank_")}
    old.claim_params["accept_coef"] = [0.0] * len(ACCEPT_FEATURES)
    idx = make_claim_index(old)
    assert idx.rerank_coef is None
    assert not idx.uses_char_features
    idx.upsert_many(CLAIMS + TYPO_CLAIMS)
    idx.match(["vaksin covid ada chip pelacak"])
    assert idx._row_fx.transformed == 0  # no feature rows computed for old artifacts
    with pytest.raises(ValueError, match="re-run"):
        make_claim_index(_with_rerank(bundle, rerank_coef=[1.0, 2.0]))


def test_the_feature_tokens_give_the_same_candidates_as_the_texts(bundle: ModelBundle) -> None:
    """The Scorer hands over the tokens its FeatureSpace read; terms found through them (an array per feature
    token, the token cache for words outside the feature vocabulary, whole texts past ``max_chars``) are the
    same as those read from the texts."""
    posts = ["Vaksin covid mengandung chip pelacak, sebarkan!", "minum air hangat bisa cegah corona kata grup wa",
             "subsidi gas 3kg dihapus pemerintah?? zzqxvirusbaru", "",
             "hari ini cuaca cerah " * 200 + "vaksin covid mengandung chip pelacak",
             "hari ini cerah sekali", "vaksin chip"]
    by_texts, by_tokens = make_claim_index(bundle), make_claim_index(bundle)
    for idx in (by_texts, by_tokens):
        idx.upsert_many(CLAIMS)
    norm = by_texts._normalizer.normalize_batch(posts)
    assert len(norm[4]) > bundle.features.max_chars
    x, tokens = bundle.features.transform_tokens(norm)
    assert (tokens.tid < 0).any()  # a word the feature vocabulary does not know
    for _ in range(2):  # first look-ups, then remembered ones
        a = by_tokens.candidates(norm, x=x, tokens=tokens)
        b = by_texts.candidates(norm, x=x)
        for key in ("row", "sim", "second", "shared", "post_terms"):
            assert a[key].tolist() == b[key].tolist(), key
    assert by_tokens._row_ids[a["row"][4]] == "c1"  # found by the words past max_chars
    assert a["post_terms"][4] > 3


def test_claim_churn_does_not_grow_the_vocabulary_and_matches_as_a_fresh_index(bundle: ModelBundle) -> None:
    """Claims replaced and deleted over time leave their words behind; a rebuild renumbers the columns to the
    words live claims use, and the index then matches exactly as one built from the live claims alone."""
    letters = "abcdefghijklmnoprstuwy"

    def word(n: int) -> str:
        return "".join(letters[(n // len(letters) ** k) % len(letters)] for k in range(4)) + "ku"

    churned = make_claim_index(bundle)
    churned.upsert_many(CLAIMS)
    for i in range(3000):  # a stream of short-lived claims, each with words of its own
        churned.upsert({"id": f"tmp-{i}", "claim": f"{word(3 * i)} {word(3 * i + 1)} menyebabkan {word(3 * i + 2)}",
                        "verdict": "hoax"})
        churned.delete(f"tmp-{i - 5}")
    live = churned.ids()
    assert len(live) == len(CLAIMS) + 5 and churned.rebuilds > 10
    assert len(churned._vocab) < 2 * 1024  # 9,000 words went through it
    churned.upsert_many([])  # a rebuild now: the claim-collection weights are a snapshot taken at each rebuild
    fresh = make_claim_index(bundle)
    fresh.upsert_many([churned.get(cid) for cid in live])
    posts = ["vaksin covid mengandung chip pelacak", "minum air hangat cegah corona", "subsidi gas 3 kg dihapus",
             f"awas {word(3 * 2998)} {word(3 * 2998 + 1)} menyebabkan {word(3 * 2998 + 2)}", "hari ini cerah"]
    got, want = churned.match(posts), fresh.match(posts)
    assert [m.claim_id if m else None for m in got] == [m.claim_id if m else None for m in want]
    assert [m.claim_id if m else None for m in got][:4] == ["c1", "c2", "c3", "tmp-2998"]
    assert [m.similarity for m in got if m] == pytest.approx([m.similarity for m in want if m], abs=1e-4)


def test_coverage_cosine_and_similarity_are_those_of_the_weighted_term_vectors(index: ClaimIndex) -> None:
    """The block scores derive the cosine from the coverage, which holds only while a term weighs the same in a post
    as in a claim: check the index's figures against the two weighted vectors built by hand, with a claim upserted
    live (recent block) as well as the bulk-loaded ones (main block)."""
    import numpy as np

    from streams.text.normalize import normalize

    index.upsert({"id": "c8", "claim": "Air hangat dan lemon mencegah covid", "verdict": "hoax"})

    def weights(terms: list[str]) -> dict[str, float]:
        cols = np.array([index._vocab.get(t, -1) for t in terms], dtype=np.int64)
        idf = np.array([index.idf.get(t, index.default_idf) for t in terms])
        return dict(zip(terms, idf * index._factor_of(cols)))

    posts = ["katanya minum air hangat pakai lemon bisa mencegah covid lho", "vaksin covid ada chip pelacaknya"]
    normalized = [normalize(p) for p in posts]
    cand = index.candidates(normalized)
    for i, text in enumerate(normalized):
        row = int(cand["row"][i])
        post = weights(list(dict.fromkeys(index._terms(text))))
        claim = weights(list(dict.fromkeys(index._terms(index._row_fx.spelling(row)))))
        shared = sum(post[t] ** 2 for t in post if t in claim)
        norm_post = np.sqrt(sum(w**2 for w in post.values()))
        norm_claim = np.sqrt(sum(w**2 for w in claim.values()))
        coverage, cosine = shared / norm_claim**2, shared / (norm_post * norm_claim)
        assert np.isclose(cand["coverage"][i], coverage, rtol=1e-9)
        assert np.isclose(cand["cosine"][i], cosine, rtol=1e-9)
        assert np.isclose(cand["sim"][i], coverage**index.alpha * cosine ** (1 - index.alpha), rtol=1e-9)
        assert cand["shared"][i] == sum(1 for t in post if t in claim)
    assert [index._row_ids[int(r)] for r in cand["row"]] == ["c8", "c1"]
