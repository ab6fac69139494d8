"""What a failed connection is reported as: kafka-python's connection log, kept and turned into one line."""

from __future__ import annotations

import logging

import pytest
from kafka import errors as kafka_errors

from streams.kafka_local.connection_faults import classify, unreachable_message, watch_connections

AUTH = kafka_errors.SaslAuthenticationFailedError("Authentication failed: Invalid username or password")
UNTRUSTED = kafka_errors.KafkaConnectionError(
    "Handshake failed: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate")
CLOSED = kafka_errors.KafkaConnectionError("socket disconnected")
REFUSED = kafka_errors.KafkaConnectionError("111 ECONNREFUSED")


def _attempt_fails(exc: BaseException) -> None:
    """What kafka-python logs when one bootstrap attempt fails."""
    logging.getLogger("kafka.net.manager").warning("Bootstrap connection to %s failed: %s (backoff %.2f secs)",
                                                   "bootstrap-0", exc, 0.1)


@pytest.mark.parametrize(("exc", "setting", "definitive"), [
    (AUTH, "SIGAP_BROKER_PASSWORD", True),
    (kafka_errors.UnsupportedSaslMechanismError(), "SIGAP_BROKER_SASL_MECHANISM", True),
    (UNTRUSTED, "SIGAP_BROKER_CA_FILE", True),
    (kafka_errors.KafkaConnectionError("Handshake failed: [SSL: WRONG_VERSION_NUMBER] wrong version number"),
     "unset SIGAP_BROKER_TLS", False),
    (CLOSED, "SIGAP_BROKER_TLS=true", False),
    (REFUSED, "sigap kafka start", False),
])
def test_each_cause_names_the_setting_to_check(exc, setting, definitive):
    fault = classify(exc)
    assert setting in fault.advice and fault.definitive is definitive
    assert str(exc) in fault.cause


def test_a_definitive_cause_outlives_later_disconnects_and_is_announced_once(caplog):
    caplog.set_level(logging.INFO)
    with watch_connections() as faults:
        _attempt_fails(CLOSED)
        assert faults.fault.advice == classify(CLOSED).advice  # the latest, while nothing is definitive
        _attempt_fails(AUTH)
        _attempt_fails(CLOSED)
        _attempt_fails(AUTH)
        logging.getLogger("kafka.net.manager").error("Bootstrap failed: %s",
                                                     kafka_errors.KafkaTimeoutError("Unable to bootstrap"))
    assert faults.fault == classify(AUTH)
    announced = [r for r in caplog.records if r.name == "sigap.broker"]
    assert len(announced) == 1 and "refused the credentials" in announced[0].getMessage()
    assert not [r for r in caplog.records if r.name.startswith("kafka.net")]  # the attempts are not printed


def test_the_closing_timeout_is_not_taken_for_the_cause():
    with watch_connections(announce=False) as faults:
        _attempt_fails(REFUSED)
        logging.getLogger("kafka.net.manager").error("Bootstrap failed: %s",
                                                     kafka_errors.KafkaTimeoutError("Unable to bootstrap"))
    assert faults.fault == classify(REFUSED)


def test_the_innermost_watch_owns_the_diagnosis_and_the_log_is_restored(caplog):
    connection_log = logging.getLogger("kafka.net")
    before = connection_log.level, connection_log.propagate, list(connection_log.handlers)
    with watch_connections() as outer:
        with watch_connections(announce=False) as inner:
            _attempt_fails(AUTH)
        assert inner.fault == classify(AUTH) and outer.fault is None
        _attempt_fails(REFUSED)
    assert outer.fault == classify(REFUSED)
    assert not [r for r in caplog.records if r.name == "sigap.broker"]  # the inner watch announces nothing
    assert (connection_log.level, connection_log.propagate, list(connection_log.handlers)) == before


def test_verbose_leaves_the_attempts_in_the_log(caplog):
    with watch_connections(announce=False, verbose=True) as faults:
        _attempt_fails(REFUSED)
    assert faults.fault == classify(REFUSED)
    assert [r for r in caplog.records if r.name == "kafka.net.manager"]


def test_the_message_names_broker_protocol_advice_and_cause():
    message = unreachable_message("broker:9093", "SASL_SSL", classify(AUTH))
    assert message.startswith("could not reach the Kafka broker at broker:9093 (SASL_SSL): the broker refused")
    assert "Invalid username or password" in message
    assert "sigap kafka start" in unreachable_message("127.0.0.1:9092", "PLAINTEXT", None)
