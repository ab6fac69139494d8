"""A private Sigap deployment on a shared broker: its own topic prefix and app id, every topic it owns deleted after.

Tests (``tests/conftest.py``) and the broker benchmarks use it, so none of them sees another's topics, consumer
groups or changelogs.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from streams.settings import Settings

PRIVATE_VARIABLES = ("SIGAP_TOPIC_PREFIX", "SIGAP_APP_ID")


class SigapEnv(NamedTuple):
    """One private deployment on the shared broker; unpacks as ``settings, env = sigap_env``."""

    settings: Settings
    env: dict[str, str]  # os.environ plus this deployment's SIGAP_* values, for subprocesses

    @property
    def prefix(self) -> str:
        return self.settings.topic_prefix


@contextmanager
def private_deployment(name: str, *, create_topics: bool, env: dict[str, str] | None = None) -> Iterator[SigapEnv]:
    """Topic prefix ``<name>-<token>.`` and app id ``sigap-<name>-<token>``; ``env``: more SIGAP_* values for
    the deployment's subprocesses."""
    from streams import kafka_local

    token = uuid.uuid4().hex[:8]
    overrides = {**dict(zip(PRIVATE_VARIABLES, (f"{name}-{token}.", f"sigap-{name}-{token}"))), **(env or {})}
    settings = Settings(topic_prefix=overrides["SIGAP_TOPIC_PREFIX"], app_id=overrides["SIGAP_APP_ID"])
    try:
        if create_topics:
            kafka_local.create_topics(settings)
        yield SigapEnv(settings=settings, env={**os.environ, **overrides})
    finally:
        kafka_local.delete_topics_with_prefix(settings, settings.topic_prefix)
        kafka_local.delete_topics_with_prefix(settings, f"{settings.app_id}-")  # Faust changelogs, repartitions
