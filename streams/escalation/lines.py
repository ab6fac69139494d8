"""One line of Indonesian text per event of the escalations topic, as a responder reads it (`sigap tail
--summary`, the text a webhook posts to a team's chat room)."""

from __future__ import annotations

from streams.escalation.lifecycle import CLOSED_TYPE, REVIEWED_TYPE
from streams.issues.places import concentrated_in

SEVERITY_MARK = {"waspada": "⚠ WASPADA", "siaga": "⚠⚠ SIAGA", "awas": "⚠⚠⚠ AWAS"}


def event_line(value: dict) -> str | None:
    """The line for an escalation, reviewed or closed event; None for anything else."""
    data = value.get("data") if isinstance(value.get("data"), dict) else None
    if data is None:
        return None
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
                f"(tidak ada post baru selama {data.get('idle_minutes')} menit; {data.get('posts')} posts)")
    return None
