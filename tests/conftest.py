"""Shared fixtures: one real Kafka broker per test session, and a private topic prefix and app id per test.

``kafka_broker`` uses whatever broker already answers at SIGAP_BROKER (and leaves it running); otherwise it
starts the local one and stops it at the end of the session, unless SIGAP_TEST_KEEP_KAFKA=1 (useful when
several sessions share the broker). ``sigap_env`` gives each test its own ``SIGAP_TOPIC_PREFIX`` and
``SIGAP_APP_ID`` with the topics created, so tests never see each other's topics, consumer groups or
changelogs; ``other_sigap_env`` is a second such deployment, ``fresh_sigap_env`` one without topics.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from streams.settings import Settings, get_settings
from tests.support.deployment import PRIVATE_VARIABLES, SigapEnv, private_deployment


@pytest.fixture(scope="session")
def kafka_broker() -> Iterator[list[str]]:
    """The bootstrap servers of a running, answering broker."""
    from streams.kafka_local import LocalKafkaConfig, broker_answers, start_broker, stop_broker, wait_for_broker

    bootstrap = Settings().bootstrap_servers
    if broker_answers(bootstrap, timeout=2.0):
        yield bootstrap
        return
    config = LocalKafkaConfig.from_settings(Settings())
    result = start_broker(config)
    wait_for_broker(bootstrap, timeout=10.0)
    yield bootstrap
    if not result.already_running and os.environ.get("SIGAP_TEST_KEEP_KAFKA") != "1":
        stop_broker(config)


@pytest.fixture
def fresh_sigap_env(kafka_broker: list[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[SigapEnv]:
    """A unique topic prefix and app id, no topics created; every topic they own is deleted afterwards.

    The variables are also set in this process's environment, and ``get_settings()`` is reset so in-process
    code reads them too.
    """
    with _private_deployment(create_topics=False) as deployment:
        for name, value in deployment.env.items():
            if name in PRIVATE_VARIABLES:
                monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        try:
            yield deployment
        finally:
            get_settings.cache_clear()


@pytest.fixture
def sigap_env(fresh_sigap_env: SigapEnv) -> SigapEnv:
    """Like ``fresh_sigap_env``, with every Sigap topic created under the prefix."""
    from streams.kafka_local import create_topics

    create_topics(fresh_sigap_env.settings)
    return fresh_sigap_env


@pytest.fixture
def other_sigap_env(kafka_broker: list[str]) -> Iterator[SigapEnv]:
    """A second private deployment with its topics created (this process's environment is left alone)."""
    with _private_deployment(create_topics=True) as deployment:
        yield deployment


def _private_deployment(create_topics: bool):
    # a killed test worker's partitions move on quickly
    return private_deployment("test", create_topics=create_topics, env={"SIGAP_SESSION_TIMEOUT_SECONDS": "10"})
