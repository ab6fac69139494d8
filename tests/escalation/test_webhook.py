"""Delivering escalations to a team's webhook: the request, what each response means, each id once, and a
receiver that is down holding the stream instead of losing events."""

from __future__ import annotations

from types import SimpleNamespace

import orjson
import pytest

from streams.escalation import notify_metrics
from streams.escalation.lifecycle import CLOSED_TYPE
from streams.escalation.lines import event_line, event_message, safe_link
from streams.escalation.subscription import Subscription
from streams.escalation.webhook import (
    MAX_RETRY_AFTER_SECONDS,
    Notifier,
    Outcome,
    Reply,
    check_url,
    outcome_of,
    post,
    request_for,
    retry_after_seconds,
)
from tests.escalation.test_subscription import escalation, lifecycle
from tests.support.webhook import webhook_receiver


def record(event: dict | bytes, offset: int = 0) -> SimpleNamespace:
    value = event if isinstance(event, bytes) else orjson.dumps(event)
    return SimpleNamespace(topic="t.escalations", partition=0, offset=offset, value=value)


@pytest.mark.parametrize(("status", "outcome"), [
    (200, Outcome.DELIVERED), (204, Outcome.DELIVERED), (None, Outcome.RETRY), (408, Outcome.RETRY),
    (429, Outcome.RETRY), (500, Outcome.RETRY), (503, Outcome.RETRY), (400, Outcome.REJECTED),
    (401, Outcome.REJECTED), (404, Outcome.REJECTED), (300, Outcome.REJECTED), (302, Outcome.REJECTED),
])
def test_what_each_response_means(status, outcome):
    assert outcome_of(status) is outcome


def test_cloudevents_go_unchanged_and_text_is_the_summary_line():
    event = escalation("topic-pdam", 2, "public-relations", {"ID-JK": 11, "ID-SN": 1})
    event |= {"time": "2024-06-03T01:00:00.000Z"}
    event["data"] |= {"title": "Lonjakan sentimen negatif: pdam", "reasons": []}
    value = orjson.dumps(event)
    structured = request_for(value, event, "cloudevents")
    assert structured.body == value and structured.content_type.startswith("application/cloudevents+json")
    text = orjson.loads(request_for(value, event, "text").body)["text"]
    first, *rest = text.splitlines()
    assert first.startswith("2024-06-03T01:00:00.000Z ⚠ WASPADA [public-relations] Lonjakan sentimen negatif: pdam")
    assert first.endswith("| wilayah: DKI Jakarta (11 dari 12)")
    assert rest == ["Tinjauan: sigap feedback topic-pdam confirmed|false_alarm|resolved --by NAMA"]
    with pytest.raises(ValueError, match="unknown format"):
        request_for(value, event, "xml")
    in_wita = orjson.loads(request_for(value, event, "text", "WITA").body)["text"]  # UTC+8, for a team in Makassar
    assert in_wita.startswith("2024-06-03 09:00 WITA ⚠ WASPADA [public-relations]")
    assert request_for(value, event, "cloudevents", "WITA").body == value  # the event itself is never rewritten


def test_a_chat_message_gives_the_debunk_and_quotes_posts_only_when_asked_without_pinging_the_room():
    event = escalation("claim-pepaya", 3, "counter-messaging", {"ID-JT": 6})
    event["data"] |= {"title": "Klaim yang sudah dibantah beredar lagi: “jus daun pepaya untuk obat DBD”",
                      "reasons": [{"signal": "claim_match", "value": 1.0}]}
    event["data"]["matched_claims"] = [{
        "claim_id": "c1", "claim": "jus daun pepaya untuk obat DBD", "verdict": "hoax",
        "clarification": "Belum ada bukti klinis;   jus daun pepaya bukan obat DBD. " + "x" * 400,
        "url": "https://cekfakta.example.id/pepaya"}]
    event["data"]["sample_posts"] = [
        {"id": "p1", "text": "Sebarkan! <!channel> @all daun pepaya obat DBD <users/all>", "url": "https://x.com/a/1"},
        {"id": "p2", "text": "jus pepaya ampuh", "url": "javascript:alert(1)"},
        {"id": "p3", "text": "tiga", "url": "https://x.com/c/3"}]
    value = orjson.dumps(event)

    def message(samples: int) -> list[str]:
        return orjson.loads(request_for(value, event, "text", samples=samples).body)["text"].splitlines()

    first, debunk, review = message(0)  # by default no post is quoted: posts quote people
    assert first.startswith("⚠⚠ SIAGA [counter-messaging]", first.index(" ") + 1)
    assert debunk.startswith("Klaim dibantah (hoax): “jus daun pepaya untuk obat DBD”: Belum ada bukti klinis; "
                             "jus daun pepaya bukan obat DBD. x")
    assert debunk.endswith("… https://cekfakta.example.id/pepaya") and len(debunk) < 400
    assert review == "Tinjauan: sigap feedback claim-pepaya confirmed|false_alarm|resolved --by NAMA"
    quoted = message(2)
    assert len(quoted) == 5 and quoted[2].startswith("Contoh post: “Sebarkan! ")
    assert quoted[2].endswith("” https://x.com/a/1") and quoted[3] == "Contoh post: “jus pepaya ampuh”"
    text = "\n".join(quoted)
    for mention in ("<!channel>", "@all", "<users/all>"):  # shown with look-alikes, never as markup
        assert mention not in text
    assert "‹!channel› ＠all" in quoted[2]


