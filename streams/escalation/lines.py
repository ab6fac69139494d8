"""Indonesian text per event of the escalations topic, as a responder reads it: one line (`sigap tail
--summary`), or a chat message (`sigap notify --format text`): that line, then what a responder acts on."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import quote, urlsplit

from streams.escalation.lifecycle import CLOSED_TYPE, REVIEWED_TYPE
from streams.escalation.shape import usable_data
from streams.issues.places import concentrated_in
from streams.issues.timeutil import parse_ms

# a responder's verdict as responders read it (the records keep the machine names)
VERDICT_WORDS = {"confirmed": "dikonfirmasi", "false_alarm": "alarm palsu", "resolved": "selesai"}


def verdict_words(verdict: object) -> str:
    return VERDICT_WORDS.get(verdict, str(verdict)) if isinstance(verdict, str) else str(verdict)

SEVERITY_MARK = {"waspada": "⚠ WASPADA", "siaga": "⚠⚠ SIAGA", "awas": "⚠⚠⚠ AWAS"}
ZONES = {"UTC": 0, "WIB": 7, "WITA": 8, "WIT": 9}  # Indonesia's three time zones, hours east of UTC


def local_time(stamp: object, zone: str) -> str | None:
    """An RFC 3339 time as ``YYYY-MM-DD HH:MM`` in ``zone``; None when it is not a time."""
    ms = parse_ms(stamp)
    if ms is None:
        return None
    try:
        return datetime.fromtimestamp(ms / 1000, tz=timezone(timedelta(hours=ZONES[zone]))).strftime("%Y-%m-%d %H:%M")
    except (ValueError, OverflowError, OSError):  # (a year Python cannot write once shifted to the zone)
        return None


def event_line(value: dict, zone: str | None = None) -> str | None:
    """The line for an escalation, reviewed or closed event; None for anything else. With a ``zone`` (UTC, WIB,
    WITA, WIT) the event's time reads "2024-06-03 08:05 WIB" instead of as written on the event."""
    if not usable_data(value.get("data")):
        return None
    data = value["data"]
    if zone is not None:
        shown = local_time(value.get("time"), zone)
        value = dict(value, time=f"{shown} {zone}" if shown else value.get("time"))
    if "severity" in data:
        reasons = ", ".join(f"{r.get('signal')}={r.get('value')}" for r in data.get("reasons", []))
        claims = "; ".join(c.get("claim", "")[:60] for c in data.get("matched_claims") or [])
        place = concentrated_in((data.get("spread") or {}).get("regions") or {})
        line = (f"{value.get('time')} {SEVERITY_MARK.get(data['severity'], data['severity'])} "
                f"[{data.get('route', '-')}] {data.get('title')} ({reasons})")
        return line + (f" | wilayah: {place}" if place else "") + (f" | klaim: {claims}" if claims else "")
    if value.get("type") == REVIEWED_TYPE:
        note = f": {data['note']}" if data.get("note") else ""
        return (f"{value.get('time')} ✔ DITINJAU {data.get('label')} [{data.get('issue_id')}] "
                f"({verdict_words(data.get('verdict'))} oleh {data.get('by')}{note})")
    if value.get("type") == CLOSED_TYPE:
        return (f"{value.get('time')} ■ DITUTUP {data.get('label')} [{data.get('issue_id')}] "
                f"(tidak ada post baru selama {data.get('idle_minutes')} menit; {data.get('posts')} post)")
    return None


# Chat rooms turn these into mentions or markup (Slack "<!channel>", Google Chat "<users/all>", "@all" in
# Mattermost and Rocket.Chat): text that came from posts is shown with look-alikes, so a post cannot ping a room.
_CHAT_NEUTRAL = str.maketrans({"<": "‹", ">": "›", "@": "＠"})
FEEDBACK_VERDICTS = "confirmed|false_alarm|resolved"


def event_message(value: dict, zone: str | None = None, samples: int = 0) -> str | None:
    """A chat message for an event: its line; for an escalation, then each debunked claim with its
    clarification and fact-check link, up to ``samples`` sample posts with their links (they quote people:
    none unless asked), and the issue id to give a verdict with. None for what is not an event."""
    line = event_line(value, zone)
    if line is None:
        return None
    data = value["data"]
    lines = [line.translate(_CHAT_NEUTRAL)]
    if "severity" in data:
        for claim in data.get("matched_claims") or []:
            clarification = f": {_shorten(claim['clarification'], 280)}" if claim.get("clarification") else ""
            lines.append(f"Klaim dibantah ({claim.get('verdict')}): “{_shorten(claim.get('claim'), 200)}”"
                         f"{clarification}".translate(_CHAT_NEUTRAL) + _link(claim.get("url")))
        for sample in (data.get("sample_posts") or [])[:samples]:
            lines.append(f"Contoh post: “{_shorten(sample.get('text'), 200)}”".translate(_CHAT_NEUTRAL)
                         + _link(sample.get("url")))
        lines.append(f"Tinjauan: sigap feedback {data.get('issue_id')} {FEEDBACK_VERDICTS} --by NAMA")
    return "\n".join(lines)


def _shorten(text: object, limit: int) -> str:
    flat = " ".join(str(text or "").split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def safe_link(url: object) -> str | None:
    """A web link from a post or a claim as one inert token, or None when it is not one (not http(s), no host):
    white space, ``<``, ``>``, ``|``, ``@``, Markdown's ``[ ] ( ) * _ ~``, quotes and every character outside ASCII
    percent-encoded (``%40`` for ``@``), so that text a producer wrote after or inside the link
    (``https://x.com/a <!channel> @all``, ``https://x.com/[a](https://evil.example)``) can neither ping a room nor
    become chat or Markdown markup, and the link still opens the same page."""
    if not isinstance(url, str) or not url.lower().startswith(("https://", "http://")):
        return None
    url = url.strip()
    try:
        if not urlsplit(url).hostname:
            return None
    except ValueError:  # (an unbalanced "[" in the host)
        return None
    return quote(url, safe=_LINK_SAFE).translate(_ALWAYS_SAFE_MARKUP)  # (quote never encodes "_" or "~")


# RFC 3986's delimiters and "%" (a link already encoded stays as it is); not "@" (a Mattermost or Rocket.Chat
# mention), "<", ">" and "|" (Slack markup), "[", "]", "(", ")", "*", "_", "~" (Markdown), white space or quotes.
# An unreserved character percent-encoded (%5F for "_") names the same resource (RFC 3986, section 6.2.2.2).
_LINK_SAFE = ":/?#!$&+,;=%-."
_ALWAYS_SAFE_MARKUP = str.maketrans({"_": "%5F", "~": "%7E"})


def _link(url: object) -> str:
    link = safe_link(url)
    return f" {link}" if link else ""
