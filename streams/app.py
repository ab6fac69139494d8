"""The Faust app and every topic it uses, declared once.

Agents live in the `agents` package and are discovered by the app. All payloads are raw bytes on the wire: Sigap
decodes them itself, so a malformed message becomes a dead-letter record instead of a crashed agent.
"""

from __future__ import annotations

from dataclasses import dataclass

import faust

from streams import faust_fixes, metrics
from streams import topics as names
from streams.settings import Settings, get_settings


def _broker_credentials(settings: Settings) -> faust.SASLCredentials | faust.SSLCredentials | None:
    """Faust's form of the security every other client gets from ``Settings.kafka_client_options``."""
    if settings.security_protocol.startswith("SASL_"):
        return faust.SASLCredentials(
            username=settings.broker_username, password=settings.broker_password.get_secret_value(),
            mechanism=settings.broker_sasl_mechanism, ssl_context=settings.ssl_context(),
        )
    if settings.broker_tls:
        return faust.SSLCredentials(settings.ssl_context())
    return None


class SigapApp(faust.App):
    """Faust's app, except that an agent module that fails to import stops the worker: Faust logs a warning and
    runs on without that module's agents (a worker with an unusable policy had no issue engine, and answered
    /ready all the same)."""

    def _on_autodiscovery_error(self, name: str) -> None:
        raise RuntimeError(f"the agents module {name!r} failed to import; the worker does not start without it")


def create_app(settings: Settings) -> faust.App:
    datadir = settings.data_dir / "faust" / f"{settings.app_id}-{settings.web_port}"
    datadir.parent.mkdir(parents=True, exist_ok=True)
    return SigapApp(
        settings.app_id,
        broker=settings.broker,
        broker_credentials=_broker_credentials(settings),
        store="memory://",  # state is rebuilt from the changelog topics on start
        datadir=str(datadir),
        web_port=settings.web_port,
        web_host="0.0.0.0",
        web_in_thread=False,
        autodiscover=["agents"],
        origin="streams",
        topic_partitions=settings.posts_partitions,
        topic_replication_factor=settings.replication_factor,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        producer_linger=settings.producer_linger_seconds,
        producer_max_batch_size=256 * 1024,
        producer_max_request_size=names.STATE_MAX_MESSAGE_BYTES,  # a hot issue's state record exceeds 1 MiB
        stream_buffer_maxsize=max(4096, 4 * settings.batch_size),
        broker_commit_every=settings.batch_size,
        broker_commit_interval=1.0,
        table_cleanup_interval=60.0,
        # an in-memory table is rebuilt from its changelog's start whenever a partition becomes active, so a standby
        # copy would never be used: it would only double the cluster's state in memory and re-read every changelog
        table_standby_replicas=0,
        broker_session_timeout=settings.session_timeout_seconds,
        broker_heartbeat_interval=min(3.0, settings.session_timeout_seconds / 3),
        logging_config=None,
    )


@dataclass(frozen=True)
class SigapTopics:
    posts: faust.TopicT
    scored: faust.TopicT
    issues: faust.TopicT
    escalations: faust.TopicT
    claims: faust.TopicT
    feedback: faust.TopicT
    dlq: faust.TopicT
    issue_events: faust.TopicT


def declare_topics(app: faust.App, settings: Settings) -> SigapTopics:
    specs = {spec.suffix: spec for spec in names.topic_specs(settings.posts_partitions)}

    def topic(suffix: str) -> faust.TopicT:
        spec = specs[suffix]
        return app.topic(
            spec.name(settings.topic_prefix),
            key_type=bytes,
            value_type=bytes,
            key_serializer="raw",
            value_serializer="raw",
            partitions=spec.partitions,
            compacting=spec.compacted,
            retention=(spec.retention_ms / 1000.0) if spec.retention_ms else None,
            config=spec.config(),
        )

    return SigapTopics(
        posts=topic(names.POSTS),
        scored=topic(names.POSTS_SCORED),
        issues=topic(names.ISSUES),
        escalations=topic(names.ESCALATIONS),
        claims=topic(names.CLAIMS),
        feedback=topic(names.FEEDBACK),
        dlq=topic(names.POSTS_DLQ),
        issue_events=topic(names.ISSUE_EVENTS),
    )


faust_fixes.apply()
settings = get_settings()
app = create_app(settings)
topics = declare_topics(app, settings)
# a counter's series must exist at 0 before its first increase, or increase() never sees that increase (the
# SigapInputDeletedUnread alert could not fire: the series appeared at its first value)
for _input in (topics.posts, topics.feedback, topics.issue_events):
    metrics.input_records_deleted_unread.labels(topic=_input.get_topic_name())
