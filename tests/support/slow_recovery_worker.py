"""`sigap worker` whose recovery waits between seeking the stream partitions to their committed offsets and
resuming them, as a loaded machine may: the worker's first fetch after the seek then lands while every partition
is paused. Run as `python -m tests.support.slow_recovery_worker worker`."""

from __future__ import annotations

import asyncio
import sys

from faust.transport.consumer import Consumer

_perform_seek = Consumer.perform_seek
HOLD_SECONDS = 0.5


async def perform_seek_then_hold(self: Consumer) -> None:
    await _perform_seek(self)
    await asyncio.sleep(HOLD_SECONDS)


if __name__ == "__main__":
    Consumer.perform_seek = perform_seek_then_hold
    from streams.cli.main import main

    sys.exit(main())
