"""Every topic Sigap reads or writes, named once (contract.md, "Topics").

Pure data: the Faust app declares its topics from these specs and ``sigap topics create`` creates them.
"""

from __future__ import annotations

from dataclasses import dataclass

DAY_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True)
class TopicSpec:
    suffix: str
    partitions: int
    compacted: bool = False
    retention_ms: int | None = 7 * DAY_MS
    description: str = ""
    prefixed: bool = True  # False: the suffix is the whole name (Faust's own topics, named after the app id)
    max_message_bytes: int | None = None  # None: the broker's default (1 MiB)

    def name(self, prefix: str) -> str:
        return f"{prefix}{self.suffix}" if self.prefixed else self.suffix

    def config(self) -> dict[str, str]:
        if self.compacted:
            config = {"cleanup.policy": "compact", "min.compaction.lag.ms": "60000"}
        else:
            config = {"cleanup.policy": "delete"}
            if self.retention_ms is not None:
                config["retention.ms"] = str(self.retention_ms)
        if self.max_message_bytes is not None:
            config["max.message.bytes"] = str(self.max_message_bytes)
        return config


POSTS = "posts"
POSTS_SCORED = "posts.scored"
ISSUES = "issues"
ESCALATIONS = "escalations"
CLAIMS = "claims"
FEEDBACK = "feedback"
POSTS_DLQ = "posts.dlq"
# Extension: scored posts and feedback re-keyed by issue id, so that one partition owns each issue's state.
ISSUE_EVENTS = "issues.events"


def topic_specs(posts_partitions: int = 8) -> list[TopicSpec]:
    return [
        TopicSpec(POSTS, posts_partitions, description="input posts, keyed by post id"),
        TopicSpec(POSTS_SCORED, posts_partitions, description="posts with scores, keyed by post id"),
        TopicSpec(ISSUES, posts_partitions, compacted=True, retention_ms=None,
                  description="latest state of each issue, keyed by issue id"),
        TopicSpec(ESCALATIONS, 4, retention_ms=30 * DAY_MS,
                  description="CloudEvents escalation events, keyed by issue id"),
        TopicSpec(CLAIMS, 1, compacted=True, retention_ms=None,
                  description="known claims and debunks, keyed by claim id"),
        TopicSpec(FEEDBACK, 4, retention_ms=90 * DAY_MS, description="responder feedback, keyed by issue id"),
        TopicSpec(POSTS_DLQ, 4, retention_ms=30 * DAY_MS, description="inputs that could not be processed"),
        TopicSpec(ISSUE_EVENTS, posts_partitions, description="internal: scored posts and feedback keyed by issue id"),
    ]


# The largest record (key and value) Sigap writes to a topic created with the broker's default limit (Kafka's
# `message.max.bytes`, 1,048,588 bytes, counts the record batch around a record too). A larger output would be
# refused by the broker whatever the retries, and a worker that cannot deliver a batch's outputs exits without
# acknowledging it (agents.publishing), so one such record read again after every restart would stop the worker for
# good: dead letters cut what they copy (streams.records.deadletter), a scored post over it is dead-lettered as
# `too_large` (streams.pipeline), and the command-line producers refuse it (streams.cli.produce).
RECORD_MAX_BYTES = 1_000_000


# Faust's own topics for Sigap's tables, named after the app id. Creating them up front (instead of letting each
# worker create them on first start) avoids a race in which two workers starting together see the changelog
# topics without partitions and crash their agents.
STATE_TABLES = ("issue-state", "issue-clock")


# Over Kafka's default 1 MiB record limit, for the state changelogs. Releases before the split issue state
# (streams.issues.store) wrote a hot issue (about 1,000 posts a minute, ~1.3 MB) as one record; now the largest
# record is a minute's bucket: tens of KB in practice, ~2.3 MB at its caps (128 bands x 64 accounts, long ids).
STATE_MAX_MESSAGE_BYTES = 8 * 1024 * 1024


def state_topic_specs(app_id: str, posts_partitions: int = 8) -> list[TopicSpec]:
    specs = [
        TopicSpec(f"{app_id}-{table}-changelog", posts_partitions, compacted=True, retention_ms=None,
                  description=f"changelog of the {table} table", prefixed=False,
                  max_message_bytes=STATE_MAX_MESSAGE_BYTES)
        for table in STATE_TABLES
    ]
    specs.append(TopicSpec(f"{app_id}-__assignor-__leader", 1, compacted=True, retention_ms=None,
                           description="Faust's leader election", prefixed=False))
    return specs
