"""The detectors against the targets, on the shipped scenarios and on variations of them.

Targets: a known hoax from nothing to ~10 posts/min reaches siaga or higher within 10 event-minutes with the
right claim; a negative surge of that size reaches waspada within 10 minutes; a coordinated push of 30+ fresh
accounts within 2 minutes is flagged with its accounts; a positive wave stays at waspada or below; 70 minutes of
background give no siaga/awas and at most one waspada.

Posts are scored by the oracle (ground truth with realistic errors) so the engine is tested on its own; the
last tests run the real models through ``score_posts`` when they are trained.
"""

from __future__ import annotations

import random
from datetime import timedelta
from functools import lru_cache

import pytest

from streams.issues.timeutil import parse_ms
from streams.scenarios import DEFAULT_START, build_scenario
from streams.scenarios.builder import Authors, Stream, background
from streams.scenarios.oracle import oracle_score_posts, scenario_claims
from tests.issues.helpers import run_engines


def run(posts: list[dict], scored: list[dict] | None = None, claims: dict | None = None, batch: int = 50):
    scored = scored if scored is not None else oracle_score_posts(posts)
    claims = claims if claims is not None else {c["id"]: c for c in scenario_claims(posts)}
    escalations, _ = run_engines(scored, batch=batch, claim_lookup=claims.get)
    return [event for _, event in escalations]


def segment_start(posts: list[dict], segment: str) -> int:
    return min(parse_ms(p["created_at"]) for p in posts if p["scenario"]["segment"] == segment)


def minutes_after(event: dict, start_ms: int) -> float:
    return (parse_ms(event["time"]) - start_ms) / 60000


def segment_issues(posts: list[dict], scored: list[dict], segment: str) -> set[str]:
    return {s["scores"]["issue_id"] for p, s in zip(posts, scored, strict=True) if p["scenario"]["segment"] == segment}


def background_escalations(events, posts, scored, segment):
    """Escalations of issues made only of background posts (false alarms)."""
    mine = segment_issues(posts, scored, segment)
    return [e for e in events if e["subject"] not in mine]


def spellings_of(claim_id: str, text: str) -> set[str]:
    """The texts one known claim goes by: near-duplicate spellings are merged into one claim with aliases."""
    from streams.claims.starter import load_starter_claims

    for claim in load_starter_claims():
        if claim["id"] == claim_id:
            return {claim["claim"].lower(), *(alias.lower() for alias in claim.get("aliases", []))}
    return {text.lower()}


def check_hoax(posts, events, scored):
    start = segment_start(posts, "hoax-burst")
    claim = next(p["scenario"]["claim"] for p in posts if p["scenario"]["segment"] == "hoax-burst")
    high = [e for e in events if e["data"]["level"] >= 3 and e["data"]["matched_claims"]]
    assert high, [(e["subject"], e["data"]["level"]) for e in events]
    first = min(high, key=lambda e: e["time"])
    assert minutes_after(first, start) <= 10
    matched = first["data"]["matched_claims"][0]
    assert claim.lower() in spellings_of(matched["claim_id"], matched["claim"])
    assert first["data"]["route"] == "counter-messaging"
    assert not [e for e in background_escalations(events, posts, scored, "hoax-burst") if e["data"]["level"] >= 3]


def check_negative(posts, events, scored):
    start = segment_start(posts, "negative-surge")
    mine = segment_issues(posts, scored, "negative-surge")
    hits = [e for e in events if e["subject"] in mine and e["data"]["level"] >= 2]
    assert hits and minutes_after(min(hits, key=lambda e: e["time"]), start) <= 10
    assert not [e for e in background_escalations(events, posts, scored, "negative-surge") if e["data"]["level"] >= 3]


def check_push(posts, events, scored, accounts: int = 30):
    start = segment_start(posts, "coordinated-push")
    pushers = {p["author"]["id"] for p in posts if p["scenario"]["segment"] == "coordinated-push"}
    flagged = [e for e in events if e["data"]["coordination"] and e["data"]["coordination"]["accounts"] >= accounts]
    assert flagged, [(e["subject"], e["data"]["level"], e["data"]["coordination"]) for e in events]
    first = min(flagged, key=lambda e: e["time"])
    assert minutes_after(first, start) <= 10
    listed = set(first["data"]["coordination"]["sample_account_ids"])
    assert len(listed) >= min(accounts, 30) and listed <= pushers
    assert first["data"]["coordination"]["window_seconds"] <= 180