def test_only_http_urls_are_taken_and_logs_never_show_the_path_or_password():
    assert check_url("https://hooks.slack.com/services/T000/B000/rahasia") == "https://hooks.slack.com"
    assert check_url("http://user:sandi@127.0.0.1:8080/hook") == "http://127.0.0.1:8080"
    for bad in ("ftp://example.org/x", "hooks.slack.com/services/x", "https:///nohost"):
        with pytest.raises(ValueError):
            check_url(bad)


def _samples() -> dict[str, float]:
    def value(name: str, **labels: str) -> float:
        return notify_metrics.REGISTRY.get_sample_value(name, labels) or 0.0

    return {"retries": value("sigap_notify_retries_total"),
            "delivered": value("sigap_notify_events_total", outcome="delivered"),
            "last_delivered": value("sigap_notify_last_delivered_timestamp_seconds")}


@pytest.fixture
def receiver():
    with webhook_receiver() as state:
        yield state


def test_post_returns_the_status_or_none_without_a_response(receiver):
    url, handler = receiver.url, receiver
    handler.statuses = [503]
    request = request_for(b'{"id": "x"}', {}, "cloudevents")
    assert post(url, request).status == 503 and post(url, request).status == 200
    assert handler.received[0] == ("application/cloudevents+json; charset=utf-8", b'{"id": "x"}')
    assert post("http://127.0.0.1:9/nothing-listens", request, timeout=2).status is None
    handler.statuses = [302, 307]  # a redirect is not followed: urllib would re-send a POST as a bodiless GET
    assert post(url, request) == (302, None, url) and post(url, request).status == 307 and handler.gets == 0


def test_a_receiver_that_is_down_holds_the_stream_until_it_takes_the_event(receiver):
    url, handler = receiver.url, receiver
    handler.statuses = [503, 429]
    waits = []
    notifier = Notifier(url, "cloudevents", Subscription(), sleep=waits.append)
    first = escalation("claim-pepaya", 2, "counter-messaging", {"ID-JT": 4})
    before = _samples()
    assert notifier.handle(record(first)) == "delivered"
    assert waits == [1.0, 2.0] and len(handler.received) == 3  # two refusals, then taken
    after = _samples()
    assert after["retries"] - before["retries"] == 2 and after["delivered"] - before["delivered"] == 1
    assert after["last_delivered"] > 0
    assert handler.received[-1][1] == orjson.dumps(first)


def test_each_id_is_delivered_once_and_a_rejected_one_is_not_retried():
    sent, statuses = [], {"topic-spam-2": 400}
    notifier = Notifier("https://hooks.example.go.id/x", "text", Subscription(),
                        send=lambda url, request: sent.append(request) or statuses.get(current["id"], 200))
    handled = []
    for offset, current in enumerate([escalation("topic-pdam", 2, "public-relations", {}),
                                      escalation("topic-pdam", 2, "public-relations", {}),  # re-emitted
                                      escalation("topic-spam", 2, "monitoring", {}),
                                      escalation("topic-spam", 2, "monitoring", {})]):
        handled.append(notifier.handle(record(current, offset)))
    assert handled == ["delivered", "repeated", "rejected", "repeated"] and len(sent) == 2
    assert notifier.handle(record(b"{broken", 9)) == "unreadable"
    assert notifier.handle(record(b'{"id": "x", "data": "not an object"}', 10)) == "unreadable"
    assert notifier.counts == {"delivered": 1, "rejected": 1, "not_followed": 0, "repeated": 2, "unreadable": 2}


