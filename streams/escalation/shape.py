"""Whether a value read from Sigap's output topics has the shape Sigap writes, as far as their readers use it:
events of the escalations topic (escalated, reviewed, closed) for `sigap report`, `sigap tail --summary` and
`sigap notify`; issue records of the issues topic for `sigap issues`.

The topics are Sigap's, but anyone with write access can put anything on them, and a report is built from whatever
file a user gives it. A value of another shape is passed over by the readers (the notifier counts it as
`unreadable`), never taken apart field by field until one is missing.
"""

from __future__ import annotations

from streams.issues.places import OTHER, PROVINCES


def _text(value: object, required: bool = False) -> bool:
    return isinstance(value, str) if required else value is None or isinstance(value, str)


def _count(value: object) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0)


def _objects(value: object, texts: tuple[str, ...] = ()) -> bool:
    """None, or a list of objects whose ``texts`` fields are strings or absent."""
    return value is None or (isinstance(value, list) and all(
        isinstance(item, dict) and all(_text(item.get(name)) for name in texts) for item in value))


def _regions(spread: object) -> bool:
    if spread is None:
        return True
    if not isinstance(spread, dict):
        return False
    regions = spread.get("regions")
    return regions is None or (isinstance(regions, dict) and all(
        (code in PROVINCES or code == OTHER) and _count(n) and n is not None for code, n in regions.items()))


def _escalation_data(data: dict) -> bool:
    return (_text(data.get("severity"), required=True)
            and all(_text(data.get(name)) for name in ("route", "title", "issue_id", "first_seen"))
            and _objects(data.get("reasons"), ("signal",))
            and _objects(data.get("matched_claims"), ("claim", "clarification", "verdict", "url"))
            and _objects(data.get("sample_posts"), ("text", "url"))
            and _regions(data.get("spread")))


def _lifecycle_data(data: dict) -> bool:
    return (all(_text(data.get(name)) for name in ("issue_id", "label", "verdict", "by", "note"))
            and _count(data.get("idle_minutes")) and _count(data.get("posts")))


def usable_data(data: object) -> bool:
    """An event's ``data`` whose fields the readers use have the types Sigap writes."""
    if not isinstance(data, dict):
        return False
    return _escalation_data(data) if "severity" in data else _lifecycle_data(data)


def well_formed(event: object) -> bool:
    """An event with a string ``id``, ``type``, ``subject`` and ``time`` where present, and usable ``data``."""
    return (isinstance(event, dict) and _text(event.get("id"), required=True) and bool(event["id"])
            and all(_text(event.get(name)) for name in ("type", "subject", "time")) and usable_data(event.get("data")))


def usable_issue(record: object) -> bool:
    """An issue record (the issues topic) whose fields `sigap issues` uses have the types Sigap writes."""
    if not isinstance(record, dict) or not _text(record.get("issue_id"), required=True):
        return False
    feedback = record.get("feedback")
    last = feedback.get("last") if isinstance(feedback, dict) else None
    return (all(_text(record.get(name)) for name in ("label", "severity", "max_severity", "last_seen"))
            and all(_count(record.get(name)) for name in ("level", "max_level", "posts"))
            and _objects(record.get("matched_claims"), ("claim",)) and _regions(record.get("spread"))
            and (feedback is None or isinstance(feedback, dict))
            and (last is None or (isinstance(last, dict) and _text(last.get("verdict")) and _text(last.get("by")))))
