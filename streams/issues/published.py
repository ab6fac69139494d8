"""What the engine publishes of an issue's state: the record of its last evaluation (``state["snap"]``) and the
issue record of the issues topic."""

from __future__ import annotations

from streams.issues.signals import Snapshot, Verdict
from streams.issues.timeutil import iso
from streams.policy.signals import LEVEL_NAMES


def evaluation_record(minute: int, snap: Snapshot, verdict: Verdict) -> dict:
    """The metrics of one evaluation, as the issue record shows them (kept in the state as ``snap``)."""
    return {
        "minute": minute,
        "time": iso(snap.time_ms) if snap.time_ms is not None else None,
        "window": {"start": iso(snap.window_start_ms), "end": iso(snap.window_end_ms)},
        "posts_per_minute": round(snap.values["velocity"], 3),
        "window_posts": int(snap.values["volume"]),
        "window_authors": int(snap.values["authors"]),
        "negative_share": round(snap.values["negativity"], 4),
        "positive_share": round(snap.values["positivity"], 4),
        "hoax_share": round(snap.values["hoax"], 4),
        "claim_match_share": round(snap.values["claim_match"], 4),
        "burst": round(snap.values["burst"], 3),
        "growth": round(snap.values["growth"], 3),
        "coordination": round(snap.values["coordination"], 3),
        "coordinated_accounts": int(snap.values["coordinated_accounts"]),
        "posts": int(snap.totals["n"]),
        "authors": int(snap.totals["authors"]),
        "reach": int(snap.totals["reach"]),
        "rules": verdict.rules,
        "spread": snap.spread,
    }


def public_issue(state: dict) -> dict:
    """The record published (compacted) on the issues topic: the latest state of one issue."""
    snap = state.get("snap") or {}
    level = int(state.get("level") or 0)
    top = int(state.get("max") or 0)
    return {
        "issue_id": state["id"],
        "kind": state.get("kind"),
        "label": state.get("label"),
        "status": state.get("status", "active"),
        "level": level,
        "severity": LEVEL_NAMES.get(level),
        "max_level": top,
        "max_severity": LEVEL_NAMES.get(top),
        "first_seen": iso(state["first_ms"]) if state.get("first_ms") is not None else None,
        "last_seen": iso(state["last_ms"]) if state.get("last_ms") is not None else None,
        "updated_at": snap.get("window", {}).get("end"),
        "posts": int(state.get("n", 0)),
        "metrics": {k: v for k, v in snap.items() if k not in ("minute", "window", "rules", "time", "spread")},
        "rules": snap.get("rules", []),
        "spread": snap.get("spread") or {"platforms": {}, "regions": {}},
        "matched_claims": [
            {"claim_id": claim_id, "claim": info.get("claim"), "verdict": info.get("verdict")}
            for claim_id, info in sorted(state.get("claims", {}).items())
        ],
        "escalations": [
            {"level": int(level_key), "severity": LEVEL_NAMES[int(level_key)], **info}
            for level_key, info in sorted(state.get("emitted", {}).items())
        ],
        "feedback": state.get("feedback") or {},
    }

