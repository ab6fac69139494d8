"""A broker outage does not flood the worker's log: one warning of each kind, then one per interval with a count."""

from __future__ import annotations

import logging

from streams.log_flood import CLIENT_LOGGERS, RepeatLimiter


def record(msg: str, *args, level: int = logging.ERROR, name: str = "aiokafka.client") -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, args, None)


def test_repeats_are_held_back_then_summarised_once_per_interval():
    now = [0.0]
    limiter = RepeatLimiter(interval=30.0, clock=lambda: now[0])
    passed = []
    for second in range(0, 65):  # ten retries a second for 65 s
        for tenth in range(10):
            now[0] = second + tenth / 10
            r = record("Unable connect to node with id %s: %s", 1, "refused")
            if limiter.filter(r):
                passed.append((now[0], r.getMessage()))
    assert [at for at, _ in passed] == [0.0, 30.0, 60.0]
    assert passed[0][1] == "Unable connect to node with id 1: refused"
    assert passed[1][1] == "Unable connect to node with id 1: refused [and 299 more like it in the last 30 s]"


def test_other_kinds_loggers_and_lower_levels_are_not_held_back():
    limiter = RepeatLimiter(interval=30.0, clock=lambda: 0.0)
    assert limiter.filter(record("Unable connect to node with id %s: %s", 1, "x"))
    assert limiter.filter(record("Unable to update metadata from %s", [1]))  # another kind
    assert limiter.filter(record("Unable connect to node with id %s: %s", 1, "x", name="aiokafka.conn"))
    assert not limiter.filter(record("Unable connect to node with id %s: %s", 2, "y"))  # same kind, other args
    for _ in range(3):
        assert limiter.filter(record("(Re-)joining group %s", "sigap", level=logging.INFO))


def test_the_worker_installs_it_on_the_retrying_clients():
    from streams.log_flood import limit_client_retry_logs

    import aiokafka.client
    import aiokafka.conn
    import aiokafka.consumer.fetcher
    import aiokafka.consumer.group_coordinator
    import aiokafka.producer.sender

    limiter = limit_client_retry_logs()
    try:  # the very logger objects the retrying modules log through
        for module in (aiokafka.client, aiokafka.conn, aiokafka.consumer.fetcher,
                       aiokafka.consumer.group_coordinator, aiokafka.producer.sender):
            assert limiter in module.log.filters, module.__name__
    finally:
        for name in CLIENT_LOGGERS:
            logging.getLogger(name).removeFilter(limiter)
