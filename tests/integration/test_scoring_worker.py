"""End to end against the real broker: posts in, scored posts and dead letters out, across a restart."""

from __future__ import annotations

import base64
import re
import signal
import time
from collections import Counter

import orjson
import pytest

from tests.support.cli import sigap
from tests.support.kafka import group_offsets, produce, produce_compressed, produce_posts, read_all, read_until, values
from tests.support.posts import make_posts
from tests.support.worker import WorkerProcess, metric_sum

pytestmark = pytest.mark.kafka


def _assert_valid_scores(scored: dict) -> None:
    scores = scored["scores"]
    assert 0.0 <= scores["hoax"]["probability"] <= 1.0
    assert scores["hoax"]["label"] in {"hoax", "valid"}
    assert scores["sentiment"]["label"] in {"negative", "neutral", "positive"}
    assert abs(sum(scores["sentiment"]["probabilities"].values()) - 1.0) < 0.01
    assert scores["hoax"]["model"] and scores["sentiment"]["model"]
    assert scores["issue_id"]
    assert scores["claim_match"] is None or 0.0 <= scores["claim_match"]["similarity"] <= 1.0


def test_a_thousand_posts_yield_exactly_a_thousand_scored_posts(sigap_env, tmp_path):
    settings, env = sigap_env
    posts = make_posts(1000, seed=1)
    for post in posts[::100]:  # ten posts in English: scored, marked with their language, not judged for hoax
        post["text"] = "Good morning everyone, have a nice day at work"
    # however the producers compress their batches (Kafka Connect, Java and librdkafka clients often use lz4 or
    # zstd; without the codecs neither client could read such a batch)
    produce_posts(settings, posts[:200])
    for i, codec in enumerate(("gzip", "snappy", "lz4", "zstd"), 1):
        produce_compressed(settings, "posts", ((p["id"].encode(), orjson.dumps(p)) for p in posts[200 * i:200 * i + 200]),
                           codec)
    assert len(read_all(settings, "posts")) == 1000  # and the command-line tools' client reads them too
    with WorkerProcess(env, tmp_path / "worker.log") as worker:
        worker.wait_ready()
        records = read_until(settings, "posts.scored", lambda rs: len(rs) >= 1000, timeout=120)
        metrics = worker.metrics_when(r"^sigap_posts_scored_total 1000\.0$")
    scored = values(records)
    assert len(scored) == 1000, f"{len(scored)} scored posts"
    assert {s["id"] for s in scored} == {p["id"] for p in posts}
    assert all(record.key == orjson.loads(record.value)["id"].encode() for record in records)
    by_id = {p["id"]: p for p in posts}
    for item in scored:
        _assert_valid_scores(item)
        assert {k: v for k, v in item.items() if k != "scores"} == by_id[item["id"]]  # the post passes unchanged
    assert re.search(r"^sigap_posts_scored_total 1000\.0$", metrics, re.M)
    labelled = {(m["model"], m["label"]): float(m["n"]) for m in re.finditer(
        r'^sigap_posts_labelled_total\{label="(?P<label>\w+)",model="(?P<model>\w+)"\} (?P<n>[\d.]+)$', metrics, re.M)}
    assert labelled[("hoax", "hoax")] == sum(s["scores"]["hoax"]["label"] == "hoax" for s in scored)
    assert labelled[("sentiment", "neutral")] == sum(s["scores"]["sentiment"]["label"] == "neutral" for s in scored)
    english = [s for s in scored if s["scores"]["language"] is not None]
    assert labelled[("language", "other")] == len(english) == 10
    assert all(s["scores"]["language"]["code"] == "en" and s["scores"]["hoax"]["label"] == "valid" for s in english)
    for model in ("hoax", "sentiment", "claim_match", "language"):
        assert sum(n for (m, _), n in labelled.items() if m == model) == 1000.0


