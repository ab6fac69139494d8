"""kafka-python clients for the command line, connected in short attempts.

kafka-python bootstraps for up to 30 s before it gives up, whatever the cause. Here each attempt lasts at most
``ATTEMPT_SECONDS``, and between attempts the cause kafka-python logged decides: one no retry can fix (refused
credentials, a SASL mechanism the broker does not enable, an untrusted certificate) ends the command at once,
naming it; anything else (nothing listening yet, a broker starting) is retried until ``timeout``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kafka import KafkaConsumer, KafkaProducer
from kafka import errors as kafka_errors

from streams.kafka_local.connection_faults import NoAnswer, until_reachable

if TYPE_CHECKING:
    from streams.settings import Settings

ATTEMPT_SECONDS = 2.0


def consumer(settings: Settings, *topics: str, timeout: float = 30.0, **config: Any) -> KafkaConsumer:
    return _connect(KafkaConsumer, settings, topics, config, timeout)


def producer(settings: Settings, timeout: float = 30.0, **config: Any) -> KafkaProducer:
    return _connect(KafkaProducer, settings, (), config, timeout)


def _connect(factory: Any, settings: Settings, topics: tuple[str, ...], config: dict, timeout: float) -> Any:
    def attempt(_seconds_left: float) -> Any:
        try:
            return factory(*topics, **settings.kafka_client_options(),
                           bootstrap_timeout_ms=int(ATTEMPT_SECONDS * 1000), **config)
        except kafka_errors.KafkaTimeoutError as exc:
            if "bootstrap" not in str(exc):
                raise
            raise NoAnswer from exc
    return until_reachable(attempt, ", ".join(settings.bootstrap_servers), settings.security_protocol, timeout)
