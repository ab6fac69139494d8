"""Loader for schema.org ``ClaimReview`` JSON (as published by fact-checkers and the Google Fact Check Tools feed).

Accepts a single ClaimReview object, a list of them, a JSON-LD document with ``@graph``, a feed object with a
``dataFeedElement`` list (each element's ``item`` holding reviews), or a Fact Check Tools API response
(``claims[].claimReview[]``). Each review maps onto the contract claim:
``claimReviewed`` → ``claim``, ``reviewRating.alternateName`` → ``verdict``, ``url`` → ``url``,
``datePublished`` → ``published_at``, ``author.name`` / ``publisher.name`` → ``source``; the id is the review's
``@id``/``url`` when present (stable across re-loads), else a hash of claim + url.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


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


def review_to_claim(review: dict[str, Any]) -> dict[str, Any] | None:
    """The contract claim for one ClaimReview, or None when it has no claim text or no verdict."""
    text = review.get("claimReviewed")
    if isinstance(text, dict):
        text = text.get("text") or text.get("name")
    rating = review.get("reviewRating") or {}
    if isinstance(rating, list):
        rating = rating[0] if rating else {}
    verdict = None
    if isinstance(rating, dict):
        verdict = rating.get("alternateName") or rating.get("name") or rating.get("textualRating")
    if not text or not str(text).strip() or not verdict or not str(verdict).strip():
        return None
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


def claims_from_claimreview(doc: Any) -> list[dict[str, Any]]:
    """Contract claims from a parsed ClaimReview JSON document (reviews without text or verdict are skipped)."""
    out = []
    for review in iter_reviews(doc):
        claim = review_to_claim(review)
        if claim is not None:
            out.append(claim)
    return out


def load_claimreview(path: Path) -> list[dict[str, Any]]:
    """Claims from a ClaimReview ``.json`` file, or a ``.jsonl`` file with one document per line.

    A file that is not UTF-8 JSON (a leading byte-order mark is allowed), or is nested too deeply to read, raises
    ``ValueError`` naming the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix == ".jsonl":
            docs: Iterable[Any] = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            docs = [json.loads(text)]
        out: list[dict[str, Any]] = []
        for doc in docs:
            out.extend(claims_from_claimreview(doc))
    except RecursionError:
        raise ValueError(f"{path}: nested too deeply for a ClaimReview document") from None
    except ValueError as exc:  # (json's and the codec's errors are ValueErrors)
        raise ValueError(f"{path}: not a ClaimReview JSON file: {exc}") from exc
    return out