def test_malformed_input_goes_to_the_dead_letter_topic_and_neighbours_are_scored(sigap_env, tmp_path):
    """... and `sigap dlq` lists it, hands back an original to fix and `sigap replay`, and re-sends originals."""
    settings, env = sigap_env
    posts = make_posts(20, seed=2, prefix="ok")
    bad = [
        (b"bad-json", b"{not json"),
        (b"bad-utf8", b"\xff\xfe\xfd"),
        (b"missing-text", orjson.dumps({k: v for k, v in posts[0].items() if k != "text"} | {"id": "m1"})),
        (b"bad-platform", orjson.dumps(posts[1] | {"id": "m2", "platform": "friendster"})),
        (b"from-2062", orjson.dumps(posts[2] | {"id": "m3", "created_at": "2062-11-27T00:00:00Z"})),
        (b"tombstone", None),
    ]
    items = [(p["id"].encode(), orjson.dumps(p)) for p in posts[:10]] + bad + [
        (p["id"].encode(), orjson.dumps(p)) for p in posts[10:]]
    produce(settings, "posts", items)
    with WorkerProcess(env, tmp_path / "worker.log") as worker:
        worker.wait_ready()
        dlq = read_until(settings, "posts.dlq", lambda rs: len(rs) >= len(bad), timeout=90)
        scored = values(read_until(settings, "posts.scored", lambda rs: len(rs) >= len(posts), timeout=60))
        metrics = worker.metrics_when(r'^sigap_posts_invalid_total\{reason="invalid_json"\} 1\.0$')
        listed = sigap(env, "dlq", "list")
        # the runbook's repair path: the original of one reason, fixed, sent back, scored
        fixable = sigap(env, "dlq", "list", "--reason", "missing_field", "--originals")
        fixed = orjson.loads(fixable.stdout) | {"text": "Air PDAM mati lagi sejak pagi, warga kesal"}
        (tmp_path / "fixed.jsonl").write_bytes(orjson.dumps(fixed) + b"\n")
        assert sigap(env, "replay", str(tmp_path / "fixed.jsonl")).returncode == 0
        rescored = read_until(settings, "posts.scored", lambda rs: b"m1" in {r.key for r in rs}, timeout=60)
        # re-sent unchanged: the worker dead-letters them again, byte for byte the same originals
        redrive = sigap(env, "dlq", "redrive", "--reason", "invalid_json", "--reason", "not_utf8",
                        "--reason", "empty_value")
        again = read_until(settings, "posts.dlq", lambda rs: len(rs) >= len(bad) + 2, timeout=60)
        # found by QA: each redrive re-sent every letter of its reasons again, the copies the last one made included
        # (1, 2, 4, 8 ... copies); now only the letters that came back since
        second = sigap(env, "dlq", "redrive", "--reason", "invalid_json", "--reason", "not_utf8",
                       "--reason", "empty_value")
        read_until(settings, "posts.dlq", lambda rs: len(rs) >= len(bad) + 4, timeout=60)
    assert second.returncode == 0 and "re-sent 2 of 2 selected records" in second.stderr, second.stderr
    assert "3 selected records were re-sent or passed over by an earlier redrive" in second.stderr
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == len(bad)
    assert "6 of 6 dead-letter records: " in listed.stderr and "invalid_json 1" in listed.stderr
    assert fixable.returncode == 0 and len(fixable.stdout.splitlines()) == 1, fixable.stderr
    assert "m1" in {orjson.loads(r.value)["id"] for r in rescored if r.value}
    assert redrive.returncode == 0 and "re-sent 2 of 3 selected records" in redrive.stderr, redrive.stderr
    assert "tombstone" in redrive.stderr
    repeated = Counter(r.key for r in again)
    assert repeated[b"bad-json"] == repeated[b"bad-utf8"] == 2 and repeated[b"tombstone"] == 1
    originals = {}
    for record in again:
        originals.setdefault(record.key, set()).add(orjson.loads(record.value)["original"])
    assert originals[b"bad-utf8"] == {base64.b64encode(b"\xff\xfe\xfd").decode()}
    assert originals[b"bad-json"] == {"{not json"}
    assert {s["id"] for s in scored} == {p["id"] for p in posts}
    letters = {record.key: orjson.loads(record.value) for record in dlq}
    assert {key: letter["error"] for key, letter in letters.items()} == {
        b"bad-json": "invalid_json", b"bad-utf8": "not_utf8", b"missing-text": "missing_field",
        b"bad-platform": "invalid_field", b"from-2062": "created_in_future", b"tombstone": "empty_value",
    }
    for letter in letters.values():
        assert letter["topic"] == f"{settings.topic_prefix}posts"
        assert isinstance(letter["partition"], int) and isinstance(letter["offset"], int)
        assert letter["detail"] and letter["received_at"]
    assert letters[b"bad-json"]["original"] == "{not json"
    assert re.search(r'^sigap_posts_invalid_total\{reason="invalid_json"\} 1\.0$', metrics, re.M)


