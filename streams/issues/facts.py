"""What the issue engine takes from one scored post: its facts (counts, sketches, sample) and, for the post that
opens an issue, the issue's label."""

from __future__ import annotations

from streams.issues.keys import anchor_term, issue_kind, issue_label
from streams.issues.places import province_code
from streams.issues.state import MICRO, TEXT_MAX, URL_MAX, PostFacts, h52
from streams.issues.text import near_duplicate_bands, strip_reshare
from streams.issues.timeutil import DAY_MS, MINUTE_MS, iso, parse_ms
from streams.policy.model import Policy

# No account has this many followers and no post this many views or shares (the most-viewed video: ~2e10). Counts
# are capped here, so an issue's sums stay far inside the 64-bit integers its JSON state and events can hold.
MAX_COUNT = 10**11


def post_facts(record: dict, scores: dict, ms: int, policy: Policy) -> PostFacts:
    """What the issue state keeps of one scored post created at ``ms``."""
    post_id = str(record.get("id") or "")
    author = record.get("author") or {}
    if not isinstance(author, dict):
        author = {}
    author_id = str(author.get("id") or "")[:128]
    followers = _count(author.get("followers"), missing=-1)
    created = parse_ms(author.get("created_at"))
    age_days = round(max(0, ms - created) / DAY_MS, 3) if created is not None else -1.0
    sentiment = (scores.get("sentiment") or {}).get("label") or ""
    hoax_scores = scores.get("hoax") or {}
    probability = hoax_scores.get("probability")
    probability = min(1.0, max(0.0, float(probability))) if isinstance(probability, (int, float)) else 0.0
    engagement = record.get("engagement") or {}
    if not isinstance(engagement, dict):
        engagement = {}
    views = _count(engagement.get("views"))
    shares = _count(engagement.get("shares"))
    reach = max(views, followers if followers > 0 else 0)
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    # Reshares repeat someone else's words by design: they add volume and reach, not coordination evidence.
    is_reshare = bool(record.get("shared_from")) or strip_reshare(text) != text
    bands = [] if is_reshare else near_duplicate_bands(text)
    sample = {
        "id": post_id,
        "text": text[:TEXT_MAX],
        "url": record["url"][:URL_MAX] if isinstance(record.get("url"), str) else None,
        "hoax_probability": round(probability, 4),
        "hoax_cues": short_strings(hoax_scores.get("cues")),
        "hoax_terms": short_strings(hoax_scores.get("terms")),
        "sentiment": sentiment or None,
        "platform": record.get("platform"),
        "author_id": author_id,
        "created_at": iso(ms),
        "reach": reach,
    }
    return PostFacts(
        post_id=post_id, id_hash=h52(post_id), ms=ms, minute=ms // MINUTE_MS, author_id=author_id,
        author_hash=h52(author_id), followers=followers, age_days=age_days, sentiment=sentiment,
        hoax=probability >= policy.classification.hoax_probability, hoax_micro=int(round(probability * MICRO)),
        claim_id=None, claim_similarity_micro=0, reach=reach, shares=shares, bands=bands, sample=sample,
        platform=str(record.get("platform") or "other")[:16], province=province_code(record.get("region")),
    )


HELD_REGION_MAX = 64  # province_code reads the first 6 characters once the value is stripped
HELD_SHARED_FROM_MAX = 1024  # label_for reads 128, post_facts whether there is one


def held_copy(record: dict) -> dict:
    """What a held post (``IssueEngine._hold``) keeps until it is counted: the fields ``post_facts`` and ``label_for``
    read, cut where they read less, so counting the copy later gives the very facts the post gives. A held post is
    part of its issue's state record: ten posts with a crawler's page HTML as an unknown field made a state over the
    changelog's 8 MiB record limit."""
    copy = {key: record[key] for key in ("id", "platform", "text", "created_at", "scores") if key in record}
    author, engagement = record.get("author"), record.get("engagement")
    if isinstance(author, dict):
        copy["author"] = {key: author[key] for key in ("id", "followers", "created_at") if key in author}
    if isinstance(engagement, dict):
        copy["engagement"] = {key: engagement[key] for key in ("views", "shares") if key in engagement}
    for key, cut in (("url", lambda v: v[:URL_MAX]), ("region", lambda v: v.strip()[:HELD_REGION_MAX]),
                     ("shared_from", lambda v: v[:HELD_SHARED_FROM_MAX])):
        value = record.get(key)
        if value is not None:
            copy[key] = cut(value) if isinstance(value, str) else value
    return copy


def label_for(issue_id: str, record: dict, claim_match: dict | None) -> str:
    """The human label of a new issue, from the post that opened it."""
    kind = issue_kind(issue_id)
    if kind == "claim" and isinstance(claim_match, dict) and claim_match.get("claim"):
        return str(claim_match["claim"])[:200]
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    if kind == "topic":
        anchor = anchor_term(strip_reshare(text))
        if anchor is not None and issue_id.endswith(anchor[1]):
            return ("#" if anchor[0] == "hashtag" else "") + anchor[1]
    if kind == "share" and record.get("shared_from"):
        return f"reshares of post {str(record['shared_from'])[:128]}"  # an id may be as long as a post allows
    if kind == "misc" and text.strip():
        return text.strip()[:60]
    return issue_label(issue_id)


def short_strings(value: object, limit: int = 4, length: int = 64) -> list[str]:
    """A scored post's explanation list (cues or terms) as kept in a sample: strings only, bounded."""
    if not isinstance(value, list):
        return []
    return [item[:length] for item in value if isinstance(item, str)][:limit]


def _count(value: object, missing: int = 0) -> int:
    """A count from the post, capped at ``MAX_COUNT``; ``missing`` when it is absent or not a count."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        return missing
    return int(min(value, MAX_COUNT))
