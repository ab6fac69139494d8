"""Keeping a broker outage from flooding the worker's log.

While the broker is away, aiokafka's clients (Faust's consumer, producer and table readers, and the claims
follower) retry about every 100 ms and log every failure: a 15 s outage wrote about 2,700 lines, most of them
"Unable connect to node". A long outage would bury everything else and fill the log store. The filter lets the
first warning or error of each kind through, then at most one per ``interval`` seconds, which says how many it
stands for. Records below WARNING (joining a group, finding a coordinator) are left alone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

# The loggers of the aiokafka modules that log each failed retry (aiokafka.client logs as plain "aiokafka").
CLIENT_LOGGERS = (
    "aiokafka",
    "aiokafka.conn",
    "aiokafka.consumer.fetcher",
    "aiokafka.consumer.group_coordinator",
    "aiokafka.producer.sender",
)


class RepeatLimiter(logging.Filter):
    """At most one record per (logger, message template) every ``interval`` seconds, from WARNING up."""

    def __init__(self, interval: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.interval, self._clock = interval, clock
        self._seen: dict[tuple[str, str], tuple[float, int]] = {}  # -> (last let through at, held back since)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        key = (record.name, str(record.msg))  # the template, not the formatted text: one kind per log call
        now = self._clock()
        last = self._seen.get(key)
        if last is not None and now - last[0] < self.interval:
            self._seen[key] = (last[0], last[1] + 1)
            return False
        self._seen[key] = (now, 0)
        if last is not None and last[1]:
            record.msg = f"{record.msg} [and {last[1]} more like it in the last {now - last[0]:.0f} s]"
        return True


def limit_client_retry_logs(interval: float = 30.0) -> RepeatLimiter:
    limiter = RepeatLimiter(interval)
    for name in CLIENT_LOGGERS:
        logging.getLogger(name).addFilter(limiter)
    return limiter
