"""`sigap claims load|add|list|delete`: the known claims on the compacted claims topic, keyed by claim id.

``load`` accepts the contract's claim records (one JSON object per line) and schema.org ClaimReview JSON (a file
holding one object or a list). ``add`` publishes one claim given on the command line, for a fact-checker who has
just checked a new claim. ``delete`` retracts claims with a tombstone per id. ``list`` reads the topic from the
beginning, as every worker does, and prints the claims it holds now. Running workers pick up loads, adds and
deletes without a restart.
"""

from __future__ import annotations

import argparse
import codecs
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("claims", help="manage known claims")
    actions = parser.add_subparsers(dest="action", required=True)
    load = actions.add_parser("load", help="publish claims from a file to the claims topic")
    load.add_argument("file", type=Path, help="claims JSONL, or schema.org ClaimReview JSON")
    load.set_defaults(func=run_load)
    listing = actions.add_parser("list", help="print the claims the claims topic holds now")
    listing.add_argument("--json", action="store_true", help="one claim per line as JSON (input for `claims load`)")
    listing.set_defaults(func=run_list)
    add = actions.add_parser("add", help="publish one claim given on the command line (a fact-checker's verdict)")
    add.add_argument("claim", help="the claim's text, as it circulates")
    add.add_argument("--verdict", required=True, help="hoax, misleading, true, unverified, ...")
    add.add_argument("--id", help="the claim id (default: derived from the text, so adding it again updates it)")
    add.add_argument("--clarification", help="the correct information, for counter-messaging")
    add.add_argument("--url", help="the fact-check article")
    add.add_argument("--source", help="who checked it, e.g. a fact-checking organisation")
    add.set_defaults(func=run_add)
    delete = actions.add_parser("delete", help="retract claims: a tombstone per id on the claims topic")
    delete.add_argument("ids", nargs="+", metavar="ID", help="claim ids, as `sigap claims list` shows them")
    delete.set_defaults(func=run_delete)


