"""What the engine takes from a scored post: tolerant of odd optional fields, bounded, reshares not counted as
coordination evidence, and the label a new issue gets."""

from __future__ import annotations

from datetime import timedelta

from streams.issues.facts import held_copy, label_for, post_facts
from streams.issues.timeutil import parse_ms
from streams.policy import load_policy
from tests.issues.helpers import T0, iso, scored_post

POLICY = load_policy()
MS = parse_ms(iso(T0))


def test_odd_optional_fields_give_unknowns_not_errors():
    post = scored_post(1, "Air PDAM mati lagi sejak pagi di Semarang", T0)
    post.update(author={"id": "a1", "followers": -5, "created_at": "kemarin"}, engagement="banyak",
                region="id-jt-74", platform="facebook")
    post["scores"]["hoax"] = {"probability": 7, "cues": ["spread_call", 3, "x" * 100] * 3}
    facts = post_facts(post, post["scores"], MS, POLICY)
    assert (facts.followers, facts.age_days, facts.reach, facts.shares) == (-1, -1.0, 0, 0)
    assert facts.hoax and facts.hoax_micro == 1_000_000  # a probability out of range is clipped
    assert facts.sample["hoax_cues"] == ["spread_call", "x" * 64, "spread_call", "x" * 64]
    assert (facts.platform, facts.province) == ("facebook", "ID-JT")


def test_a_sample_post_keeps_a_bounded_part_of_a_long_url():
    """A post's url has no limit of its own; an escalation carries up to 20 samples and an issue's state several
    per minute, so one post with a url of most of a megabyte made them too large for a record."""
    from streams.issues.state import URL_MAX

    post = scored_post(5, "Jalan rusak parah di depan pasar", T0)
    post["url"] = "https://contoh.id/" + "a" * 900_000
    facts = post_facts(post, post["scores"], MS, POLICY)
    assert facts.sample["url"] == post["url"][:URL_MAX]
    post["url"] = "https://contoh.id/berita/1"
    assert post_facts(post, post["scores"], MS, POLICY).sample["url"] == "https://contoh.id/berita/1"


def test_account_age_and_reach_come_from_the_post():
    post = scored_post(2, "Jalan rusak parah di depan pasar", T0, followers=1200, account_age_days=3.5)
    facts = post_facts(post, post["scores"], MS, POLICY)
    assert facts.age_days == 3.5 and facts.reach == max(1200, post["engagement"]["views"])


def test_a_reshare_adds_no_coordination_evidence():
    text = "Beredar pesan berantai soal vaksin, sebarkan ke grup keluarga sebelum dihapus"
    original = post_facts(scored_post(3, text, T0), scored_post(3, text, T0)["scores"], MS, POLICY)
    reshare_post = scored_post(4, f"RT @budi: {text}", T0 + timedelta(seconds=5))
    reshare = post_facts(reshare_post, reshare_post["scores"], MS, POLICY)
    assert original.bands and not reshare.bands


def test_a_new_issue_is_labelled_by_its_claim_its_hashtag_or_its_reshared_post():
    claim = {"claim_id": "c1", "claim": "Jus daun pepaya menyembuhkan DBD"}
    assert label_for("claim-c1", {"text": "jus pepaya"}, claim) == "Jus daun pepaya menyembuhkan DBD"
    assert label_for("topic-airmati", {"text": "Air mati lagi #AirMati"}, None) == "#airmati"
    assert label_for("share-p9", {"text": "RT", "shared_from": "p9"}, None) == "reshares of post p9"
    assert label_for("misc-1a2b", {"text": " \t "}, None) == "short posts without a topic word"  # was blank
    # shared_from has no limit of its own: a megabyte of it became the label of the issue's record and escalation
    assert len(label_for("share-x", {"text": "RT", "shared_from": "x" * 900_000}, None)) < 200


def test_absurd_counts_are_capped_so_an_issue_s_sums_stay_encodable():
    """Followers and views of 2^63 - 1 are valid input; summed over an issue they overflowed the 64-bit integers
    of its JSON events, and encoding the escalation raised."""
    import orjson

    from streams.issues.facts import MAX_COUNT
    from tests.issues.helpers import run_engines

    top = 2**63 - 1
    posts = []
    for i in range(60):
        post = scored_post(i, f"Air PDAM mati lagi di Semarang, warga kesal {i}", T0 + timedelta(seconds=4 * i),
                           followers=top, issue_id="topic-pdam")
        post["engagement"] |= {"views": top, "shares": top}
        posts.append(post)
    facts = post_facts(posts[0], posts[0]["scores"], MS, POLICY)
    assert (facts.followers, facts.reach, facts.shares) == (MAX_COUNT, MAX_COUNT, MAX_COUNT)
    escalations, _ = run_engines(posts)
    assert escalations
    for _, event in escalations:
        assert orjson.loads(orjson.dumps(event))["data"]["metrics"]["reach"] <= 60 * MAX_COUNT


def test_a_held_post_keeps_only_what_counting_it_reads_and_gives_the_same_facts():
    """A post held past its issue's idle deadline is part of the issue's state record: ten posts carrying a page's
    HTML as an unknown field made a state over the changelog's 8 MiB (QA)."""
    import orjson

    policy = load_policy()
    post = scored_post(1, "Banjir rob merendam Pekalongan utara pagi ini", T0, author="warga-1")
    post |= {"raw_html": "x" * 900_000, "url": "https://berita.example/" + "a" * 5000, "region": "  id-jt-pkl  ",
             "shared_from": "p" * 5000, "lang": "id", "reply_to": "q" * 5000}
    post["author"] |= {"handle": "h" * 100_000, "followers": 120, "created_at": "2020-01-01T00:00:00Z"}
    post["engagement"] = {"views": 10, "shares": 2, "likes": 7, "comments_html": "y" * 100_000}
    copy = held_copy(post)
    assert len(orjson.dumps(copy)) < 20_000
    ms = parse_ms(post["created_at"])
    assert post_facts(copy, copy["scores"], ms, policy) == post_facts(post, post["scores"], ms, policy)
    for issue_id in ("share-x", "topic-banjir", post["scores"]["issue_id"]):
        assert label_for(issue_id, copy, None) == label_for(issue_id, post, None)