def test_a_restart_recalls_the_ids_and_the_followed_issues_it_handled_before():
    history = [record(escalation("topic-pdam", 2, "public-relations", {"ID-JB": 9}), 0),
               record(escalation("topic-timnas", 2, "monitoring", {"ID-JT": 3}), 1)]
    sent = []
    restarted = Notifier("https://hooks.example.go.id/x", "cloudevents", Subscription.from_options(regions=["ID-JB"]),
                         send=lambda url, request: sent.append(orjson.loads(request.body)["id"]) or 200)
    restarted.recall(history)
    assert restarted.handle(history[0]) == "repeated"  # re-read after a crash before its commit
    assert restarted.handle(record(lifecycle("topic-pdam", CLOSED_TYPE), 2)) == "delivered"  # an issue followed
    assert restarted.handle(record(lifecycle("topic-timnas", CLOSED_TYPE), 3)) == "not_followed"
    assert sent == ["topic-pdam-" + CLOSED_TYPE]


def test_a_receiver_that_never_takes_the_event_is_retried_forever_without_overflowing():
    """Found by QA: after 1024 retries `2.0 ** attempt` raised OverflowError and notify died."""
    statuses = iter([503] * 1100 + [200])
    waits: list[float] = []
    notifier = Notifier("https://hooks.example.go.id/x", "cloudevents", Subscription(), sleep=waits.append,
                        send=lambda url, request: Reply(next(statuses), retry_after="0"))
    assert notifier.handle(record(escalation("topic-pdam", 2, "public-relations", {}))) == "delivered"
    assert len(waits) == 1100 and set(waits) == {1.0}
    plain = iter([None] * 1100 + [200])
    waits.clear()
    notifier = Notifier("https://hooks.example.go.id/x", "cloudevents", Subscription(), sleep=waits.append,
                        send=lambda url, request: next(plain))
    assert notifier.handle(record(escalation("topic-pdam", 2, "public-relations", {}))) == "delivered"
    assert waits[-1] == 60.0


def test_the_wait_between_retries_doubles_up_to_its_cap():
    statuses = iter([None] * 9 + [200])
    waits: list[float] = []
    notifier = Notifier("https://hooks.example.go.id/x", "cloudevents", Subscription(), max_backoff_seconds=60,
                        sleep=waits.append, send=lambda url, request: next(statuses))
    assert notifier.handle(record(escalation("topic-pdam", 2, "public-relations", {}))) == "delivered"
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_a_receiver_that_says_when_to_come_back_is_asked_again_then(receiver, caplog):
    """Found by QA: a 429 with ``Retry-After: 7`` was retried after 1, 2 and 4 s (a rate-limited chat webhook
    refuses each early retry), and once the backoff had grown, after 60 s instead of 7."""
    url, handler = receiver.url, receiver
    handler.statuses, handler.retry_after = [429, 503, 503, 429], ["7", "0", "Wed, 21 Oct 2015 07:28:00 GMT", "86400"]
    waits: list[float] = []
    notifier = Notifier(url, "cloudevents", Subscription(), sleep=waits.append)
    with caplog.at_level("WARNING", logger="sigap.notify"):
        assert notifier.handle(record(escalation("topic-pdam", 2, "public-relations", {}))) == "delivered"
    # seconds as asked; no wait, or an HTTP date already past, is a second (found by QA: a receiver answering 503
    # with "Retry-After: 0" was hammered ~330 times a second); a day is capped
    assert waits == [7.0, 1.0, 1.0, MAX_RETRY_AFTER_SECONDS] and len(handler.received) == 5
    assert "retrying in 7 s (as its Retry-After asks)" in caplog.text
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
    assert retry_after_seconds("²") is None  # a Unicode digit crashed notify
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480.0) == 30.0


def test_a_redirected_webhook_is_rejected_with_the_host_it_points_to_and_no_secret(caplog):
    notifier = Notifier("https://hooks.example.go.id/old/rahasia", "text", Subscription(),
                        send=lambda url, request: Reply(301, location="https://hooks.baru.go.id/new/rahasia-baru"))
    with caplog.at_level("ERROR", logger="sigap.notify"):
        assert notifier.handle(record(escalation("topic-pdam", 2, "public-relations", {}))) == "rejected"
    assert "rejected with HTTP 301 (redirected to https://hooks.baru.go.id: is the webhook URL out of date?)" in caplog.text
    assert "rahasia" not in caplog.text


