"""What an escalation event says about its issue: every metric, the previous level, the first post and the
coordination evidence, checked against the posts themselves (the schema tests check only the shapes)."""

from __future__ import annotations

from datetime import timedelta

from streams.issues.timeutil import parse_ms
from tests.issues.helpers import T0, iso, run_engines, scored_post
from tests.issues.test_quiet_windows import policy_with, rule

PUSH = "vaksin covid mengandung chip pelacak dari luar negeri sebarkan sebelum dihapus ya"


def stream() -> list[dict]:
    def post(i, minute, seconds=0, **options):
        return scored_post(i, options.pop("text", "air pdam keruh lagi"), T0 + timedelta(minutes=minute, seconds=seconds),
                           issue_id="topic-pdam", **options)

    early = [post(i, i) for i in range(3)]  # before the window of either escalation
    sentiments = ["negative", "negative", "positive", "neutral"]
    main = [post(10 + i, 10 + i // 3, 10 * (i % 3), author=f"m{i % 7}", sentiment=sentiments[i % 4],
                 hoax=0.9 if i % 3 == 0 else 0.2, followers=[50, 5_000, 800][i % 3]) for i in range(9)]
    push = [post(30 + i, 12, 8 * i, text=PUSH, author=f"fresh{i}", followers=10, account_age_days=2)
            for i in range(5)]
    return early + main + push


def test_an_escalation_reports_what_its_posts_show() -> None:
    posts = stream()
    policy = policy_with([rule("watch", volume={"gte": 6}),
                          {"name": "prepare", "level": 3, "when": {"volume": {"gte": 12}}}])
    escalations, _ = run_engines(posts, policy=policy)
    assert [event["data"]["level"] for _, event in escalations] == [2, 3]
    assert [event["data"]["previous_level"] for _, event in escalations] == [None, 2]
    for _, event in escalations:
        data, metrics = event["data"], event["data"]["metrics"]
        start, end = parse_ms(data["window"]["start"]), parse_ms(data["window"]["end"])
        window = [p for p in posts if start <= parse_ms(p["created_at"]) < end]
        so_far = [p for p in posts if parse_ms(p["created_at"]) < end]

        def reach(p):
            return max(p["engagement"]["views"], p["author"]["followers"])

        assert metrics["window_posts"] == len(window) and metrics["posts"] == len(so_far)
        assert metrics["window_authors"] == len({p["author"]["id"] for p in window})
        assert metrics["authors"] == len({p["author"]["id"] for p in so_far})
        assert metrics["window_reach"] == sum(map(reach, window)) and metrics["reach"] == sum(map(reach, so_far))
        share = lambda test: round(sum(map(test, window)) / len(window), 4)  # noqa: E731
        assert metrics["negative_share"] == share(lambda p: p["scores"]["sentiment"]["label"] == "negative")
        assert metrics["positive_share"] == share(lambda p: p["scores"]["sentiment"]["label"] == "positive")
        assert metrics["hoax_share"] == share(lambda p: p["scores"]["hoax"]["probability"] >= 0.5)
        assert data["first_seen"] == iso(T0)
    coordination = escalations[-1][1]["data"]["coordination"]
    assert coordination["accounts"] == 5 and coordination["fresh_accounts"] == 5
    assert (coordination["first_post_at"], coordination["last_post_at"]) == (
        iso(T0 + timedelta(minutes=12)), iso(T0 + timedelta(minutes=12, seconds=32)))
