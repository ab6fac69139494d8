"""Claim index: correct best match, threshold, live upsert/replace/delete, bulk load, record validation."""

from __future__ import annotations

import time

import pytest

from streams.claims import ClaimIndex, InvalidClaimError, verdict_sign
from streams.models.bundle import ModelBundle
from streams.scoring import make_claim_index
from streams.settings import get_settings

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
    assert got[0].as_dict().keys() == {"claim_id", "claim", "verdict", "similarity"}


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


def test_ten_thousand_claims_load_fast_and_upsert_is_cheap(bundle: ModelBundle) -> None:
    claims = [{"id": f"x{i}", "claim": f"kabar {i} soal desa{i} kebanjiran lumpur{i % 97}", "verdict": "hoax"}
              for i in range(10_000)]
    idx = make_claim_index(bundle)
    t = time.perf_counter()
    idx.upsert_many(claims)
    assert time.perf_counter() - t < 3.0
    t = time.perf_counter()
    for i in range(100):
        idx.upsert({"id": f"live{i}", "claim": f"klaim baru {i} soal jembatan{i} roboh", "verdict": "hoax"})
    assert (time.perf_counter() - t) / 100 < 0.005
    assert len(idx) == 10_100
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
