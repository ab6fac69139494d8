"""Input posts (contract.md, "Post"): strict validation, while the post itself passes through unchanged."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from streams.records.clock import EventTime, RecordTime, parse_time
from streams.records.parsing import OpenRecord, parse_object

PLATFORMS = ("twitter", "facebook", "instagram", "tiktok", "youtube", "news", "other")
Platform = Literal["twitter", "facebook", "instagram", "tiktok", "youtube", "news", "other"]
Count = Annotated[int, Field(ge=0)]


class Author(OpenRecord):
    id: Annotated[str, Field(min_length=1, max_length=256)]
    handle: str | None = None
    followers: Count | None = None
    verified: bool | None = None
    created_at: RecordTime | None = None


class Engagement(OpenRecord):
    likes: Count | None = None
    shares: Count | None = None
    replies: Count | None = None
    views: Count | None = None


class PostSchema(OpenRecord):
    id: Annotated[str, Field(min_length=1, max_length=256)]
    platform: Platform
    text: Annotated[str, Field(min_length=1, max_length=20_000)]
    created_at: EventTime
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
    return parse_time(post["created_at"])

