"""`sigap simulate F.jsonl [--policy P.yaml] [--claims C.jsonl]`: the whole pipeline, offline, over a file.

Posts are validated and scored by the same code as the workers (``streams.pipeline.score_posts``), grouped into
issues and judged by the same issue engine, in event-time order. Each escalation is printed as one JSON line on
stdout (a one-line summary of each goes to stderr), so a policy change can be tried on history before it goes
live::

    sigap simulate history.jsonl --policy my_policy.yaml > escalations.jsonl

With ``--lifecycle`` the reviewed and closed events of escalated issues are printed too (`sigap report --file`
takes the output). Lines that are already scored posts (with ``scores.issue_id``) are used as they are; feedback
lines (``{"issue_id", "verdict", "by", "at"}`` as on the feedback topic, or any line with ``"kind": "feedback"``, and
no ``text``) are validated like the feedback worker validates them and applied as responder feedback at their
``at`` time. Raw posts are matched against the shipped starter claims, or with ``--claims`` against that file's
claims only. ``--oracle`` scores scenario files (``sigap replay --scenario NAME --output F``) from their ground truth
instead of the trained models.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from streams.cli.arguments import positive_int


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "simulate", help="run the whole pipeline offline over a posts file and print the escalations",
        description="Run the whole pipeline offline over a posts file (the workers' scoring code and issue "
                    "engine, in event-time order) and print each escalation as one JSON line; try a policy "
                    "change on history before it goes live.",
    )
    parser.add_argument("file", type=Path, help="posts JSONL (contract format), and responders' verdicts as the "
                                                "feedback topic holds them ({issue_id, verdict, by, at}); '-' "
                                                "reads stdin")
    parser.add_argument("--policy", type=Path, help="escalation policy YAML (default: SIGAP_POLICY_PATH / shipped)")
    parser.add_argument("--claims", type=Path, help="known claims JSONL (or ClaimReview JSON) to match against "
                                                    "(default: the shipped starter claims)")
    parser.add_argument("--oracle", action="store_true",
                        help="score scenario posts from their ground truth instead of the trained models")
    parser.add_argument("--issues", type=Path, help="also write the final state of every issue to this JSONL file")
    parser.add_argument("--batch-size", type=positive_int, default=500, help="posts per scoring/engine batch (default 500)")
    parser.add_argument("--quiet", action="store_true", help="no per-escalation summary lines on stderr")
    parser.add_argument("--lifecycle", action="store_true",
                        help="also print the reviewed and closed events of escalated issues (input for `sigap report "
                             "--file`)")
    parser.set_defaults(func=run)


def _event_time(record: dict) -> tuple[int, int]:
    """Sort key: the record's instant (the same instant sorts the same however its offset and fraction are
    written); a record without a readable time goes first, where the engine rejects it."""
    from streams.issues.timeutil import parse_ms

    ms = parse_ms(record.get("at") if _is_feedback(record) else record.get("created_at"))
    return (0, 0) if ms is None else (1, ms)


def _is_feedback(record: dict) -> bool:
    """A read record that is feedback; a post keeps its own unknown fields, ``kind`` included, and is still a post
    (the engine's rule, ``control_kind``)."""
    from streams.issues.engine import control_kind

    return control_kind(record) == "feedback"


def _is_feedback_line(value: object) -> bool:
    """A line of feedback: no ``text`` (every post has one; a post's own ``kind`` passes through), and either the
    feedback topic's fields ``issue_id`` and ``verdict`` (a saved `sigap tail feedback`, the contract's example) or
    ``"kind": "feedback"``. Its other fields may be anything, as on the topic: only the schema's are kept
    (``parse_feedback``), and a missing one is named."""
    if not isinstance(value, dict) or "text" in value:
        return False
    return value.get("kind") == "feedback" or ("issue_id" in value and "verdict" in value)


def _is_scored(record: dict) -> bool:
    """A line `sigap score` (or a worker) wrote: scores with an issue id, a processing time and model versions. A
    raw post may carry a `scores` field of its own (another vendor's); it is scored, and its field replaced, as a
    worker does."""
    scores = record.get("scores")
    return (isinstance(scores, dict) and bool(scores.get("issue_id")) and isinstance(scores.get("processed_at"), str)
            and all(isinstance(scores.get(model), dict) and isinstance(scores[model].get("model"), str)
                    for model in ("hoax", "sentiment")))


def read_records(path: Path) -> tuple[list[dict], list[dict], list[str]]:
    """(posts, feedback, problems) from a JSONL file; posts and feedback are validated as the workers validate them."""
    import orjson

    from streams.cli.files import read_input
    from datetime import UTC, datetime

    from streams.records.errors import InvalidInput
    from streams.records.clock import check_not_ahead
    from streams.records.feedback import parse_feedback
    from streams.records.post import parse_post
    from streams.settings import get_settings

    now, max_ahead_seconds = datetime.now(UTC), get_settings().max_clock_skew_seconds
    raw = read_input(path)
    posts, feedback, problems = [], [], []
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            problems.append(f"line {number}: invalid JSON: {exc}")
            continue
        is_feedback = _is_feedback_line(value)
        if not is_feedback and isinstance(value, dict) and _is_scored(value):
            posts.append(value)
            continue
        try:
            record = parse_feedback(line) if is_feedback else parse_post(line)
            check_not_ahead(record, "at" if is_feedback else "created_at", now, max_ahead_seconds)
            (feedback if is_feedback else posts).append(record)
        except InvalidInput as exc:
            problems.append(f"line {number}: {exc.reason.value}: {exc.detail}")
    return posts, feedback, problems


def _read_claims(path: Path) -> list[dict]:
    from streams.cli.claims import read_claim_file

    return read_claim_file(path, skip_invalid=True)


def _summary_line(event: dict) -> str:
    data = event["data"]
    return (f"{event['time']}  L{data['level']} {data['severity']:<7}  {data['route']:<17}  "
            f"{event['subject']}: {data['title']}")


def run(args: argparse.Namespace) -> int:
    import orjson

    from streams.escalation import ESCALATED_TYPE
    from streams.issues.engine import IssueEngine
    from streams.policy import PolicyError, load_policy
    from streams.settings import get_settings

    settings = get_settings()
    try:
        policy = load_policy(args.policy or settings.policy_path)
    except PolicyError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        posts, feedback, problems = read_records(args.file)
    except OSError as exc:
        print(f"{args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    for problem in problems[:20]:
        print(f"skipped {problem}", file=sys.stderr)
    if len(problems) > 20:
        print(f"... and {len(problems) - 20} more invalid lines", file=sys.stderr)

    claims: list[dict] | None = None  # None: the scorer loads the shipped starter claims
    if args.claims:
        try:
            claims = _read_claims(args.claims)
        except Exception as exc:  # noqa: BLE001 - report any unreadable claims file plainly
            print(f"{args.claims}: {exc}", file=sys.stderr)
            return 2
        if not claims:
            known = "only the scenario's own claims" if args.oracle else "matching against none"
            print(f"no valid claims in {args.claims}: {known}", file=sys.stderr)

    to_score = [p for p in posts if not _is_scored(p)]
    claim_lookup = None  # the claims the escalations name, with their clarifications
    scored_by_id: dict[int, dict] = {}
    if to_score:
        if args.oracle:
            from streams.scenarios.oracle import oracle_score_posts, scenario_claims

            scenario = {c["id"]: c for c in scenario_claims(to_score)}
            scenario.update({c["id"]: c for c in claims or ()})
            claim_lookup = scenario.get
            scored = oracle_score_posts(to_score)
        else:
            try:
                from streams.pipeline import score_posts
                from streams.scoring import Scorer
            except ImportError as exc:
                print(f"cannot score posts: {exc} (train the models with `sigap train`, or use --oracle for "
                      f"scenario files)", file=sys.stderr)
                return 2
            try:
                scorer = Scorer.load(settings.models_dir, claims=claims)
            except Exception as exc:  # noqa: BLE001 - missing or incomplete artifacts: say so plainly
                print(f"cannot load the models from {settings.models_dir}: {exc}", file=sys.stderr)
                return 2
            known = getattr(scorer, "claims", None)
            if known is not None and hasattr(known, "get"):
                claim_lookup = known.get
            scored = []
            for i in range(0, len(to_score), args.batch_size):
                scored.extend(score_posts(to_score[i:i + args.batch_size], scorer))
        for original, result in zip(to_score, scored, strict=True):
            scored_by_id[id(original)] = result
    if claim_lookup is None:  # nothing scored here: already-scored lines still name their claims in full
        if claims is None:
            from streams.claims.starter import load_starter_claims

            claims = load_starter_claims()
        claim_lookup = {c["id"]: c for c in claims}.get
    records = [scored_by_id.get(id(p), p) for p in posts] + feedback
    records.sort(key=_event_time)  # stable: file order among equal times

    engine = IssueEngine(policy, {}, {}, claim_lookup=claim_lookup)
    events: list[dict] = []  # as the engine produced them: escalations, and lifecycle events with --lifecycle

    rejected: list[str] = []  # records the engine could not use (an already-scored line is not validated above)

    def take(output, given: list[dict] = ()) -> None:
        events.extend(event for _, event in output.escalations)
        if args.lifecycle:
            events.extend(event for _, event in output.lifecycle)
        rejected.extend(f"{given[position].get('id') or given[position].get('issue_id')}: {error}"
                        for position, error in output.rejected)

    def process(batch: list[dict]) -> None:
        take(engine.process(batch), batch)

    out = sys.stdout.buffer
    pending: list[dict] = []
    for record in records:
        if _is_feedback(record):
            # Feedback acts at its own time: everything complete before it is judged first.
            if pending:
                process(pending)
                pending = []
            take(engine.flush())
            process([record])
            continue
        pending.append(record)
        if len(pending) >= args.batch_size:
            process(pending)
            pending = []
    if pending:
        process(pending)
    take(engine.flush(final=True))
    for problem in rejected[:20]:
        print(f"not used by the issue engine: {problem}", file=sys.stderr)
    if len(rejected) > 20:
        print(f"... and {len(rejected) - 20} more not used", file=sys.stderr)
    escalations = [event for event in events if event["type"] == ESCALATED_TYPE]
    by_level: dict[int, int] = {}
    for event in events:
        out.write(orjson.dumps(event) + b"\n")
        if event["type"] != ESCALATED_TYPE:
            continue
        by_level[event["data"]["level"]] = by_level.get(event["data"]["level"], 0) + 1
        if not args.quiet:
            print(_summary_line(event), file=sys.stderr)
    out.flush()
    if args.issues:
        with args.issues.open("wb") as fh:
            for issue_id in list(engine.store):
                fh.write(orjson.dumps(engine.issue(issue_id)) + b"\n")
    levels = ", ".join(f"{n} {name}" for level, name in ((2, "waspada"), (3, "siaga"), (4, "awas"))
                       if (n := by_level.get(level)))
    print(f"simulated {len(posts) - len(rejected)} posts ({len(problems) + len(rejected)} invalid lines skipped), "
          f"{len(feedback)} feedback, "
          f"{len(engine.store)} issues open: {len(escalations)} escalations" + (f" ({levels})" if levels else "")
          + f" under policy {policy.name!r} ({policy.fingerprint})", file=sys.stderr)
    return 0
