"""Prometheus metrics of contract.md ("Metrics"): base units, `_total` counters, bounded labels only.

Labels never carry post, author or issue ids. `platform`, `reason`, `model`, `label`, `level` and `verdict` come from
closed sets; anything else is folded into "other" before it becomes a label (or, for `label`, not counted).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, generate_latest

from streams.escalation.events import detection_seconds
from streams.records.post import PLATFORMS

disable_created_metrics()
REGISTRY = CollectorRegistry(auto_describe=True)

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
_LAG_BUCKETS = (0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 6 * 3600, 24 * 3600, 7 * 24 * 3600)
_INFERENCE_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1)

posts_consumed = Counter(
    "sigap_posts_consumed", "Posts read from the posts topic, valid or not.", ["platform"], registry=REGISTRY
)
posts_scored = Counter("sigap_posts_scored", "Posts scored and published.", registry=REGISTRY)
posts_invalid = Counter(
    "sigap_posts_invalid", "Inputs sent to the dead-letter topic, by reason.", ["reason"], registry=REGISTRY
)
processing_seconds = Histogram(
    "sigap_processing_seconds", "Consume-to-publish time of a post.", buckets=_LATENCY_BUCKETS, registry=REGISTRY
)
event_lag_seconds = Histogram(
    "sigap_event_lag_seconds", "Wall clock minus the post's created_at, at publish.", buckets=_LAG_BUCKETS,
    registry=REGISTRY,
)
model_inference_seconds = Histogram(
    "sigap_model_inference_seconds", "Time per scoring batch spent in each model.", ["model"],
    buckets=_INFERENCE_BUCKETS, registry=REGISTRY,
)
escalations = Counter("sigap_escalations", "Escalation events published, by level.", ["level"], registry=REGISTRY)
issues_active = Gauge("sigap_issues_active", "Issues held in this worker's state.", registry=REGISTRY)
consumer_lag = Gauge(
    "sigap_consumer_lag", "Messages between the high watermark and this worker's position.", ["topic", "partition"],
    registry=REGISTRY,
)
model_info = Gauge("sigap_model_info", "Model versions loaded by this worker (value 1).", ["model", "version"],
                   registry=REGISTRY)
# Extensions (README, "Topics and records": the **Metrics** item of its extensions).
feedback = Counter("sigap_feedback", "Responder feedback received, by verdict.", ["verdict"], registry=REGISTRY)
claims_invalid = Counter(
    "sigap_claims_invalid", "Records on the claims topic this worker could not use, by reason.", ["reason"],
    registry=REGISTRY,
)
claims_known = Gauge("sigap_claims_known", "Known claims held by this worker's matcher.", registry=REGISTRY)
issue_state_written_bytes = Counter(
    "sigap_issue_state_written_bytes",
    "Bytes this worker wrote to the issue-state changelog (encoded records and keys; deletions not counted).",
    registry=REGISTRY,
)
issue_state_written_records = Counter(
    "sigap_issue_state_written_records", "Records this worker wrote to the issue-state changelog.", registry=REGISTRY
)
issue_clock_written_bytes = Counter(
    "sigap_issue_clock_written_bytes",
    "Bytes this worker wrote to the issue-clock changelog (JSON of records and keys; deletions not counted): each "
    "partition's watermark and its lists of issues to judge and to expire.",
    registry=REGISTRY,
)
issue_clock_written_records = Counter(
    "sigap_issue_clock_written_records", "Records this worker wrote to the issue-clock changelog.", registry=REGISTRY
)
posts_labelled = Counter(
    "sigap_posts_labelled",
    "Scored posts by the label each model gave them (hoax: hoax/valid, sentiment: negative/neutral/positive, "
    "claim_match: matched/none, language: readable/other); their shares over time show drift.",
    ["model", "label"], registry=REGISTRY,
)
MODEL_LABELS = {
    "hoax": ("hoax", "valid"), "sentiment": ("negative", "neutral", "positive"), "claim_match": ("matched", "none"),
    "language": ("readable", "other"),  # other: a language the models cannot read (scores.language is set)
}
batch_size = Histogram(
    "sigap_batch_size_posts", "Posts per scoring batch.", buckets=(1, 10, 50, 100, 250, 500, 1000), registry=REGISTRY
)
issue_posts = Counter(
    "sigap_issue_posts",
    "Scored posts the issue engine received, by outcome: counted (in time), late (counted, but its minute was "
    "already judged: re-judged within the policy's rewind_minutes, otherwise only in the issue's totals), "
    "duplicate (already counted: redelivery), invalid (a record the engine could not use; dead-lettered).",
    ["outcome"], registry=REGISTRY,
)
ISSUE_POST_OUTCOMES = ("counted", "late", "duplicate", "invalid")
input_records_deleted_unread = Counter(
    "sigap_input_records_deleted_unread",
    "Records of an input topic deleted from the log (retention, delete-records) before this worker read them: "
    "posts never scored.",
    ["topic"], registry=REGISTRY,
)
policy_reloads = Counter(
    "sigap_policy_reloads", "Changes of the escalation policy file taken into force by this worker.", registry=REGISTRY,
)
policy_rejected = Counter(
    "sigap_policy_rejected",
    "Changes of the escalation policy file refused as invalid (the last good policy stays in force).",
    registry=REGISTRY,
)
policy_file_in_force = Gauge(
    "sigap_policy_file_in_force",
    "1 when the escalation policy file on disk is the policy in force, 0 when its last change was refused or the "
    "file is gone (the worker keeps the last good policy).",
    registry=REGISTRY,
)
escalation_detection_seconds = Histogram(
    "sigap_escalation_detection_seconds",
    "Event time from an issue's first post to each level it reached (how early responders were told), by level.",
    ["level"], buckets=(60, 120, 300, 600, 900, 1800, 3600, 3 * 3600, 6 * 3600, 24 * 3600), registry=REGISTRY,
)

for _platform in (*PLATFORMS, "unknown"):
    posts_consumed.labels(platform=_platform)
for _outcome in ISSUE_POST_OUTCOMES:
    issue_posts.labels(outcome=_outcome)
for _model, _labels in MODEL_LABELS.items():
    for _label in _labels:
        posts_labelled.labels(model=_model, label=_label)


def platform_label(value: object) -> str:
    return value if isinstance(value, str) and value in PLATFORMS else "unknown"


def count_labels(scored_posts: list[dict]) -> None:
    """Add a batch of scored posts to ``sigap_posts_labelled_total`` (one increment per model and label; a label
    outside ``MODEL_LABELS`` is not counted)."""
    counts: dict[tuple[str, str], int] = {}
    for post in scored_posts:
        scores = post["scores"]
        for key in (("hoax", scores["hoax"]["label"]), ("sentiment", scores["sentiment"]["label"]),
                    ("claim_match", "matched" if scores.get("claim_match") else "none"),
                    ("language", "other" if scores.get("language") else "readable")):
            counts[key] = counts.get(key, 0) + 1
    for (model, label), n in counts.items():
        if label in MODEL_LABELS[model]:
            posts_labelled.labels(model=model, label=label).inc(n)


def observe_escalation(event: dict) -> None:
    """Count a published escalation and how long after its issue's first post (event time) it came."""
    level = str(event["data"]["level"])
    escalations.labels(level=level).inc()
    detected = detection_seconds(event)
    if detected is not None:
        escalation_detection_seconds.labels(level=level).observe(detected)


def count_issue_posts(out) -> None:
    """Add one issue-engine call's outcomes (a ``streams.issues.call.EngineOutput``) to ``sigap_issue_posts_total``."""
    for outcome, n in (("counted", out.posts - out.late), ("late", out.late), ("duplicate", out.duplicates),
                       ("invalid", out.invalid)):
        if n:
            issue_posts.labels(outcome=outcome).inc(n)


def exposition() -> bytes:
    return generate_latest(REGISTRY)


_policy_counted = {"reloads": 0, "rejected": 0}


def observe_policy(reloads: int, rejected: int, in_force: bool) -> None:
    """The policy source's running counts (``PolicySource.reloads`` / ``rejected``) and state, as metrics."""
    policy_reloads.inc(max(0, reloads - _policy_counted["reloads"]))
    policy_rejected.inc(max(0, rejected - _policy_counted["rejected"]))
    _policy_counted.update(reloads=reloads, rejected=rejected)
    policy_file_in_force.set(1 if in_force else 0)
