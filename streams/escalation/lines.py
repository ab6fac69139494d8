"""One line of Indonesian text per event of the escalations topic, as a responder reads it (`sigap tail
--summary`, the text a webhook posts to a team's chat room)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from streams.escalation.lifecycle import CLOSED_TYPE, REVIEWED_TYPE
from streams.issues.places import concentrated_in
from streams.issues.timeutil import parse_ms

SEVERITY_MARK = {"waspada": "⚠ WASPADA", "siaga": "⚠⚠ SIAGA", "awas": "⚠⚠⚠ AWAS"}
ZONES = {"UTC": 0, "WIB": 7, "WITA": 8, "WIT": 9}  # Indonesia's three time zones, hours east of UTC


def local_time(stamp: object, zone: str) -> str | None:
    """An RFC 3339 time as ``YYYY-MM-DD HH:MM`` in ``zone``; None when it is not a time."""
    ms = parse_ms(stamp)
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, tz=timezone(timedelta(hours=ZONES[zone]))).strftime("%Y-%m-%d %H:%M")


def event_line(value: dict, zone: str | None = None) -> str | None:
    """The line for an escalation, reviewed or closed event; None for anything else. With a ``zone`` (UTC, WIB,
    WITA, WIT) the event's time reads "2024-06-03 08:05 WIB" instead of as written on the event."""
    data = value.get("data") if isinstance(value.get("data"), dict) else None
    if data is None:
        return None
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
                f"({data.get('verdict')} oleh {data.get('by')}{note})")
    if value.get("type") == CLOSED_TYPE:
        return (f"{value.get('time')} ■ DITUTUP {data.get('label')} [{data.get('issue_id')}] "
                f"(tidak ada post baru selama {data.get('idle_minutes')} menit; {data.get('posts')} post)")
    return None
