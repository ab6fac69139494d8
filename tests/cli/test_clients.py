"""Command-line clients connect in short attempts: a cause no retry can fix ends the command at once."""

from __future__ import annotations

import logging

import pytest
from kafka import errors as kafka_errors

from streams.cli import clients
from streams.kafka_local.errors import BrokerUnavailable
from streams.settings import Settings

SETTINGS = Settings(broker="kafka://broker.example:9093", broker_username="humas", broker_password="salah")


def attempt_fails(exc: BaseException):
    """A client factory whose bootstrap fails as kafka-python's does: the cause logged, then a timeout."""
    calls = []

    def factory(*topics, **config):
        calls.append(config)
        logging.getLogger("kafka.net.manager").warning("Bootstrap connection to %s failed: %s (backoff %.2f secs)",
                                                       "bootstrap-0", exc, 0.1)
        raise kafka_errors.KafkaTimeoutError("Unable to bootstrap from ['broker.example:9093']")
    return factory, calls


def test_refused_credentials_end_the_first_attempt_with_the_cause():
    factory, calls = attempt_fails(kafka_errors.SaslAuthenticationFailedError("Invalid username or password"))
    with pytest.raises(BrokerUnavailable, match="refused the credentials") as refused:
        clients._connect(factory, SETTINGS, (), {"acks": "all"}, timeout=30.0)
    assert len(calls) == 1 and calls[0]["bootstrap_timeout_ms"] == 2000 and calls[0]["acks"] == "all"
    assert "broker.example:9093 (SASL_PLAINTEXT)" in str(refused.value)


def test_a_broker_not_listening_yet_is_retried_until_the_timeout():
    factory, calls = attempt_fails(kafka_errors.KafkaConnectionError("111 ECONNREFUSED"))
    with pytest.raises(BrokerUnavailable, match="nothing listens there"):
        clients._connect(factory, SETTINGS, (), {}, timeout=0.0)
    assert len(calls) == 1  # the deadline had passed: one attempt
    answers = iter([False, True])

    def starting(*topics, **config):
        if not next(answers):
            raise kafka_errors.KafkaTimeoutError("Unable to bootstrap from ['broker.example:9093']")
        return ("client", topics)
    assert clients._connect(starting, SETTINGS, ("sigap.escalations",), {}, timeout=30.0) == (
        "client", ("sigap.escalations",))


def test_other_timeouts_are_not_taken_for_a_connection_failure():
    def slow(*topics, **config):
        raise kafka_errors.KafkaTimeoutError("Failed to update metadata after 60.0 secs.")
    with pytest.raises(kafka_errors.KafkaTimeoutError):
        clients._connect(slow, SETTINGS, (), {}, timeout=30.0)