def test_the_memory_of_delivered_ids_is_bounded_and_forgets_the_oldest_first():
    notifier = Notifier("https://hooks.example.go.id/x", "cloudevents", Subscription(), remember=2,
                        send=lambda url, request: 200)
    events = [escalation(f"topic-{n}", 2, "monitoring", {}) for n in range(3)]
    assert [notifier.handle(record(event)) for event in events] == ["delivered"] * 3
    assert notifier.handle(record(events[2])) == "repeated" and notifier.handle(record(events[1])) == "repeated"
    assert notifier.handle(record(events[0])) == "delivered"  # forgotten: the oldest of three when two are kept


def test_a_rejected_event_is_not_sent_again_and_a_recall_remembers_only_followed_events():
    sent = []
    notifier = Notifier("https://hooks.example.go.id/x", "cloudevents", Subscription.from_options(regions=["ID-JB"]),
                        send=lambda url, request: sent.append(1) or 410)
    pdam = escalation("topic-pdam", 2, "public-relations", {"ID-JB": 9})
    assert notifier.handle(record(pdam)) == "rejected" and notifier.handle(record(pdam)) == "repeated"
    assert len(sent) == 1
    # a restart that remembers one id: the event not followed must not push out the one delivered before it
    recalled = Notifier("https://hooks.example.go.id/x", "cloudevents", Subscription.from_options(regions=["ID-JB"]),
                        remember=1, send=lambda url, request: 200)
    timnas = escalation("topic-timnas", 2, "monitoring", {"ID-JT": 3})
    recalled.recall([record(pdam), record(timnas)])
    assert recalled.handle(record(pdam)) == "repeated"


def test_a_title_from_posts_cannot_ping_the_room_and_long_texts_are_cut_to_their_limit():
    """An issue's title quotes its posts (a hashtag, a claim), so the summary line is neutralised too; a claim is
    cut to 60 characters on the line and to 200 in the message, the ellipsis included."""
    claim = "Air rebusan daun sirsak " + "sembuhkan kanker " * 20
    event = escalation("topic-x", 2, "monitoring", {}) | {"time": "2024-06-03T01:00:00.000Z"}
    event["data"] |= {"title": "Topik naik cepat: <!channel> @all #x", "reasons": [],
                      "matched_claims": [{"claim_id": "c", "claim": claim, "verdict": "hoax"}]}
    first, debunk, _ = event_message(event).splitlines()
    assert "<!channel>" not in first and "@all" not in first and "‹!channel› ＠all" in first
    assert first.endswith(f"| klaim: {claim[:60]}") and f"| klaim: {claim[:61]}" not in event_line(event)
    quoted = debunk.split("“", 1)[1].split("”", 1)[0]
    assert len(quoted) == 200 and quoted.endswith("…") and quoted[:199] == claim[:199]


def test_a_link_from_a_post_or_a_claim_cannot_ping_the_room_and_still_opens_its_page():
    """Text neutralised but the links appended raw: a producer's ``url`` carried ``<!channel>`` and ``@all`` into
    the room. A link is one percent-encoded token; a plain link is shown as it was written."""
    crafted = "https://x.com/a/status/7 <!channel> @all <https://evil.example|klik di sini>"
    event = escalation("topic-x", 2, "monitoring", {}) | {"time": "2024-06-03T01:00:00.000Z"}
    event["data"] |= {"matched_claims": [{"claim_id": "c", "claim": "klaim", "verdict": "hoax", "url": crafted}],
                      "sample_posts": [{"id": "p1", "text": "isi post", "url": crafted},
                                       {"id": "p2", "text": "isi post", "url": "https://www.tiktok.com/@warga/video/9"},
                                       {"id": "p3", "text": "isi post", "url": "https://turnbackhoax.id/2024/06/03/salah"}]}
    message = event_message(event, samples=3)
    assert "<" not in message and ">" not in message and "@" not in message and "|klik" not in message
    _, debunk, sample, tiktok, plain, _ = message.splitlines()
    for line in (debunk, sample):
        assert line.endswith(" https://x.com/a/status/7%20%3C!channel%3E%20%40all%20%3Chttps://evil.example%7Cklik"
                             "%20di%20sini%3E")
    assert tiktok.endswith(" https://www.tiktok.com/%40warga/video/9")
    assert plain.endswith(" https://turnbackhoax.id/2024/06/03/salah")
    # found by QA: Markdown passed through (a report renders "[a](https://evil.example)" as a link to evil.example)
    assert safe_link("https://x.com/[a](https://evil.example)") == "https://x.com/%5Ba%5D%28https://evil.example%29"
    assert safe_link("https://x.com/a_b_*c*~d") == "https://x.com/a%5Fb%5F%2Ac%2A%7Ed"
    assert safe_link("http://") is None and safe_link("https://[x") is None and safe_link("javascript:x") is None
