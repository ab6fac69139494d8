"""`sigap claims load F.jsonl`: publish known claims to the compacted claims topic, keyed by claim id.

Accepts the contract's claim records (one JSON object per line) and schema.org ClaimReview JSON (a file holding
one object or a list). Running workers pick them up without a restart.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("claims", help="manage known claims")
    actions = parser.add_subparsers(dest="action", required=True)
    load = actions.add_parser("load", help="publish claims from a file to the claims topic")
    load.add_argument("file", type=Path, help="claims JSONL, or schema.org ClaimReview JSON")
    load.set_defaults(func=run_load)


def read_claim_file(path: Path) -> list[dict]:
    """Claims from a JSONL file of contract claims, or from ClaimReview JSON; invalid ones raise InvalidInput."""
    import orjson

    from streams.claims.claimreview import claims_from_claimreview
    from streams.records.claim import parse_claim

    text = path.read_bytes()
    stripped = text.lstrip()
    if stripped.startswith(b"[") or (stripped.startswith(b"{") and b"claimReviewed" in text):
        return [parse_claim(claim) for claim in claims_from_claimreview(orjson.loads(text))]
    return [parse_claim(line) for line in text.splitlines() if line.strip()]


def run_load(args: argparse.Namespace) -> int:
    import orjson
    from kafka import KafkaProducer

    from streams.records.errors import InvalidInput
    from streams.settings import get_settings
    from streams.topics import CLAIMS

    settings = get_settings()
    try:
        claims = read_claim_file(args.file)
    except InvalidInput as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return 2
    topic = f"{settings.topic_prefix}{CLAIMS}"
    producer = KafkaProducer(bootstrap_servers=settings.bootstrap_servers, acks="all", linger_ms=20)
    for claim in claims:
        producer.send(topic, key=claim["id"].encode(), value=orjson.dumps(claim))
    producer.flush()
    producer.close()
    print(f"published {len(claims)} claims to {topic}")
    return 0