def _interrupt_and_resume(settings, env, log, posts, sig: int, after_scored: int,
                          second_module: str = "streams.cli.main") -> tuple[int, Counter]:
    """Stop a worker with `sig` once `after_scored` posts are out, start another (`python -m second_module`); (exit
    code, times each id was scored)."""
    produce_posts(settings, posts)
    first = WorkerProcess(env, log).start()
    first.wait_ready()
    while len(read_all(settings, "posts.scored")) < after_scored:
        time.sleep(0.2)
    code = first.stop(sig)
    assert len(read_all(settings, "posts.scored")) < len(posts), "the worker finished first; the test proves nothing"
    with WorkerProcess(env, log, module=second_module) as second:
        second.wait_ready()
        records = read_until(settings, "posts.scored", lambda rs: len({r.key for r in rs}) >= len(posts),
                             timeout=120)
    counts = Counter(record.key for record in records)
    missing = {p["id"].encode() for p in posts} - set(counts)
    assert not missing, f"{len(missing)} posts lost across the restart, e.g. {sorted(missing)[:5]}"
    return code, counts


def test_a_stopped_worker_resumes_from_committed_offsets(sigap_env, tmp_path):
    settings, env = sigap_env
    batch = int(env.get("SIGAP_BATCH_SIZE", 500))
    code, counts = _interrupt_and_resume(settings, env, tmp_path / "worker.log", make_posts(4000, seed=3),
                                         signal.SIGTERM, after_scored=800)
    assert code == 0, "the worker did not stop cleanly"
    rescored = sum(n - 1 for n in counts.values())
    assert rescored <= batch, f"{rescored} posts scored twice; at most the in-flight batch ({batch}) may be"


def test_a_killed_worker_loses_nothing(sigap_env, tmp_path):
    settings, env = sigap_env
    # the next worker's recovery slowed after its seek, which made it drop what it fetched meanwhile (fix 6)
    _interrupt_and_resume(settings, env, tmp_path / "worker.log", make_posts(4000, seed=4),
                          signal.SIGKILL, after_scored=500, second_module="tests.support.slow_recovery_worker")


def test_deployments_with_different_prefixes_never_see_each_other(sigap_env, other_sigap_env, tmp_path):
    settings, env = sigap_env
    other_settings, _ = other_sigap_env
    mine, theirs = make_posts(30, seed=5, prefix="mine"), make_posts(30, seed=6, prefix="theirs")
    produce_posts(other_settings, theirs)
    produce_posts(settings, mine)
    with WorkerProcess(env, tmp_path / "worker.log") as worker:
        worker.wait_ready()
        read_until(settings, "posts.scored", lambda rs: len(rs) >= 30, timeout=60)
        time.sleep(2)
        scored = values(read_all(settings, "posts.scored"))
    assert {s["id"] for s in scored} == {p["id"] for p in mine}
    assert read_all(other_settings, "posts.scored") == []


def test_a_rebalance_mid_stream_loses_nothing(sigap_env, tmp_path):
    settings, env = sigap_env
    posts = make_posts(6000, seed=8)
    produce_posts(settings, posts)
    with WorkerProcess(env, tmp_path / "a.log") as first:
        first.wait_ready()
        while len(read_all(settings, "posts.scored")) < 1000:
            time.sleep(0.2)
        with WorkerProcess(env, tmp_path / "b.log") as second:  # joining moves half the partitions to it
            assert len(read_all(settings, "posts.scored")) < len(posts), "finished before the rebalance"
            second.wait_ready()
            records = read_until(settings, "posts.scored", lambda rs: len({r.key for r in rs}) >= len(posts),
                                 timeout=120)
            assert first.health()["assigned_partitions"] > 0 and second.health()["assigned_partitions"] > 0
    missing = {p["id"].encode() for p in posts} - {record.key for record in records}
    assert not missing, f"{len(missing)} posts lost across the rebalance, e.g. {sorted(missing)[:5]}"


def _offsets_once_committed(settings, timeout: float = 30.0) -> dict:
    """`group_offsets` of the posts once every partition's commit has reached its end, or as they are at the timeout."""
    deadline = time.monotonic() + timeout
    offsets = group_offsets(settings, "posts")
    while time.monotonic() < deadline and any(committed != end for committed, end in offsets.values()):
        time.sleep(0.5)
        offsets = group_offsets(settings, "posts")
    return offsets


