"""Loader for schema.org ``ClaimReview`` JSON (as published by fact-checkers and the Google Fact Check Tools feed).

Accepts a single ClaimReview object, a list of them, a JSON-LD document with ``@graph``, a feed object with a
``dataFeedElement`` list (each element's ``item`` holding reviews), or a Fact Check Tools API response
(``claims[].claimReview[]``). Each review maps onto the contract claim:
``claimReviewed`` → ``claim``, ``reviewRating.alternateName`` → ``verdict``, ``url`` → ``url``,
``datePublished`` → ``published_at``, ``author.name`` / ``publisher.name`` → ``source``; the id is the review's
``@id``/``url`` when present (stable across re-loads), else a hash of claim + url.

A review no claim can be made from (no ``claimReviewed`` text, or no verdict: a ``reviewRating`` with only a
numeric ``ratingValue`` is not read as one) raises ``InvalidClaimReview`` naming it, as an invalid claim is refused;
with ``skip_invalid`` it is logged and skipped, as a worker skips an invalid claim.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from streams.claims.records import InvalidClaimError
from streams.records.errors import InvalidInput, InvalidReason

log = logging.getLogger(__name__)


class InvalidClaimReview(InvalidClaimError, InvalidInput):
    """A ClaimReview without claim text or verdict. Also an ``InvalidInput`` (``missing_field``), so what refuses or
    skips an invalid claim (`sigap claims load`, ``read_claim_file``) does the same with it."""

    def __init__(self, detail: str) -> None:
        InvalidInput.__init__(self, InvalidReason.MISSING_FIELD, detail)


def _name(obj: Any) -> str | None:
    if isinstance(obj, dict):
        return obj.get("name") or obj.get("alternateName") or obj.get("url")
    if isinstance(obj, list) and obj:
        return _name(obj[0])
    if isinstance(obj, str):
        return obj
    return None


def _is_review(obj: Any) -> bool:
    if not isinstance(obj, dict):
        return False
    t = obj.get("@type")
    types = t if isinstance(t, list) else [t]
    return "ClaimReview" in types or ("claimReviewed" in obj and "reviewRating" in obj)


def iter_reviews(doc: Any) -> Iterator[dict[str, Any]]:
    """Every ClaimReview object found in a parsed JSON document."""
    if isinstance(doc, list):
        for item in doc:
            yield from iter_reviews(item)
        return
    if not isinstance(doc, dict):
        return
    if _is_review(doc):
        yield doc
        return
    for key in ("@graph", "dataFeedElement", "item", "claims", "itemListElement"):
        if key in doc:
            yield from iter_reviews(doc[key])
    if "claimReview" in doc:  # Fact Check Tools API: {"text": .., "claimant": .., "claimReview": [..]}
        for review in doc["claimReview"] if isinstance(doc["claimReview"], list) else [doc["claimReview"]]:
            if isinstance(review, dict):
                merged = dict(review)
                merged.setdefault("claimReviewed", doc.get("text"))
                if "textualRating" in review and "reviewRating" not in review:
                    merged["reviewRating"] = {"alternateName": review["textualRating"]}
                merged.setdefault("@type", "ClaimReview")
                yield merged


def review_to_claim(review: dict[str, Any]) -> dict[str, Any]:
    """The contract claim for one ClaimReview; ``InvalidClaimReview`` (saying why) when it has no claim text or no
    verdict."""
    text = review.get("claimReviewed")
    if isinstance(text, dict):
        text = text.get("text") or text.get("name")
    rating = review.get("reviewRating") or {}
    if isinstance(rating, list):
        rating = rating[0] if rating else {}
    verdict = None
    if isinstance(rating, dict):
        verdict = rating.get("alternateName") or rating.get("name") or rating.get("textualRating")
    if not text or not str(text).strip():
        raise InvalidClaimReview("no claim: claimReviewed is missing or empty")
    if not verdict or not str(verdict).strip():
        value = rating.get("ratingValue") if isinstance(rating, dict) else None
        raise InvalidClaimReview("no verdict: reviewRating has no alternateName"
                                 + (f" (its ratingValue {value} is not read as a verdict)" if value is not None
                                    else ""))
    url = review.get("url")
    cid = review.get("@id") or url or "claimreview-" + hashlib.sha1(f"{text}|{url}".encode()).hexdigest()[:12]
    claim: dict[str, Any] = {"id": str(cid), "claim": " ".join(str(text).split()), "verdict": str(verdict).strip()}
    if url:
        claim["url"] = url
    if review.get("datePublished"):
        claim["published_at"] = review["datePublished"]
    source = _name(review.get("author")) or _name(review.get("publisher"))
    if source:
        claim["source"] = source
    body = review.get("reviewBody") or review.get("description")
    if body:
        claim["clarification"] = " ".join(str(body).split())
    return claim


def claims_from_claimreview(doc: Any, skip_invalid: bool = False) -> list[dict[str, Any]]:
    """Contract claims from a parsed ClaimReview JSON document. A review without claim text or verdict raises
    ``InvalidClaimReview`` naming it (``claim review N``, its place among the document's reviews, with its url or
    claim); with ``skip_invalid`` it is logged and skipped."""
    out = []
    for number, review in enumerate(iter_reviews(doc), 1):
        try:
            out.append(review_to_claim(review))
        except InvalidClaimReview as exc:
            problem = InvalidClaimReview(f"claim review {number}{_naming(review)}: {exc.detail}")
            if not skip_invalid:
                raise problem from None
            log.warning("skipping %s", problem.detail)
    return out


def _naming(review: dict[str, Any]) -> str:
    """`` (<url>)``, else `` ("<claim>")``, else nothing: which review a message is about."""
    url = review.get("url") or review.get("@id")
    if url:
        return f" ({url})"
    text = review.get("claimReviewed")
    if isinstance(text, dict):
        text = text.get("text") or text.get("name")
    text = " ".join(str(text or "").split())
    return f' ("{text[:80]}{"…" if len(text) > 80 else ""}")' if text else ""


def load_claimreview(path: Path, skip_invalid: bool = False) -> list[dict[str, Any]]:
    """Claims from a ClaimReview ``.json`` file, or a ``.jsonl`` file with one document per line.

    A file that is not UTF-8 JSON (a leading byte-order mark is allowed), or is nested too deeply to read, raises
    ``ValueError`` naming the file; a review without claim text or verdict, ``InvalidClaimReview`` naming the file
    and the review (``skip_invalid``: logged and skipped)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix == ".jsonl":
            docs: Iterable[tuple[str, Any]] = [(f"line {n}: ", json.loads(line))
                                               for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        else:
            docs = [("", json.loads(text))]
        out: list[dict[str, Any]] = []
        for where, doc in docs:
            try:
                out.extend(claims_from_claimreview(doc, skip_invalid))
            except InvalidClaimReview as exc:
                raise InvalidClaimReview(f"{path}: {where}{exc.detail}") from None
    except InvalidClaimReview:
        raise
    except RecursionError:
        raise ValueError(f"{path}: nested too deeply for a ClaimReview document") from None
    except ValueError as exc:  # (json's and the codec's errors are ValueErrors)
        raise ValueError(f"{path}: not a ClaimReview JSON file: {exc}") from exc
    return out
