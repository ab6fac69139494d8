"""A responders' report of a period (``sigap report``): which issues escalated, how far, where, and what the
responders said of them, built from the events of the escalations topic (escalations and lifecycle events).

Times are event times, as on the events, so a report of a replayed stream describes the stream, not the replay.
The text is in Indonesian: it is what a humas team pastes into its daily report.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass

from streams.escalation.events import ESCALATED_TYPE, detection_seconds
from streams.escalation.lifecycle import CLOSED_TYPE, REVIEWED_TYPE
from streams.escalation.lines import VERDICT_WORDS, local_time, safe_link
from streams.escalation.subscription import Subscription
from streams.issues.places import concentrated_in
from streams.issues.timeutil import parse_ms

SEVERITIES = ("awas", "siaga", "waspada")


@dataclass
class IssueLine:
    issue_id: str
    first_time: str                  # the issue's first escalation in the period
    peak: dict                       # the data of its highest escalation in the period
    verdict: dict | None = None      # the latest reviewed event's data, if any
    # the latest verdict on whether the alarm was true (confirmed or false_alarm): a later "resolved" says the issue
    # was dealt with, not that it was a false alarm, so a confirmed issue handled since still counts as confirmed
    truth: dict | None = None
    closed_at: str | None = None
    detection_seconds: float | None = None  # from the issue's first post to its first escalation (event time)


def digest(events: list[dict], since: str | None = None, until: str | None = None,
           subscription: Subscription | None = None) -> dict:
    """The period's issues (escalated in it, highest level first) and totals; ``since``/``until`` are RFC 3339;
    with a ``subscription``, only the issues it follows."""
    subscription = subscription or Subscription()
    lo = parse_ms(since) if since else None
    hi = parse_ms(until) if until else None

    def in_period(event: dict) -> bool:
        ms = parse_ms(event.get("time"))
        return ms is not None and (lo is None or ms >= lo) and (hi is None or ms < hi)

    ordered = sorted((e for e in events if isinstance(e.get("data"), dict) and in_period(e)),
                     key=lambda e: (parse_ms(e["time"]), e.get("id", "")))
    issues: dict[str, IssueLine] = {}
    seen: set[str] = set()
    for event in ordered:
        if event.get("id") in seen:
            continue  # a re-emitted event
        seen.add(event.get("id"))
        if not subscription.follows(event):
            continue
        data, subject = event["data"], event.get("subject")
        if event.get("type") == ESCALATED_TYPE:
            if data.get("level") not in (2, 3, 4) or data.get("severity") not in SEVERITIES:
                continue  # not an escalation Sigap wrote (a hand-edited file, another producer)
            if subject not in issues:
                issues[subject] = IssueLine(subject, event["time"], data, detection_seconds=detection_seconds(event))
            line = issues[subject]
            if int(data["level"]) >= int(line.peak["level"]):
                line.peak = data
        elif subject in issues and event.get("type") == REVIEWED_TYPE:
            issues[subject].verdict = data
            if data.get("verdict") in ("confirmed", "false_alarm"):
                issues[subject].truth = data
        elif subject in issues and event.get("type") == CLOSED_TYPE:
            issues[subject].closed_at = event["time"]
    lines = sorted(issues.values(), key=lambda x: (-int(x.peak["level"]), x.first_time, x.issue_id))
    # per issue: confirmed or false alarm by its latest such verdict, and resolved when that is its latest verdict
    verdicts = [x.truth["verdict"] for x in lines if x.truth]
    verdicts += [x.verdict["verdict"] for x in lines if x.verdict and x.verdict.get("verdict") == "resolved"]
    detections = sorted(x.detection_seconds for x in lines if x.detection_seconds is not None)
    confirmed, false_alarms = verdicts.count("confirmed"), verdicts.count("false_alarm")
    return {
        "since": since, "until": until, "subscription": subscription.as_dict(), "following": subscription.describe(),
        "issues": lines,
        "by_severity": {s: sum(x.peak["severity"] == s for x in lines) for s in SEVERITIES},
        "by_route": dict(Counter(x.peak.get("route") or "-" for x in lines).most_common()),
        "verdicts": {v: verdicts.count(v) for v in VERDICT_WORDS},
        "unreviewed": sum(x.verdict is None for x in lines),
        "precision": confirmed / (confirmed + false_alarms) if confirmed + false_alarms else None,
        "detection_seconds": {"median": statistics.median(detections), "max": detections[-1]} if detections else None,
    }


def _minutes(seconds: float) -> str:
    """``2,8 menit`` or, from two hours, ``5,5 jam`` (Indonesian decimal comma)."""
    text = f"{seconds / 60:.1f} menit" if seconds < 7200 else f"{seconds / 3600:.1f} jam"
    return text.replace(".", ",")


def render(report: dict, zone: str = "UTC") -> str:
    """The report as Markdown, in Indonesian, with times in ``zone`` (UTC, WIB, WITA or WIT)."""
    lines = report["issues"]

    def at(stamp: str | None, empty: str = "-") -> str:
        return (local_time(stamp, zone) if stamp else None) or empty

    period = "semua waktu"
    if report["since"] or report["until"]:
        period = f"{at(report['since'], 'awal')} s.d. {at(report['until'], 'sekarang')}"
    out = [f"# Laporan isu Sigap: {period} (waktu kejadian, {zone})", ""]
    if report.get("following"):
        out += [f"Hanya isu yang diikuti: {report['following']}.", ""]
    out += ["## Ringkasan", ""]
    levels = ", ".join(f"{n} {s}" for s, n in report["by_severity"].items() if n)
    out.append(f"- {len(lines)} isu naik status" + (f": {levels}" if levels else ""))
    if lines:
        out.append("- Jalur: " + ", ".join(f"{route} {n}" for route, n in report["by_route"].items()))
        reviewed = ", ".join(f"{n} {VERDICT_WORDS[v]}" for v, n in report["verdicts"].items())
        out.append(f"- Tinjauan: {reviewed}; {report['unreviewed']} belum ditinjau")
    if report.get("detection_seconds"):
        detected = report["detection_seconds"]
        out.append(f"- Waktu deteksi (post pertama sampai naik status pertama): median {_minutes(detected['median'])}, "
                   f"terlama {_minutes(detected['max'])}")
    if report["precision"] is not None:
        out.append(f"- Presisi peringatan: {100 * report['precision']:.0f} % (dikonfirmasi / (dikonfirmasi + "
                   "alarm palsu))")
    if lines:
        out += ["", "## Isu", "",
                "| status puncak | pertama naik | deteksi | isu | jalur | wilayah | tinjauan | ditutup |",
                "|---|---|---|---|---|---|---|---|"]
        for x in lines:
            peak = x.peak
            place = concentrated_in((peak.get("spread") or {}).get("regions") or {}) or "-"
            verdict = "-"
            if x.verdict:
                said = x.verdict.get("verdict")
                verdict = f"{VERDICT_WORDS.get(said, said)} oleh {x.verdict.get('by')}"
                if x.truth is not None and x.truth is not x.verdict:  # e.g. confirmed, then resolved
                    verdict = f"{VERDICT_WORDS[x.truth['verdict']]} oleh {x.truth.get('by')}, {verdict}"
            title = peak.get("title") or x.issue_id
            detected = _minutes(x.detection_seconds) if x.detection_seconds is not None else "-"
            out.append(f"| {peak['severity']} | {at(x.first_time)} | {detected} | {_cell(title)} | "
                       f"{_cell(peak.get('route') or '-')} | {place} | {_cell(verdict)} | {at(x.closed_at)} |")
        claims = {c["claim"]: c for x in lines for c in x.peak.get("matched_claims") or [] if c.get("claim")}
        if claims:
            out += ["", "## Klaim yang dibantah dan beredar lagi", ""]
            for text, claim in claims.items():  # each on one line: a claim may hold line breaks (a heading after)
                extra = f": {_line(claim['clarification'])}" if claim.get("clarification") else ""
                link = f" ({url})" if (url := safe_link(claim.get("url"))) else ""
                out.append(f"- \u201c{_line(text)}\u201d ({_line(claim.get('verdict'))}){extra}{link}")
    return "\n".join(out) + "\n"


def _cell(text: object) -> str:
    """Text for one cell of a Markdown table: on one line, its pipes escaped (a responder's name or a claim may
    hold either)."""
    return _line(text).replace("|", "\\|")


def _line(text: object) -> str:
    """Text on one line, its runs of white space (line breaks included) one space."""
    return " ".join(str(text).split())
