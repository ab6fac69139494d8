"""Sigap's topics on the real broker: created once with the spec's settings, isolated by prefix."""

from __future__ import annotations

import time

import pytest

from streams.kafka_local import (
    BrokerUnavailable,
    create_topics,
    delete_topics_with_prefix,
    list_topics,
    topic_configs,
    topic_partition_counts,
    wait_for_broker,
)
from streams.kafka_local.admin import admin_client
from streams.topics import state_topic_specs, topic_specs
from tests.kafka_local.support import free_port


def _expected(settings) -> dict:
    specs = topic_specs(settings.posts_partitions) + state_topic_specs(settings.app_id, settings.posts_partitions)
    return {spec.name(settings.topic_prefix): spec for spec in specs}


@pytest.mark.kafka
def test_the_first_create_creates_every_topic_and_the_second_none(fresh_sigap_env):
    settings = fresh_sigap_env.settings
    first = create_topics(settings)
    second = create_topics(settings)
    assert [r.name for r in first] == [r.name for r in second] == list(_expected(settings))
    assert all(r.created for r in first)
    assert not any(r.created for r in second)
    assert all(r.ok for r in first + second)


@pytest.mark.kafka
def test_topics_have_the_spec_partitions_and_cleanup_settings(sigap_env):
    settings = sigap_env.settings
    expected = _expected(settings)
    assert topic_partition_counts(settings.bootstrap_servers, list(expected)) == {
        name: spec.partitions for name, spec in expected.items()}
    configs = topic_configs(settings.bootstrap_servers, list(expected))
    assert configs[f"{settings.topic_prefix}issues"]["cleanup.policy"] == "compact"
    assert configs[f"{settings.topic_prefix}claims"]["cleanup.policy"] == "compact"
    for name, spec in expected.items():
        for key, value in spec.config().items():
            assert configs[name][key] == value, (name, key)


@pytest.mark.kafka
def test_an_existing_topic_with_fewer_partitions_is_reported(fresh_sigap_env):
    settings = fresh_sigap_env.settings
    posts = f"{settings.topic_prefix}posts"
    with admin_client(settings.bootstrap_servers) as client:
        client.create_topics({posts: {"num_partitions": 2, "replication_factor": 1}}, wait_for_metadata=True)
    results = {r.name: r for r in create_topics(settings)}
    assert not results[posts].created
    assert results[posts].partitions == 2 and results[posts].expected_partitions == 8
    assert not results[posts].ok
    assert "WARNING: fewer partitions than the spec's 8" in results[posts].describe()
    assert all(r.created for name, r in results.items() if name != posts)


@pytest.mark.kafka
def _prefixed(settings) -> list[str]:
    return sorted(name for name in _expected(settings) if name.startswith(settings.topic_prefix))


def test_two_prefixes_never_see_each_other(sigap_env, other_sigap_env):
    mine, theirs = sigap_env.settings, other_sigap_env.settings
    assert list_topics(mine.bootstrap_servers, mine.topic_prefix) == _prefixed(mine)
    assert list_topics(theirs.bootstrap_servers, theirs.topic_prefix) == _prefixed(theirs)
    assert delete_topics_with_prefix(theirs) == _prefixed(theirs)
    assert list_topics(mine.bootstrap_servers, mine.topic_prefix) == _prefixed(mine)


def test_deleting_with_an_empty_prefix_is_refused():
    from streams.settings import Settings

    with pytest.raises(ValueError, match="empty prefix"):
        delete_topics_with_prefix(Settings(), prefix="")


def test_waiting_for_an_absent_broker_gives_up_in_time():
    started = time.monotonic()
    with pytest.raises(BrokerUnavailable, match="nothing listens there"):
        wait_for_broker([f"127.0.0.1:{free_port()}"], timeout=1.0)
    assert time.monotonic() - started < 5


@pytest.mark.kafka
def test_a_hot_issue_state_larger_than_one_mib_fits_its_changelog(sigap_env):
    """An issue's state is one changelog record and a hot issue's exceeds Kafka's default 1 MiB: the changelog
    accepts it, and the worker's client (aiokafka, default fetch sizes) reads it back whole."""
    import asyncio

    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

    from streams.topics import STATE_MAX_MESSAGE_BYTES

    settings = sigap_env.settings
    topic = f"{settings.app_id}-issue-state-changelog"
    value = bytes(range(256)) * (3 * 1024 * 1024 // 256)  # 3 MiB, incompressible enough to stay large

    async def round_trip() -> bytes:
        producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers,
                                    max_request_size=STATE_MAX_MESSAGE_BYTES, acks="all")
        await producer.start()
        try:
            await producer.send_and_wait(topic, value, key=b"claim-hot", partition=0)
        finally:
            await producer.stop()
        consumer = AIOKafkaConsumer(topic, bootstrap_servers=settings.bootstrap_servers,
                                    auto_offset_reset="earliest", enable_auto_commit=False)
        await consumer.start()
        try:
            record = await asyncio.wait_for(consumer.getone(), timeout=30)
        finally:
            await consumer.stop()
        return record.value

    assert asyncio.run(round_trip()) == value
