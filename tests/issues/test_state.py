"""The issue state's bounded collections (streams/issues/state.py): each keeps the k smallest of a fixed order, so
what a bucket holds depends on which posts fell into it, never on the order they arrived in."""

from __future__ import annotations

import random

from streams.issues.state import (
    HASH_SPACE,
    KMV_TOTAL,
    MAX_ACCOUNTS_PER_BAND,
    MAX_BANDS_PER_BUCKET,
    MAX_IDS_PER_BUCKET,
    SAMPLES_PER_BUCKET,
    PostFacts,
    add_to_bucket,
    evaluated,
    forget_folded_minutes,
    h52,
    is_scheduled,
    kmv_add,
    kmv_estimate,
    merge_bucket_into_totals,
    new_bucket,
    new_state,
    new_totals,
    remember_claim,
    remember_id,
    schedule_evaluations,
)

T0 = 1_700_000_040_000  # a minute's start, epoch ms


def facts(n: int, *, author: str | None = None, ms: int | None = None, reach: int = 0,
          bands: list[str] | None = None) -> PostFacts:
    author = author or f"u{n:04d}"
    return PostFacts(
        post_id=f"p{n}", id_hash=h52(f"p{n}"), ms=T0 + n * 100 if ms is None else ms, minute=T0 // 60_000,
        author_id=author, author_hash=h52(author), followers=10, age_days=30.0, sentiment="neutral", hoax=False,
        hoax_micro=0, claim_id=None, claim_similarity_micro=0, reach=reach, shares=0, bands=bands or [],
        sample={"id": f"p{n}", "reach": reach, "text": f"post {n}"})


def bucket_of(posts: list[PostFacts]) -> dict:
    bucket = new_bucket(posts[0].ms)
    for post in posts:
        add_to_bucket(bucket, post)
    return bucket


def test_a_bottom_k_sketch_keeps_the_k_smallest_distinct_values_in_any_order():
    values = [h52(f"author-{i}") for i in range(500)] * 2  # every author twice
    sketches = []
    for seed in range(3):
        random.Random(seed).shuffle(values)
        sketch: list[int] = []
        for value in values:
            kmv_add(sketch, value, 64)
        sketches.append(sketch)
    assert sketches[0] == sketches[1] == sketches[2] == sorted(set(values))[:64]


def test_the_distinct_count_is_exact_below_k_and_the_unbiased_kmv_estimate_above():
    assert kmv_estimate(list(range(10)), 64) == 10
    spread = [(i + 1) * (HASH_SPACE // 6400) - 1 for i in range(64)]  # the 64th smallest at 1/100 of the space
    assert kmv_estimate(spread, 64) == 63 * 100  # (k - 1) / x, the unbiased estimator; k / x overestimates
    sketch: list[int] = []
    for i in range(5000):
        kmv_add(sketch, h52(f"author-{i}"), 128)
    assert 4000 < kmv_estimate(sketch, 128) < 6000


def test_a_bucket_holds_the_same_samples_accounts_and_times_whatever_the_arrival_order():
    same_band = "b:1"
    posts = [facts(n, reach=n * 7 % 23, bands=[same_band, f"b:{n:03d}"]) for n in range(MAX_BANDS_PER_BUCKET + 20)]
    posts += [facts(1000, author="u0003", ms=T0 - 500, bands=[same_band])]  # u0003 again, earlier
    forward, backward = bucket_of(posts), bucket_of(posts[::-1])
    assert forward == backward
    assert forward["min_ms"] == T0 - 500 and forward["max_ms"] == posts[-2].ms
    reaches = sorted((post.reach for post in posts), reverse=True)[:SAMPLES_PER_BUCKET]
    assert [sample["reach"] for sample in forward["sm"]] == reaches  # the widest-reaching posts as samples
    assert len(forward["co"]) == MAX_BANDS_PER_BUCKET and max(forward["co"]) == sorted(
        {band for post in posts for band in post.bands})[MAX_BANDS_PER_BUCKET - 1]  # the smallest band keys
    accounts = forward["co"][same_band]
    assert [a[0] for a in accounts] == sorted({post.author_id for post in posts})[:MAX_ACCOUNTS_PER_BAND]
    assert next(a for a in accounts if a[0] == "u0003")[3] == (T0 - 500) // 1000  # the account's first post


def test_a_bucket_remembers_a_bounded_number_of_post_ids():
    bucket = new_bucket(T0)
    for n in range(MAX_IDS_PER_BUCKET + 50):
        remember_id(bucket, h52(f"p{n}"))
    assert len(bucket["ids"]) == MAX_IDS_PER_BUCKET and bucket["ids"] == sorted(bucket["ids"])


def test_folded_minutes_up_to_the_horizon_are_forgotten_and_the_lifetime_sketch_keeps_more_authors():
    state = {"f": {"4": "AAAA", "5": "AAAB", "6": "AAAC"}}
    forget_folded_minutes(state, 5)
    assert list(state["f"]) == ["6"]
    totals = new_totals()
    for minute in range(3):
        merge_bucket_into_totals(totals, bucket_of([facts(minute * 100 + n) for n in range(100)]))
    assert totals["n"] == 300 and len(totals["au"]) == KMV_TOTAL


def test_the_minutes_an_issue_is_due_in_are_merged_runs_and_dropped_once_evaluated():
    state: dict = {}
    for first, last in ((1, 10), (2, 5), (11, 12), (20, 22)):
        schedule_evaluations(state, first, last)
    assert state["due"] == [[1, 12], [20, 22]]  # adjacent runs merged; a run inside another adds nothing
    assert is_scheduled(state, 12) and not is_scheduled(state, 15)
    evaluated(state, 12)
    assert state["due"] == [[20, 22]]
    evaluated(state, 22)
    assert "due" not in state


def test_claims_are_remembered_with_their_text_cut_and_their_similarity_summed_into_the_totals():
    state = new_state("claim-c1", "claim", "c1")
    assert remember_claim(state, {"claim_id": "c1", "claim": "x" * 900, "verdict": "hoax"}) == "c1"
    assert len(state["claims"]["c1"]["claim"]) == 500
    posts = [facts(n) for n in range(3)]
    for post, similarity in zip(posts, (600_000, 700_000, 800_000), strict=True):
        post.claim_id, post.claim_similarity_micro = "c1", similarity
    totals = new_totals()
    merge_bucket_into_totals(totals, bucket_of(posts))
    assert totals["cl"] == {"c1": 3} and totals["cs"] == {"c1": 2_100_000}


def test_posts_without_a_province_are_not_counted_under_one():
    bucket = bucket_of([facts(n) for n in range(3)])
    assert "rg" not in bucket and bucket["pl"] == {"": 3}
    located = facts(9)
    located.province = "ID-JK"
    add_to_bucket(bucket, located)
    assert bucket["rg"] == {"ID-JK": 1}