def test_posts_deleted_before_the_worker_read_them_do_not_stop_its_commits(sigap_env, tmp_path):
    """Retention (or delete-records) removed posts the stopped worker had not read yet: the next worker starts at
    the log's first offset, scores what is left, and commits it, instead of waiting forever for the deleted ones
    (and reading the whole log again at every restart)."""
    from kafka import KafkaAdminClient

    settings, env = sigap_env
    produce_posts(settings, make_posts(160, seed=11, prefix="read"))
    with WorkerProcess(env, tmp_path / "first.log") as worker:
        worker.wait_ready()
        read_until(settings, "posts.scored", lambda rs: len(rs) >= 160, timeout=90)
        before = _offsets_once_committed(settings)  # a batch acknowledged after the stop began is read again
    assert all(committed == end for committed, end in before.values()), before
    produce_posts(settings, make_posts(480, seed=12, prefix="unread"))
    delete_to = {tp: committed + (end - committed) // 2 for tp, (committed, end) in group_offsets(settings, "posts").items()}
    admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
    try:
        admin.delete_records(delete_to)
    finally:
        admin.close()
    survivors = {record.key for record in read_all(settings, "posts") if record.key.startswith(b"unread")}
    assert 0 < len(survivors) < 480
    # Recovery slowed between its seek and resuming the streams: the fetch after the seek (out of range, reset)
    # then lands while every partition is paused, which made a worker drop what it fetched (fix 6).
    with WorkerProcess(env, tmp_path / "second.log", module="tests.support.slow_recovery_worker") as worker:
        worker.wait_ready()
        scored = read_until(settings, "posts.scored", lambda rs: survivors <= {r.key for r in rs}, timeout=60)
        _offsets_once_committed(settings)
        metrics = worker.metrics()
    assert survivors <= {record.key for record in scored}
    deleted = sum(delete_to[tp] - committed for tp, (committed, _) in before.items())
    counted = metric_sum(metrics, f'sigap_input_records_deleted_unread_total{{topic="{settings.topic_prefix}posts"}} ')
    assert counted == deleted == 480 - len(survivors)  # counted, never silent
    after = group_offsets(settings, "posts")
    assert all(committed == end for committed, end in after.values()), f"commits stopped: {after}"


def test_an_input_whose_output_would_be_too_large_for_a_record_is_dead_lettered_and_the_worker_goes_on(
        sigap_env, tmp_path):
    """Both inputs fit the posts topic, but their outputs did not fit a record: the dead letter of 900 KB that is
    not UTF-8 (base64: 1.2 MB), and the scored post of a valid post with a large unknown field. The broker refused
    the output, the worker exited without acknowledging the batch (as it must when a delivery fails), read the
    same input again after its restart, and exited again: one such post stopped scoring for good."""
    from streams.topics import RECORD_MAX_BYTES

    settings, env = sigap_env
    posts = make_posts(10, seed=4, prefix="ok")
    large_post = posts[0] | {"id": "besar", "lampiran": "x" * (RECORD_MAX_BYTES - 400)}
    items = [(p["id"].encode(), orjson.dumps(p)) for p in posts[1:5]] + [
        (b"biner", b"\xff" * 900_000), (b"besar", orjson.dumps(large_post))] + [
        (p["id"].encode(), orjson.dumps(p)) for p in posts[5:]]
    produce(settings, "posts", items)
    with WorkerProcess(env, tmp_path / "worker.log") as worker:
        worker.wait_ready()
        dlq = read_until(settings, "posts.dlq", lambda rs: len(rs) >= 2, timeout=90)
        scored = values(read_until(settings, "posts.scored", lambda rs: len(rs) >= len(posts) - 1, timeout=60))
        metrics = worker.metrics_when(r'^sigap_posts_invalid_total\{reason="too_large"\} 1\.0$')
        assert worker.process.poll() is None, worker.log_tail()
    letters = {record.key: orjson.loads(record.value) for record in dlq}
    assert letters[b"biner"]["error"] == "not_utf8" and letters[b"biner"]["original_cut"] is True
    assert letters[b"biner"]["original_bytes"] == 900_000
    assert base64.b64decode(letters[b"biner"]["original"]) == b"\xff" * 100_000
    assert letters[b"besar"]["error"] == "too_large" and letters[b"besar"]["original_cut"] is True
    assert letters[b"besar"]["original"] == orjson.dumps(large_post).decode()[:100_000]
    assert {s["id"] for s in scored} == {p["id"] for p in posts[1:]}
    assert re.search(r'^sigap_posts_invalid_total\{reason="not_utf8"\} 1\.0$', metrics, re.M)
