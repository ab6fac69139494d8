"""agents.web: /health answers while the worker runs; /ready only once it can score (a rolling update waits on it)."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from aiohttp.test_utils import TestClient, TestServer

from agents import claims, web  # noqa: F401  (importing agents.web registers its pages)
from streams.app import app


@pytest.fixture(scope="module")
def get():
    """GET a path of the worker's web app: (status, JSON body). An aiohttp app is bound to one event loop."""
    app.web.init_server()
    loop = asyncio.new_event_loop()
    client = TestClient(TestServer(app.web.web_app), loop=loop)
    loop.run_until_complete(client.start_server())

    async def fetch(path: str) -> tuple[int, dict]:
        response = await client.get(path)
        return response.status, orjson.loads(await response.read())

    yield lambda path: loop.run_until_complete(fetch(path))
    loop.run_until_complete(client.close())
    loop.close()


def test_a_starting_worker_is_alive_but_not_ready_and_says_why(get, monkeypatch):
    monkeypatch.setattr(claims, "_scorer_ready", asyncio.Event())
    health_status, health = get("/health")
    ready_status, ready = get("/ready")
    assert (health_status, health["status"]) == (200, "ok")
    assert (ready_status, ready["status"], ready["scorer_ready"]) == (503, "starting", False)
    # Before the consumer thread starts there is no assignment to count; that is 0 partitions, not an error.
    assert ready["assigned_partitions"] == health["assigned_partitions"] == 0


def test_a_worker_whose_scorer_is_loaded_is_ready_even_without_partitions(get, monkeypatch):
    loaded = asyncio.Event()
    loaded.set()
    monkeypatch.setattr(claims, "_scorer_ready", loaded)
    status, body = get("/ready")
    assert (status, body["status"], body["scorer_ready"], body["assigned_partitions"]) == (200, "ready", True, 0)