def check_positive(posts, events, scored):
    assert max((e["data"]["level"] for e in events), default=0) <= 2


def check_background(posts, events, scored):
    assert not [e for e in events if e["data"]["level"] >= 3]
    assert len(events) <= 1


CHECKS = {
    "hoax-burst": check_hoax,
    "negative-surge": check_negative,
    "coordinated-push": check_push,
    "positive-viral": check_positive,
    "background": check_background,
}


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("name", list(CHECKS))
def test_shipped_scenarios_meet_the_targets(name, seed):
    posts = build_scenario(name, seed=seed)
    scored = oracle_score_posts(posts)
    CHECKS[name](posts, run(posts, scored), scored)


@pytest.mark.parametrize("name,options", [
    ("hoax-burst", {"peak": 8, "ramp": 9}),
    ("hoax-burst", {"peak": 12, "ramp": 3, "background_rate": 12}),
    ("hoax-burst", {"claim": "Vaksin penyebab autis"}),
    ("negative-surge", {"subject": "krl", "hashtags": False}),
    ("negative-surge", {"subject": "bpjs", "peak": 8, "ramp": 8}),
    ("negative-surge", {"subject": "pln", "background_rate": 12}),
    ("coordinated-push", {"accounts": 30, "seconds": 120, "template": 0}),
    ("coordinated-push", {"accounts": 30, "seconds": 115, "template": 2, "background_rate": 12}),
    ("positive-viral", {"peak": 35, "subject": "timnas"}),
    ("positive-viral", {"peak": 25, "subject": "batik", "ramp": 4}),
    ("background", {"background_rate": 12}),
    ("background", {"background_rate": 3}),
])
def test_variations_meet_the_targets(name, options):
    posts = build_scenario(name, seed=11, **options)
    scored = oracle_score_posts(posts)
    CHECKS[name](posts, run(posts, scored), scored)


def test_a_surge_about_an_entity_the_generators_never_use_is_still_caught():
    """Texts and subject unlike anything in the scenario generators: complaints about one airport."""
    rng = random.Random(7)
    stream = Stream("unseen", 0, DEFAULT_START, rng)
    background(stream, DEFAULT_START, 30, 6.0)
    authors = Authors(rng, DEFAULT_START, "ku")
    openers = ["Penerbangan delay lima jam di Bandara Kualanamu", "Antrean imigrasi Bandara Kualanamu mengular",
               "Bagasi hilang di Bandara Kualanamu, petugas cuek", "Toilet Bandara Kualanamu kotor dan bau",
               "AC mati di ruang tunggu Bandara Kualanamu", "Taksi liar memaksa penumpang di Kualanamu"]
    closers = ["Kecewa berat.", "Tolong dibenahi!", "Parah sekali pelayanannya.", "Tidak ada informasi sama sekali.",
               "Mau sampai kapan begini?", ""]
    start = DEFAULT_START + timedelta(minutes=8)
    for i in range(110):
        at = start + timedelta(seconds=60 * 11 * (i / 110) ** 0.7 + rng.uniform(0, 20))
        stream.post(segment="negative-surge", at=at, author=authors.from_pool(300),
                    text=f"{rng.choice(openers)}. {rng.choice(closers)}".strip(),
                    truth={"sentiment": "negative", "hoax": False, "claim": None})
    posts = stream.finish()
    scored = oracle_score_posts(posts)
    check_negative(posts, run(posts, scored), scored)


