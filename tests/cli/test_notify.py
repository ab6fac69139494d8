"""`sigap notify` refuses a missing escalations topic, like `sigap tail`, and does not create it."""

from __future__ import annotations

import time

import pytest

from streams.kafka_local import list_topics
from tests.support.cli import sigap

pytestmark = pytest.mark.kafka


def test_a_missing_escalations_topic_is_refused_and_not_created(fresh_sigap_env):
    settings, env = fresh_sigap_env
    result = sigap(env, "notify", "--dry-run", "--timeout", "1", timeout=60)
    assert result.returncode == 1
    assert f"topic {settings.topic_prefix}escalations not found; run `sigap topics create`" in result.stderr
    time.sleep(1)  # the broker's auto-creation is not instant
    assert list_topics(settings.bootstrap_servers, prefix=settings.topic_prefix) == []

