"""Errors whose message is written for the person at the terminal: what went wrong and what to do."""

from __future__ import annotations


class LocalKafkaError(RuntimeError):
    """The local broker could not be prepared, started or stopped."""


class BrokerUnavailable(RuntimeError):
    """No Kafka broker answered at the given bootstrap servers in time."""


class TopicAdminError(RuntimeError):
    """The broker refused to create or delete a topic."""
