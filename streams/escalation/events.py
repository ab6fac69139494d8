"""Escalation events: CloudEvents 1.0 in structured JSON mode, exactly as contract.md describes.

The event ``id`` is derived from the issue id, the issue's first post time and the level, so the same
escalation re-emitted (after a crash, or by a replay of the same posts) carries the same id and consumers can
de-duplicate it; an issue that expired and came back later is a new incarnation with new ids.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable

import orjson

from streams.escalation.shape import well_formed
from streams.issues.timeutil import iso, parse_ms
from streams.policy.model import ROUTES, Policy
from streams.policy.signals import LEVEL_NAMES

SPECVERSION = "1.0"
ESCALATED_TYPE = "id.sigap.issue.escalated.v1"
DEFAULT_SOURCE = "/sigap/issues"


# Titles are read by Indonesian responders, so they are in Indonesian; routes and signals stay machine names.
HEADLINES = {
    "counter-messaging": "Klaim yang sudah dibantah beredar lagi",  # a debunked claim resurfacing
    "fact-check": "Dugaan hoaks baru menyebar",                    # a possible new hoax spreading
    "public-relations": "Lonjakan sentimen negatif",               # a negative surge
    "platform-report": "Dorongan terkoordinasi",                    # a coordinated push
    "monitoring": "Topik naik cepat",                               # a fast-growing topic
}


def event_id(issue_id: str, first_ms: int | None, level: int) -> str:
    digest = hashlib.blake2b(f"{issue_id}|{first_ms}|{level}".encode(), digest_size=16).digest()
    return str(uuid.UUID(bytes=digest))


def route_for(values: dict[str, float], policy: Policy, rules: list[str] | None = None) -> str:
    """Who should act: see :class:`streams.policy.model.Routing`."""
    declared = {rule.route for rule in policy.rules if rule.name in (rules or ()) and rule.route}
    for route in ROUTES:
        if route in declared:
            return route
    r = policy.routing
    if values.get("claim_match", 0.0) >= r.claim_match:
        return "counter-messaging"
    if values.get("hoax", 0.0) >= r.hoax:
        return "fact-check"
    if values.get("negativity", 0.0) >= r.negativity:
        return "public-relations"
    if values.get("coordination", 0.0) >= r.coordination:
        return "platform-report"
    return "monitoring"


def matched_claims(state: dict, claim_counts: dict[str, int],
                   claim_lookup: Callable[[str], dict | None] | None) -> list[dict]:
    out = []
    for claim_id, count in sorted(claim_counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if count <= 0:
            continue
        known = state["claims"].get(claim_id, {})
        record = None
        if claim_lookup is not None:
            try:
                record = claim_lookup(claim_id)
            except Exception:  # noqa: BLE001 - a failing lookup must not stop an escalation
                record = None
        record = record if isinstance(record, dict) else {}
        out.append({
            "claim_id": claim_id,
            "claim": str(record.get("claim") or known.get("claim") or ""),
            "verdict": str(record.get("verdict") or known.get("verdict") or ""),
            "clarification": record.get("clarification") or None,
            "url": record.get("url") or None,
            "source": record.get("source") or None,
            "posts": count,
        })
    return out


def title_for(route: str, state: dict, metrics: dict, claims: list[dict], window_minutes: int) -> str:
    subject = state.get("label") or state["id"]
    if claims and claims[0]["claim"]:
        subject = f"\u201c{claims[0]['claim']}\u201d"
    elif state.get("kind") == "topic" and not str(subject).startswith("#"):
        subject = f"\u201c{subject}\u201d"
    text = (f"{HEADLINES[route]}: {subject} \u2014 {metrics['window_posts']} post dari "
            f"{metrics['window_authors']} akun dalam {window_minutes} menit")
    return text[:300]


def build_escalation(
    *,
    state: dict,
    level: int,
    snapshot,
    verdict,
    policy: Policy,
    claim_lookup: Callable[[str], dict | None] | None = None,
    source: str = DEFAULT_SOURCE,
) -> dict:
    """The CloudEvent announcing that ``state``'s issue reached ``level`` at ``snapshot``'s minute."""
    values = snapshot.values
    totals = snapshot.totals
    claims = matched_claims(state, snapshot.claim_counts, claim_lookup)
    route = route_for(values, policy, verdict.rules)
    metrics = {
        "posts": int(totals["n"]),
        "authors": int(totals["authors"]),
        "posts_per_minute": round(values["velocity"], 3),
        "negative_share": round(values["negativity"], 4),
        "hoax_share": round(values["hoax"], 4),
        "reach": int(totals["reach"]),
        "window_posts": int(values["volume"]),
        "window_authors": int(values["authors"]),
        "window_reach": int(values["reach"]),
        "positive_share": round(values["positivity"], 4),
        "claim_match_share": round(values["claim_match"], 4),
        "burst": round(values["burst"], 3),
        "growth": round(values["growth"], 3),
        "global_growth": round(values["global_growth"], 3),
        "baseline_posts_per_minute": round(snapshot.baseline_rate, 4),
        "shares": int(totals["shares"]),
        "coordination": round(values["coordination"], 3),
    }
    coordination = None
    if snapshot.coordination is not None:
        ev = snapshot.coordination
        coordination = {
            "accounts": ev["accounts"],
            "window_seconds": ev["window_seconds"],
            "sample_account_ids": ev["sample_account_ids"],
            "weighted_accounts": ev["weighted_accounts"],
            "fresh_accounts": ev["fresh_accounts"],
            "small_accounts": ev["small_accounts"],
            "first_post_at": iso(ev["first_post_at_s"] * 1000),
            "last_post_at": iso(ev["last_post_at_s"] * 1000),
        }
    samples = []
    for s in snapshot.samples[: policy.evidence.sample_posts]:
        samples.append({
            "id": s["id"], "text": s["text"], "url": s.get("url"),
            "hoax_probability": s.get("hoax_probability"), "hoax_cues": s.get("hoax_cues", []),
            "hoax_terms": s.get("hoax_terms", []), "sentiment": s.get("sentiment"), "platform": s.get("platform"),
            "author_id": s.get("author_id"), "created_at": s.get("created_at"), "reach": s.get("reach"),
        })
    first_ms = state.get("first_ms")
    data = {
        "issue_id": state["id"],
        "level": level,
        "severity": LEVEL_NAMES[level],
        "title": title_for(route, state, metrics, claims, policy.windows.evaluation_minutes),
        "route": route,
        "reasons": verdict.reasons,
        "metrics": metrics,
        "matched_claims": claims,
        "coordination": coordination,
        "spread": snapshot.spread,
        "sample_posts": samples,
        "first_seen": iso(first_ms) if first_ms is not None else iso(snapshot.window_start_ms),
        "window": {"start": iso(snapshot.window_start_ms), "end": iso(snapshot.window_end_ms)},
        "issue": {"kind": state.get("kind"), "label": state.get("label")},
        "previous_level": int(state.get("max") or 0) or None,
        "rules": verdict.rules,
        "policy": {"name": policy.name, "fingerprint": policy.fingerprint},
    }
    return {
        "specversion": SPECVERSION,
        "id": event_id(state["id"], state.get("inc", first_ms), level),
        "source": source,
        "type": ESCALATED_TYPE,
        "subject": state["id"],
        "time": iso(snapshot.time_ms if snapshot.time_ms is not None else snapshot.window_end_ms - 1),
        "datacontenttype": "application/json",
        "data": data,
    }


def detection_seconds(event: dict) -> float | None:
    """How long after its issue's first post an escalation came, in event time; None without both times."""
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    first, reached = parse_ms(data.get("first_seen")), parse_ms(event.get("time"))
    return None if first is None or reached is None or reached < first else (reached - first) / 1000


def decode_event(value: bytes | None) -> dict | None:
    """A record value of the escalations topic (or any topic of JSON objects) as a JSON object; None for a
    tombstone, broken JSON or any other JSON value."""
    try:
        event = orjson.loads(value) if value is not None else None
    except orjson.JSONDecodeError:
        return None
    return event if isinstance(event, dict) else None


def decode_escalation_event(value: bytes | None) -> dict | None:
    """A record value of the escalations topic as an event of the shape Sigap writes; None otherwise."""
    event = decode_event(value)
    return event if event is not None and well_formed(event) else None
