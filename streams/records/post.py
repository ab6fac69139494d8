"""Input posts (contract.md, "Post"): strict validation, while the post itself passes through unchanged."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from streams.records.errors import InvalidInput, InvalidReason
from streams.records.parsing import OpenRecord, parse_object

PLATFORMS = ("twitter", "facebook", "instagram", "tiktok", "youtube", "news", "other")
Platform = Literal["twitter", "facebook", "instagram", "tiktok", "youtube", "news", "other"]
Count = Annotated[int, Field(ge=0)]


class Author(OpenRecord):
    id: Annotated[str, Field(min_length=1, max_length=256)]
    handle: str | None = None
    followers: Count | None = None
    verified: bool | None = None
    created_at: AwareDatetime | None = None


class Engagement(OpenRecord):
    likes: Count | None = None
    shares: Count | None = None
    replies: Count | None = None
    views: Count | None = None


class PostSchema(OpenRecord):
    id: Annotated[str, Field(min_length=1, max_length=256)]
    platform: Platform
    text: Annotated[str, Field(min_length=1, max_length=20_000)]
    created_at: AwareDatetime
    author: Author
    url: str | None = None
    lang: str | None = None
    region: str | None = None
    engagement: Engagement | None = None
    reply_to: str | None = None
    shared_from: str | None = None


def parse_post(raw: bytes | str) -> dict:
    """Return the post as a dict exactly as received, or raise `InvalidInput` with the first problem found."""
    return parse_object(raw, PostSchema)


def created_at(post: dict) -> datetime:
    """The event time of a post that `parse_post` accepted."""
    return datetime.fromisoformat(post["created_at"].replace("Z", "+00:00"))


# Indonesia's zones: a producer that writes local time with a "Z" puts its posts this many hours in the future
_LOCAL_ZONES = {7: "WIB", 8: "WITA", 9: "WIT"}


def check_not_ahead(post: dict, now: datetime, max_ahead: timedelta) -> None:
    """Raise `InvalidInput` when the post's ``created_at`` is more than ``max_ahead`` after ``now``.

    Event time drives the issue engine's watermark, so one post dated in the future would mark every minute
    before it as complete: every later post would arrive late and every open issue would close as idle."""
    ahead = created_at(post) - now
    if ahead <= max_ahead:
        return
    hours = ahead.total_seconds() / 3600
    zone = _LOCAL_ZONES.get(round(hours)) if abs(hours - round(hours)) < 0.25 else None
    hint = f": local time ({zone}, UTC+{round(hours)}) written as UTC?" if zone else ""
    raise InvalidInput(InvalidReason.CREATED_IN_FUTURE,
                       f"created_at {post['created_at']} is {_duration(ahead)} ahead of this worker's clock "
                       f"(at most {_duration(max_ahead)} allowed, SIGAP_MAX_CLOCK_SKEW_SECONDS){hint}")


def _duration(span: timedelta) -> str:
    seconds = span.total_seconds()
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.0f} days"
