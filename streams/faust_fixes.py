"""A fix to faust-streaming's acknowledgement path that at-least-once delivery depends on.

When flow control is suspended (the worker is stopping or a rebalance is under way) or a message belongs to an
older consumer generation, Faust's stream *skips* the messages already fetched — and acknowledges them as if
they had been processed. The next commit then moves the offset past posts that no agent ever saw: a stopped
worker lost up to a few thousand posts in Sigap's restart test. Here such an acknowledgement releases the message
(so rebalances do not wait for it) without marking its offset done, so it is read again.

Faust's Cython stream iterator inlines `Consumer.ack`, so the fix also routes streams through the pure-Python
iterator, whose acknowledgements go through `Consumer.ack`.

Second, Faust treats any jump between the last offset it read and the next one it fetches as a "gap" (offsets a
compacted topic no longer has) and commits over it as if those offsets were done. After a rebalance or a seek
the fetcher can jump over offsets that were fetched but never processed, and a worker then committed past
them (a rebalance test lost a dozen posts). Sigap's input topics are neither compacted nor transactional, so
their offsets have no holes: no gap is ever recorded, and the commit waits for every offset to be acknowledged.

Applied once, on import of the app; checked by `tests/integration/test_scoring_worker.py` (stop, kill, restart).
"""

from __future__ import annotations

import logging

import faust.streams
from faust.transport.consumer import Consumer
from faust.types.tuples import Message, ack_lock
from mode.utils.futures import notify

log = logging.getLogger(__name__)

_original_ack = Consumer.ack


def _processing_is_current(consumer: Consumer, message: Message) -> bool:
    app = consumer.app
    return app.flow_control.is_active() and message.generation_id == app.consumer_generation_id


def ack_only_processed(self: Consumer, message: Message) -> bool:
    if _processing_is_current(self, message):
        return _original_ack(self, message)
    with ack_lock:
        if not message.acked:
            message.acked = True
            self._unacked_messages.discard(message)
            notify(self._waiting_for_ack)
    return False


async def record_no_gap(self: Consumer, tp, offset_from: int, offset_to: int) -> None:
    log.debug("not treating offsets %d..%d of %s as done: they were fetched over, not processed",
              offset_from, offset_to, tp)


def apply() -> None:
    faust.streams._CStreamIterator = None
    Consumer.ack = ack_only_processed
    Consumer._add_gap = record_no_gap
