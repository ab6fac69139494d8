"""Delivering events of the escalations topic to a team's webhook (`sigap notify`).

Two formats:

* ``cloudevents``: the event unchanged, in the CloudEvents HTTP binding's structured mode (``Content-Type:
  application/cloudevents+json``), for any receiver that speaks CloudEvents or plain JSON;
* ``text``: ``{"text": "<message>"}``, which the incoming webhooks of Slack, Mattermost, Rocket.Chat and Google
  Chat post in the team's room: the line `sigap tail --summary` prints, then for an escalation the debunked
  claims with their clarifications and links, sample posts if asked for, and the issue id for a verdict.

A response decides what happens next: 2xx delivered; no response, 408, 429 or 5xx retried (the receiver is down or
busy), after the receiver's ``Retry-After`` when it sends one (at most ``MAX_RETRY_AFTER_SECONDS``), else with
backoff; any other status rejected (the receiver will never take this request: logged and counted, not retried;
a redirect's log line names the host it points to).
"""

from __future__ import annotations

import email.utils
import enum
import logging
import time
import urllib.error
import urllib.request
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import orjson

from streams.escalation import notify_metrics
from streams.escalation.events import decode_escalation_event
from streams.escalation.lines import event_message
from streams.escalation.subscription import Subscription

log = logging.getLogger("sigap.notify")

FORMATS = ("cloudevents", "text")
USER_AGENT = "sigap-notify"


class Outcome(enum.Enum):
    DELIVERED = "delivered"
    RETRY = "retry"
    REJECTED = "rejected"


@dataclass(frozen=True)
class WebhookRequest:
    body: bytes
    content_type: str


class Reply(NamedTuple):
    """What came back from one POST: its status (None: no response) and the headers that decide what next."""

    status: int | None
    retry_after: str | None = None  # the Retry-After header as sent: seconds or an HTTP date
    location: str | None = None     # a redirect's Location


# A receiver asking for longer than this (an hour of maintenance) is asked again after this long: the stream is held
# meanwhile, and an operator sees the retries.
MAX_RETRY_AFTER_SECONDS = 300.0
# ... and one asking for no wait (0, a date past) is asked again after this long, not in a tight loop
MIN_RETRY_SECONDS = 1.0


def retry_after_seconds(header: str | None, now: float | None = None) -> float | None:
    """The delay a ``Retry-After`` header asks for (delta-seconds or an HTTP date), None when absent or unreadable."""
    if not header:
        return None
    header = header.strip()
    if header.isascii() and header.isdigit():  # ("²".isdigit() is true)
        return float(header)
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def request_for(value: bytes, event: dict, fmt: str, zone: str | None = None, samples: int = 0) -> WebhookRequest:
    """What to POST for one event (``value`` is the record as read, ``event`` the same parsed); ``zone`` sets the
    time zone of the text format's time, ``samples`` how many sample posts it quotes."""
    if fmt == "cloudevents":
        return WebhookRequest(value, "application/cloudevents+json; charset=utf-8")
    if fmt == "text":
        text = (event_message(event, zone, samples)
                or f"{event.get('time')} {event.get('type')} [{event.get('subject')}]")
        return WebhookRequest(orjson.dumps({"text": text}), "application/json; charset=utf-8")
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def outcome_of(status: int | None) -> Outcome:
    if status is not None and 200 <= status < 300:
        return Outcome.DELIVERED
    if status is None or status in (408, 429) or status >= 500:
        return Outcome.RETRY
    return Outcome.REJECTED


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is answered as what it is: urllib would turn a redirected POST into a GET without the event,
    and a 200 to that GET would count as delivered."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


DEFAULT_HTTP_TIMEOUT_SECONDS = 10.0


def post(url: str, request: WebhookRequest, timeout: float = DEFAULT_HTTP_TIMEOUT_SECONDS) -> Reply:
    """POST and return the reply (a redirect is not followed); status None when no response came (refused, reset,
    timed out)."""
    outgoing = urllib.request.Request(url, data=request.body, method="POST",
                                      headers={"Content-Type": request.content_type, "User-Agent": USER_AGENT})
    try:
        with _OPENER.open(outgoing, timeout=timeout) as response:
            return Reply(response.status)
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers.get("Retry-After"), error.headers.get("Location"))
    except (urllib.error.URLError, OSError, TimeoutError):
        return Reply(None)


