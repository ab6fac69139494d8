from types import SimpleNamespace

from streams import faust_fixes


class _FlowControl:
    def __init__(self, active: bool) -> None:
        self.active = active

    def is_active(self) -> bool:
        return self.active


def _consumer(active: bool, generation: int) -> SimpleNamespace:
    app = SimpleNamespace(flow_control=_FlowControl(active), consumer_generation_id=generation)
    return SimpleNamespace(app=app, _unacked_messages=set(), _waiting_for_ack=None)


class _Message(SimpleNamespace):
    __hash__ = object.__hash__


def _message(generation: int) -> _Message:
    return _Message(generation_id=generation, acked=False, offset=7, tp=("posts", 0))


def test_a_message_skipped_while_stopping_is_released_but_never_counted_as_done(monkeypatch):
    counted = []
    monkeypatch.setattr(faust_fixes, "_original_ack", lambda consumer, message: counted.append(message) or True)
    consumer, message = _consumer(active=False, generation=3), _message(generation=3)
    consumer._unacked_messages = {message}
    assert faust_fixes.ack_only_processed(consumer, message) is False
    assert message.acked and counted == []
    assert message not in consumer._unacked_messages  # a rebalance does not wait for it


def test_a_message_of_an_older_generation_is_not_counted(monkeypatch):
    counted = []
    monkeypatch.setattr(faust_fixes, "_original_ack", lambda consumer, message: counted.append(message) or True)
    assert faust_fixes.ack_only_processed(_consumer(active=True, generation=4), _message(generation=3)) is False
    assert counted == []


def test_a_processed_message_is_acknowledged_as_usual(monkeypatch):
    counted = []
    monkeypatch.setattr(faust_fixes, "_original_ack", lambda consumer, message: counted.append(message) or True)
    message = _message(generation=4)
    assert faust_fixes.ack_only_processed(_consumer(active=True, generation=4), message) is True
    assert counted == [message]


def test_the_app_installs_the_fix():
    import streams.app  # noqa: F401 - importing the app applies it
    from faust.transport.consumer import Consumer

    assert Consumer.ack is faust_fixes.ack_only_processed
    assert Consumer._add_gap is faust_fixes.record_no_gap  # no offset counts as done without being processed
    import faust.streams

    assert faust.streams._CStreamIterator is None  # the Cython iterator would bypass Consumer.ack
