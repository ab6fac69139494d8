"""Why a kafka-python client could not reach the broker, in words the operator can act on.

kafka-python retries a failed bootstrap until its timeout and then raises only "Unable to bootstrap"; the cause
(a wrong password, an untrusted certificate, a listener that speaks another protocol, nothing listening) is only
in its connection log, once per attempt. ``watch_connections()`` keeps those causes instead of printing every
attempt, so a command can end with one line naming the cause and the setting to check.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from kafka import errors as kafka_errors

from streams.kafka_local.errors import BrokerUnavailable

T = TypeVar("T")

log = logging.getLogger("sigap.broker")

# kafka-python's connection layer: it logs every failed attempt (at WARNING and ERROR) with the exception
_CONNECTION_LOGGER = "kafka.net"


@dataclass(frozen=True)
class ConnectionFault:
    advice: str  # what is wrong and which setting to check
    cause: str  # what kafka-python reported
    definitive: bool  # retrying with the same settings cannot succeed


def classify(exc: BaseException) -> ConnectionFault:
    cause = str(exc) or type(exc).__name__  # kafka-python's errors name their class in the text
    text = str(exc)
    if isinstance(exc, kafka_errors.SaslAuthenticationFailedError):
        return ConnectionFault("the broker refused the credentials: check SIGAP_BROKER_USERNAME, "
                               "SIGAP_BROKER_PASSWORD and SIGAP_BROKER_SASL_MECHANISM", cause, True)
    if isinstance(exc, kafka_errors.UnsupportedSaslMechanismError):
        return ConnectionFault("the broker does not enable this SASL mechanism: set SIGAP_BROKER_SASL_MECHANISM "
                               "to one it accepts (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)", cause, True)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return ConnectionFault("the broker's TLS certificate is not trusted: set SIGAP_BROKER_CA_FILE to the CA "
                               "that signed it (and connect by a name the certificate is issued for)", cause, True)
    if "Handshake failed" in text:
        return ConnectionFault("the TLS handshake failed: this listener may not speak TLS (unset SIGAP_BROKER_TLS, "
                               "or point SIGAP_BROKER at the broker's TLS port)", cause, False)
    if "Invalid frame length" in text or "socket disconnected" in text:
        return ConnectionFault("the broker closed the connection: this listener may require TLS "
                               "(SIGAP_BROKER_TLS=true) or SASL credentials (SIGAP_BROKER_USERNAME / _PASSWORD)",
                               cause, False)
    if "ECONNREFUSED" in text or "Connection refused" in text:
        return ConnectionFault("nothing listens there: is the broker running? (for the local one: "
                               "`sigap kafka start`)", cause, False)
    return ConnectionFault("the broker did not answer", cause, False)


class ConnectionFaults(logging.Handler):
    """A logging handler on kafka-python's connection log that keeps the most telling failure: the first
    definitive one (no retry can fix it), else the latest. Announces a definitive one once, as it happens,
    because kafka-python keeps retrying until its timeout."""

    def __init__(self, announce: bool = True) -> None:
        super().__init__(level=logging.WARNING)
        self.announce = announce
        self.decisive: ConnectionFault | None = None
        self.latest: ConnectionFault | None = None

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args if isinstance(record.args, tuple) else ()
        # the closing "Unable to bootstrap" timeout is the summary, not a cause
        causes = (arg for arg in args if isinstance(arg, BaseException)
                  and not isinstance(arg, kafka_errors.KafkaTimeoutError))
        for exc in causes:
            fault = classify(exc)
            self.latest = fault
            if fault.definitive and self.decisive is None:
                self.decisive = fault
                if self.announce:
                    log.warning("%s (%s); still retrying until the timeout", fault.advice, fault.cause)

    @property
    def fault(self) -> ConnectionFault | None:
        return self.decisive or self.latest


@contextmanager
def watch_connections(announce: bool = True, verbose: bool = False) -> Iterator[ConnectionFaults]:
    """Record kafka-python's connection failures while the block runs; they are not printed one by one unless
    ``verbose`` (e.g. SIGAP_LOG_LEVEL=DEBUG)."""
    connection_log = logging.getLogger(_CONNECTION_LOGGER)
    faults = ConnectionFaults(announce=announce)
    previous = connection_log.level, connection_log.propagate
    outer = [handler for handler in connection_log.handlers if isinstance(handler, ConnectionFaults)]
    for handler in outer:  # the innermost watcher owns the diagnosis (and says it once)
        connection_log.removeHandler(handler)
    connection_log.addHandler(faults)
    if not verbose:
        connection_log.setLevel(logging.WARNING)
        connection_log.propagate = False
    try:
        yield faults
    finally:
        connection_log.removeHandler(faults)
        for handler in outer:
            connection_log.addHandler(handler)
        connection_log.setLevel(previous[0])
        connection_log.propagate = previous[1]


def unreachable_message(servers: str, protocol: str, fault: ConnectionFault | None) -> str:
    where = f"the Kafka broker at {servers} ({protocol})"
    if fault is None:
        return f"could not reach {where} (for the local one: `sigap kafka start`)"
    return f"could not reach {where}: {fault.advice} [{fault.cause}]"


class NoAnswer(Exception):
    """One connection attempt got no answer from the broker; kafka-python's connection log says why."""


def until_reachable(attempt: Callable[[float], T], servers: str, protocol: str, timeout: float,
                    pause: float = 0.0) -> T:
    """Call ``attempt(seconds_left)`` until it returns. An attempt that raises NoAnswer is tried again, ``pause``
    s later, until ``timeout``; but a cause no retry can fix (refused credentials, an unknown SASL mechanism, an
    untrusted certificate) raises BrokerUnavailable at once. BrokerUnavailable names the cause and the setting to
    check."""
    deadline = time.monotonic() + timeout
    with watch_connections(announce=False) as faults:
        while True:
            try:
                return attempt(deadline - time.monotonic())
            except NoAnswer:
                fault = faults.fault
                if (fault is not None and fault.definitive) or time.monotonic() >= deadline:
                    raise BrokerUnavailable(unreachable_message(servers, protocol, fault)) from None
            time.sleep(pause)