def check_url(url: str) -> str:
    """The URL if it is http(s) with a host; raises ValueError otherwise. Returns only the scheme and host for
    logs: a webhook URL's path often holds its secret token."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("the webhook URL must be http:// or https:// with a host")
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"


def _redirect_hint(reply: Reply) -> str:
    """For a redirect, where it points (scheme and host only, as for the webhook URL itself)."""
    if reply.status is None or not 300 <= reply.status < 400 or not reply.location:
        return ""
    try:
        return f" (redirected to {check_url(reply.location)}: is the webhook URL out of date?)"
    except ValueError:
        return " (redirected elsewhere: is the webhook URL out of date?)"


class Notifier:
    """Delivers the events a subscription follows, each event id once, in the order read; a receiver that is down
    holds the stream (retried with backoff) rather than losing events."""

    def __init__(self, url: str, fmt: str, subscription: Subscription, *, zone: str | None = None,
                 samples: int = 0, remember: int = 100_000,
                 max_backoff_seconds: float = 60.0, sleep: Callable[[float], None] = time.sleep,
                 send: Callable[[str, WebhookRequest], Reply | int | None] = post) -> None:
        """``send``: POSTs a request and returns its ``Reply`` (or only the status, a stand-in with no headers)."""
        request_for(b"{}", {}, fmt)  # an unknown format fails here, not at the first event
        self.url, self.fmt, self.subscription, self.zone, self.samples = url, fmt, subscription, zone, samples
        self.where = check_url(url)
        self._seen: OrderedDict[str, None] = OrderedDict()  # ids delivered (or passed over), oldest first
        self._remember = remember
        self._max_backoff, self._sleep, self._send = max_backoff_seconds, sleep, send
        self.counts = {outcome: 0 for outcome in notify_metrics.OUTCOMES}

    def recall(self, records: Iterable[Any]) -> None:
        """Replay what an earlier run already handled: which issues are followed and which ids were seen."""
        for record in records:
            event = _event(record.value)
            if event is not None and self.subscription.follows(event):
                self._remember_id(event["id"])

    def handle(self, record: Any) -> str:
        """Deliver one record of the escalations topic if it is followed and new; returns what happened."""
        event = _event(record.value)
        if event is None:
            log.warning("not an event, passed over [%s/%d@%d]", record.topic, record.partition, record.offset)
            return self._count("unreadable")
        if not self.subscription.follows(event):
            return self._count("not_followed")
        if event["id"] in self._seen:
            return self._count("repeated")
        request = request_for(record.value, event, self.fmt, self.zone, self.samples)
        attempt = 0
        while True:
            reply = self._send(self.url, request)
            if not isinstance(reply, Reply):
                reply = Reply(reply)
            status = reply.status
            outcome = outcome_of(status)
            where = (f"{event['id']} ({event.get('type')}) to {self.where} "
                     f"[{record.topic}/{record.partition}@{record.offset}]")
            if outcome is Outcome.DELIVERED:
                log.info("delivered %s", where)
                notify_metrics.last_delivered.set_to_current_time()
                self._remember_id(event["id"])
                return self._count("delivered")
            if outcome is Outcome.REJECTED:
                log.error("rejected with HTTP %s%s, not retried: %s", status, _redirect_hint(reply), where)
                self._remember_id(event["id"])
                return self._count("rejected")
            delay = min(self._max_backoff, 2.0 ** min(attempt, 30))
            asked = retry_after_seconds(reply.retry_after)
            if asked is not None:  # the receiver knows when it can take the event again; "now" is a second
                delay = min(max(asked, MIN_RETRY_SECONDS), MAX_RETRY_AFTER_SECONDS)
            attempt += 1
            log.warning("%s, retrying in %g s%s: %s", f"HTTP {status}" if status else "no response", delay,
                        " (as its Retry-After asks)" if asked is not None else "", where)
            notify_metrics.retries.inc()
            self._sleep(delay)

    def _remember_id(self, event_id: str) -> None:
        self._seen[event_id] = None
        if len(self._seen) > self._remember:
            self._seen.popitem(last=False)

    def _count(self, what: str) -> str:
        self.counts[what] += 1
        notify_metrics.events.labels(outcome=what).inc()
        return what


def _event(value: bytes | None) -> dict | None:
    """An event the notifier can handle: of the shape Sigap writes (streams.escalation.shape)."""
    return decode_escalation_event(value)
