"""A real single-node Apache Kafka broker for development and tests, and Sigap's topics on any broker.

``start_broker`` / ``stop_broker`` / ``broker_status`` manage the local broker under ``SIGAP_DATA_DIR/kafka``;
``create_topics`` / ``delete_topics_with_prefix`` / ``wait_for_broker`` work against the settings' broker.
"""

from streams.kafka_local.admin import (
    TopicResult,
    broker_answers,
    create_topics,
    delete_topics_with_prefix,
    list_topics,
    topic_configs,
    topic_partition_counts,
    wait_for_broker,
)
from streams.kafka_local.broker import BrokerStatus, StartResult, StopResult, broker_status, start_broker, stop_broker
from streams.kafka_local.config import LocalKafkaConfig
from streams.kafka_local.errors import BrokerUnavailable, LocalKafkaError, TopicAdminError

__all__ = [
    "BrokerStatus",
    "BrokerUnavailable",
    "LocalKafkaConfig",
    "LocalKafkaError",
    "StartResult",
    "StopResult",
    "TopicAdminError",
    "TopicResult",
    "broker_answers",
    "broker_status",
    "create_topics",
    "delete_topics_with_prefix",
    "list_topics",
    "start_broker",
    "stop_broker",
    "topic_configs",
    "topic_partition_counts",
    "wait_for_broker",
]