def read_claim_file(path: Path, skip_invalid: bool = False) -> list[dict]:
    """Claims from a JSONL file of contract claims, from ClaimReview JSON (a document, or one per line), or from one
    JSON document holding a claim or an array of them; contract claims may sit beside ClaimReviews in an array or
    in JSON lines. An invalid one raises InvalidInput, or, with ``skip_invalid`` (offline scoring, which uses claims
    as a worker does), is named on stderr and skipped."""
    import orjson

    from streams.claims.claimreview import claims_from_claimreview
    from streams.records.claim import parse_claim
    from streams.records.errors import InvalidInput, InvalidReason

    text = path.read_bytes().removeprefix(codecs.BOM_UTF8)  # files saved by some editors start with one
    try:  # (label, value to look for ClaimReviews in, what a contract claim is parsed from)
        document = orjson.loads(text)
        items = document if isinstance(document, list) else [document]
        found = [(f"claim {number}", item, item) for number, item in enumerate(items, 1)]
    except orjson.JSONDecodeError:  # JSON lines; a contract claim is parsed from its line as written (exact integers)
        found = [(f"line {number}", _json_or_none(line), line)
                 for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    values = [value for _, value, _ in found]
    try:
        reviewed = _holds_review(values)
        reviews = claims_from_claimreview(values, skip_invalid=skip_invalid) if reviewed else []
    except RecursionError:
        raise InvalidInput(InvalidReason.INVALID_JSON, "nested too deeply for a ClaimReview document") from None
    entries = [(f"claim review {number}", review) for number, review in enumerate(reviews, 1)]
    # beside ClaimReviews a contract claim is kept; another schema.org node (an Organization…) is not a claim
    entries += [(label, raw) for label, value, raw in found
                if not (reviewed and (_holds_review(value) or _schema_org_node(value)))]
    claims = []
    for label, entry in entries:
        try:
            claims.append(parse_claim(entry))
        except InvalidInput as exc:
            if not skip_invalid:
                raise InvalidInput(exc.reason, f"{label}: {exc.detail}") from None
            print(f"{path}: {label} skipped: {exc}", file=sys.stderr)
    return claims


def _holds_review(value: object) -> bool:
    from streams.claims.claimreview import iter_reviews

    return next(iter_reviews(value), None) is not None


def _schema_org_node(value: object) -> bool:
    return isinstance(value, dict) and "@type" in value


def _json_or_none(line: bytes):
    """A JSON line's value, to look for ClaimReviews in; None when it is not JSON (then an invalid claim, named)."""
    import orjson

    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return None


def run_load(args: argparse.Namespace) -> int:
    from streams.records.errors import InvalidInput

    try:
        claims = read_claim_file(args.file)
    except InvalidInput as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return 2
    try:
        topic, undelivered = _publish(claims)
    except ClaimTooLarge as exc:
        print(f"{args.file}: {exc}; nothing published", file=sys.stderr)
        return 2
    print(f"published {len(claims) - len(undelivered)} claims to {topic}")
    return 1 if undelivered else 0


def run_add(args: argparse.Namespace) -> int:
    import hashlib

    from streams.records.claim import parse_claim
    from streams.records.deadletter import rfc3339_now
    from streams.records.errors import InvalidInput

    claim_id = args.id or "cek-" + hashlib.blake2b(" ".join(args.claim.lower().split()).encode(),
                                                    digest_size=5).hexdigest()
    record = {"id": claim_id, "claim": args.claim, "verdict": args.verdict, "published_at": rfc3339_now()}
    record |= {key: value for key, value in (("clarification", args.clarification), ("url", args.url),
                                              ("source", args.source)) if value}
    try:
        claim = parse_claim(record)
    except InvalidInput as exc:
        print(f"not published: {exc}", file=sys.stderr)
        return 2
    try:
        topic, undelivered = _publish([claim])
    except ClaimTooLarge as exc:
        print(f"not published: {exc}", file=sys.stderr)
        return 2
    if undelivered:
        return 1
    print(f"published claim {claim_id} to {topic}")
    return 0


class ClaimTooLarge(ValueError):
    """A claim whose record is larger than the claims topic takes."""


def _publish(claims: list[dict]) -> tuple[str, list[int]]:
    """Publish claims keyed by id to the claims topic; returns the topic's name and the positions of the claims
    not delivered, each named on stderr. Raises ``ClaimTooLarge``, sending nothing, when a claim is larger than a
    record may be: a file is refused whole, as for an invalid claim."""
    import orjson

    from streams.cli import clients
    from streams.cli.produce import deliver, too_large
    from streams.settings import get_settings
    from streams.topics import CLAIMS

    settings = get_settings()
    topic = f"{settings.topic_prefix}{CLAIMS}"
    records = [(claim["id"].encode(), orjson.dumps(claim)) for claim in claims]
    for position, (key, value) in enumerate(records):
        reason = too_large(key, value)
        if reason is not None:
            raise ClaimTooLarge(f"claim {position + 1} ({claims[position]['id']}): {reason}")
    undelivered = deliver(clients.producer(settings, acks="all", linger_ms=20),
                          ((topic, key, value) for key, value in records))
    for position, reason in undelivered:
        print(f"claim {position + 1} ({claims[position]['id']}): not published: {reason}", file=sys.stderr)
    return topic, [position for position, _ in undelivered]


def read_claims() -> dict[str, dict]:
    """The claims the topic holds now (what a worker starting now would load); records that are not valid
    claims are skipped, as the workers skip them, and counted on stderr."""
    from streams.cli.snapshot import read_compacted
    from streams.records.claim import parse_claim
    from streams.records.errors import InvalidInput
    from streams.settings import get_settings
    from streams.topics import CLAIMS

    settings = get_settings()
    claims: dict[str, dict] = {}
    invalid: list[str] = []
    for key, value in read_compacted(f"{settings.topic_prefix}{CLAIMS}", settings).items():
        try:
            claims[key] = parse_claim(value)
        except InvalidInput as exc:
            invalid.append(f"{key} ({exc.reason.value})")
    if invalid:
        print(f"{len(invalid)} records are not valid claims and are ignored by the workers: {', '.join(invalid[:10])}",
              file=sys.stderr)
    return claims


def run_list(args: argparse.Namespace) -> int:
    import orjson

    claims = read_claims()
    for claim_id in sorted(claims):
        claim = claims[claim_id]
        if args.json:
            print(orjson.dumps(claim).decode())
        else:
            print(f"{claim_id}\t{' '.join(claim['verdict'].split())}\t{' '.join(claim['claim'].split())[:100]}")
    print(f"{len(claims)} known claims", file=sys.stderr)
    return 0


def run_delete(args: argparse.Namespace) -> int:
    from streams.cli import clients
    from streams.settings import get_settings
    from streams.topics import CLAIMS

    settings = get_settings()
    known = read_claims()
    unknown = [claim_id for claim_id in args.ids if claim_id not in known]
    retract = [claim_id for claim_id in dict.fromkeys(args.ids) if claim_id in known]
    topic = f"{settings.topic_prefix}{CLAIMS}"
    undelivered = []
    if retract:
        from streams.cli.produce import deliver

        undelivered = deliver(clients.producer(settings, acks="all"),
                              ((topic, claim_id.encode(), None) for claim_id in retract))
    for position, reason in undelivered:
        print(f"not retracted: {retract[position]}: {reason}", file=sys.stderr)
    print(f"retracted {len(retract) - len(undelivered)} claims on {topic}")
    for claim_id in unknown:
        print(f"no such claim: {claim_id}", file=sys.stderr)
    return 1 if unknown or undelivered else 0