def test_a_copy_paste_push_by_fresh_accounts_without_follower_counts_is_still_flagged():
    """30 fresh accounts (no follower counts given), one sentence copied with small edits, within 2 min."""
    rng = random.Random(3)
    stream = Stream("unseen-push", 0, DEFAULT_START, rng)
    background(stream, DEFAULT_START, 20, 6.0)
    authors = Authors(rng, DEFAULT_START, "up")
    base = "Warga Sukamaju menolak pembangunan pabrik semen karena merusak sumber air desa"
    start = DEFAULT_START + timedelta(minutes=6)
    for _ in range(30):
        author = authors.fresh()
        post = stream.post(segment="coordinated-push", at=start + timedelta(seconds=rng.uniform(0, 120)),
                           author=author, text=base + rng.choice(["!", "!!", ".", " #SaveSukamaju", " 🙏"]),
                           truth={"sentiment": "negative", "hoax": False, "claim": None})
        del post["author"]["followers"]
    posts = stream.finish()
    scored = oracle_score_posts(posts)
    events = run(posts, scored)
    check_push(posts, events, scored)


# --- with the trained models --------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def real_scorer():
    try:
        from streams.scoring import Scorer
        from streams.settings import get_settings

        return Scorer.load(get_settings().models_dir)
    except Exception as exc:  # noqa: BLE001 - models not trained here
        pytest.skip(f"trained models unavailable: {exc}")


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", ["hoax-burst", "negative-surge", "coordinated-push", "positive-viral",
                                  "background"])
def test_scenarios_through_the_real_scoring_path(name, seed):
    from streams.pipeline import score_posts

    scorer = real_scorer()
    posts = build_scenario(name, seed=seed)
    scored = score_posts(posts, scorer)
    claims = getattr(scorer, "claims", None)
    lookup = claims if claims is not None and hasattr(claims, "get") else {}
    events = run(posts, scored, claims={} if lookup == {} else lookup)
    CHECKS[name](posts, events, scored)


GREETINGS = ["Selamat pagi semua, semoga harimu menyenangkan", "selamat pagi kawan, semangat kerjanya ya",
             "Pagi semuanya! semoga hari ini lancar", "selamat pagi, jangan lupa sarapan",
             "met pagi gaes, semangat senin", "Selamat pagi Indonesia, semoga sehat selalu",
             "pagi pagi udah hujan aja, selamat pagi semua", "selamat pagi dan selamat beraktivitas",
             "Semoga hari ini penuh berkah, selamat pagi", "pagiii semuaa"]
PRAYERS = ["Mari kita doakan korban banjir di Demak agar diberi ketabahan",
           "Ya Allah, lindungilah saudara-saudara kami di Demak",
           "Turut berduka untuk warga Demak yang terdampak banjir, semoga cepat surut",
           "Semoga banjir Demak segera surut dan warga diberi kekuatan",
           "Doa terbaik untuk warga Demak, semoga selalu dalam lindungan Allah", "Pray for Demak 🙏",
           "Innalillahi, banjir Demak makin parah, semoga semua selamat",
           "Yuk bantu korban banjir Demak lewat lembaga resmi", "Semoga para relawan di Demak diberi kesehatan",
           "Ya Allah kuatkan warga Demak"]


@pytest.mark.parametrize("texts", [GREETINGS, PRAYERS], ids=["morning-greetings", "prayers-for-flood-victims"])
def test_a_wave_of_chit_chat_is_not_a_possible_hoax(texts):
    """300 posts from 300 accounts in 30 minutes, through the real models. Before the relevance model saw
    authored chit-chat (``streams.models.phatic``) most of them were labelled hoax and each wave escalated as a
    possible new hoax (route fact-check: "selamat", "demak"); now neither does."""
    from datetime import UTC, datetime

    from streams.pipeline import score_posts

    rng = random.Random(3)
    start = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
    posts = []
    for i in range(300):
        created = start + timedelta(seconds=i * 6 + rng.random() * 5)
        posts.append({"id": f"g{i}", "platform": "twitter",
                      "text": rng.choice(texts) + ("" if rng.random() < 0.5 else " 🙏"),
                      "created_at": created.isoformat().replace("+00:00", "Z"),
                      "author": {"id": f"a{i}", "followers": rng.randint(10, 5000)}})
    scored = score_posts(posts, real_scorer())
    hoax_share = sum(s["scores"]["hoax"]["label"] == "hoax" for s in scored) / len(scored)
    events = run(posts, scored, claims={})
    assert not [e for e in events if any(r["signal"] == "hoax" for r in e["data"]["reasons"])], events
    assert hoax_share < 0.3
