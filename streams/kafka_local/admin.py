"""Talking to a running broker with kafka-python's admin client: readiness, and Sigap's topics.

Works against any Kafka broker named by the settings, not only the local one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from kafka import errors as kafka_errors
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

from streams.kafka_local.connection_faults import NoAnswer, until_reachable, watch_connections
from streams.kafka_local.errors import TopicAdminError
from streams.settings import Settings, get_settings
from streams.topics import TopicSpec, state_topic_specs, topic_specs

log = logging.getLogger(__name__)

Servers = str | Sequence[str]


@contextmanager
def admin_client(bootstrap_servers: Servers, timeout: float = 10.0,
                 security: Mapping[str, Any] | None = None) -> Iterator[KafkaAdminClient]:
    """An admin client that gives up bootstrapping after ``timeout`` s (KafkaTimeoutError) and closes after use;
    ``security`` as ``Settings.kafka_security()`` gives it (none: plaintext, as the local broker)."""
    timeout_ms = max(int(timeout * 1000), 1)
    client = KafkaAdminClient(bootstrap_servers=_server_list(bootstrap_servers), client_id="sigap-admin",
                              bootstrap_timeout_ms=timeout_ms, request_timeout_ms=max(timeout_ms, 5000),
                              **(security or {}))
    try:
        yield client
    finally:
        client.close()


def broker_answers(bootstrap_servers: Servers, timeout: float = 3.0,
                   security: Mapping[str, Any] | None = None) -> bool:
    """True if a broker answers a metadata request (it lists topics) within about ``timeout`` s."""
    with _quiet_kafka_logs(), watch_connections(announce=False):
        return _answers(bootstrap_servers, timeout, security)


def wait_for_broker(bootstrap_servers: Servers, timeout: float = 30.0,
                    security: Mapping[str, Any] | None = None) -> None:
    """Return once a broker answers a metadata request; raise BrokerUnavailable, naming the cause, after
    ``timeout`` s, or at once when the cause is one no retry can fix (refused credentials, untrusted
    certificate)."""
    def attempt(seconds_left: float) -> None:
        if not _answers(bootstrap_servers, min(max(seconds_left, 0.5), 5.0), security):
            raise NoAnswer

    protocol = (security or {}).get("security_protocol", "PLAINTEXT")
    with _quiet_kafka_logs():
        until_reachable(attempt, ", ".join(_server_list(bootstrap_servers)), protocol, timeout, pause=0.25)


def _answers(bootstrap_servers: Servers, timeout: float, security: Mapping[str, Any] | None) -> bool:
    try:
        with admin_client(bootstrap_servers, timeout, security) as client:
            client.list_topics()
    except (kafka_errors.KafkaError, OSError) as exc:
        log.debug("broker at %s does not answer: %r", bootstrap_servers, exc)
        return False
    return True


@dataclass(frozen=True)
class TopicResult:
    name: str
    created: bool
    partitions: int
    expected_partitions: int
    config: dict[str, str]
    config_mismatches: dict[str, str] = field(default_factory=dict)  # key -> value the spec wants

    @property
    def ok(self) -> bool:
        return self.partitions >= self.expected_partitions and not self.config_mismatches

    def describe(self, name_width: int = 0) -> str:
        """One line for the terminal."""
        state = "created" if self.created else "exists "
        settings = " ".join(f"{key}={value}" for key, value in sorted(self.config.items()))
        line = f"{state} {self.name:<{name_width}}  partitions={self.partitions:<2} {settings}"
        if self.partitions < self.expected_partitions:
            line += (f"  WARNING: fewer partitions than the spec's {self.expected_partitions}; existing topics are "
                     f"never changed: delete it and re-run, or add partitions (existing keys then move)")
        for key, wanted in sorted(self.config_mismatches.items()):
            line += f"  WARNING: spec wants {key}={wanted}"
        return line


def create_topics(settings: Settings | None = None, *, prefix: str | None = None,
                  timeout: float = 30.0) -> list[TopicResult]:
    """Create every topic of ``topic_specs()`` under the prefix (default: the settings' one); idempotent.

    Existing topics are left as they are and reported, with a warning when they have fewer partitions or
    other cleanup/retention settings than the spec.
    """
    settings = settings or get_settings()
    prefix = settings.topic_prefix if prefix is None else prefix
    specs = {spec.name(prefix): spec for spec in topic_specs(settings.posts_partitions)}
    specs |= {spec.name(prefix): spec for spec in state_topic_specs(settings.app_id, settings.posts_partitions)}
    with admin_client(settings.bootstrap_servers, timeout, settings.kafka_security()) as client:
        existing = set(client.list_topics())
        missing = [spec for name, spec in specs.items() if name not in existing]
        created = _create_missing(client, missing, prefix, settings.replication_factor, timeout)
        partitions = _partition_counts(client, list(specs))
        configs = _topic_configs(client, list(specs), keys=_spec_keys(specs.values()))
    results = []
    for name, spec in specs.items():
        config = configs.get(name, {})
        wanted = spec.config()
        mismatches = {key: value for key, value in wanted.items() if config.get(key) != value}
        results.append(TopicResult(name=name, created=name in created, partitions=partitions.get(name, 0),
                                   expected_partitions=spec.partitions,
                                   config={key: config[key] for key in wanted if key in config},
                                   config_mismatches=mismatches))
    return results


def delete_topics_with_prefix(settings: Settings | None = None, prefix: str | None = None,
                              timeout: float = 30.0) -> list[str]:
    """Delete every topic whose name starts with ``prefix`` (default: the settings' prefix); returns the names.

    Meant for tests and throw-away deployments. An empty prefix is refused, so this never empties a broker.
    """
    settings = settings or get_settings()
    prefix = settings.topic_prefix if prefix is None else prefix
    if not prefix:
        raise ValueError("refusing to delete topics with an empty prefix")
    with admin_client(settings.bootstrap_servers, timeout, settings.kafka_security()) as client:
        names = sorted(name for name in client.list_topics() if name.startswith(prefix))
        if names:
            response = client.delete_topics(names, timeout_ms=int(timeout * 1000), raise_errors=False)
            for topic in response["topics"]:
                error = kafka_errors.for_code(topic["error_code"])
                if error not in (kafka_errors.NoError, kafka_errors.UnknownTopicOrPartitionError):
                    raise TopicAdminError(f"could not delete topic {topic['name']}: {error.__name__}")
    if names:
        log.info("Deleted %d topics starting with %r", len(names), prefix)
    return names


def list_topics(bootstrap_servers: Servers, prefix: str = "", timeout: float = 10.0) -> list[str]:
    with admin_client(bootstrap_servers, timeout) as client:
        return sorted(name for name in client.list_topics() if name.startswith(prefix))


def topic_partition_counts(bootstrap_servers: Servers, names: Sequence[str],
                           timeout: float = 10.0) -> dict[str, int]:
    """Partitions per topic, for the names that exist."""
    with admin_client(bootstrap_servers, timeout) as client:
        return _partition_counts(client, names)


def topic_configs(bootstrap_servers: Servers, names: Sequence[str],
                  timeout: float = 10.0) -> dict[str, dict[str, str]]:
    """Every config value (defaults included) of each named topic."""
    with admin_client(bootstrap_servers, timeout) as client:
        return _topic_configs(client, names, keys=None)


def _create_missing(client: KafkaAdminClient, specs: list[TopicSpec], prefix: str, replication_factor: int,
                    timeout: float) -> set[str]:
    if not specs:
        return set()
    request = {spec.name(prefix): {"num_partitions": spec.partitions, "replication_factor": replication_factor,
                                   "configs": spec.config()} for spec in specs}
    response = client.create_topics(request, timeout_ms=int(timeout * 1000), raise_errors=False)
    created = set()
    for topic in response["topics"]:
        error = kafka_errors.for_code(topic["error_code"])
        if error is kafka_errors.NoError:
            created.add(topic["name"])
        elif error is not kafka_errors.TopicAlreadyExistsError:  # created concurrently by someone else: fine
            raise TopicAdminError(f"could not create topic {topic['name']}: {error.__name__}: "
                                  f"{topic.get('error_message') or ''}".rstrip(": "))
    client.wait_for_topics(sorted(created), timeout_ms=int(timeout * 1000))
    return created


def _partition_counts(client: KafkaAdminClient, names: Sequence[str]) -> dict[str, int]:
    return {topic["name"]: len(topic["partitions"]) for topic in client.describe_topics(list(names))
            if topic["error_code"] == 0}


def _topic_configs(client: KafkaAdminClient, names: Sequence[str],
                   keys: list[str] | None) -> dict[str, dict[str, str]]:
    existing = set(client.list_topics())
    resources = [ConfigResource(ConfigResourceType.TOPIC, name, keys) for name in names if name in existing]
    if not resources:
        return {}
    described = client.describe_configs(resources, config_filter="all").get("topic", {})
    return {name: {key: entry.get("value") for key, entry in entries.items()}
            for name, entries in described.items()}


def _spec_keys(specs: Iterable[TopicSpec]) -> list[str]:
    return sorted({key for spec in specs for key in spec.config()})


def _server_list(bootstrap_servers: Servers) -> list[str]:
    if isinstance(bootstrap_servers, str):
        return [part.strip() for part in bootstrap_servers.split(",") if part.strip()]
    return list(bootstrap_servers)


@contextmanager
def _quiet_kafka_logs() -> Iterator[None]:
    """kafka-python logs every refused connection as an error; while probing, refusals are the expected case."""
    kafka_logger = logging.getLogger("kafka")
    previous = kafka_logger.level
    kafka_logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        kafka_logger.setLevel(previous)
