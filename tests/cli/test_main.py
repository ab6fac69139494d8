"""The command line's last line of defence: a broker it cannot reach or that refuses access ends the command
with one line naming the cause, not a traceback."""

from __future__ import annotations

import logging
import os

import pytest
from kafka import errors as kafka_errors

from streams.cli import main as cli_main
from streams.settings import get_settings


@pytest.fixture
def command(monkeypatch):
    """`sigap claims list`, with its work replaced by the given callable."""
    return lambda work: monkeypatch.setattr("streams.cli.claims.run_list", work)


@pytest.fixture
def settings_from_env():
    """``get_settings()`` re-read from this test's environment, and again after it."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_an_unreachable_broker_ends_with_the_cause_and_the_setting_to_check(command, caplog, monkeypatch,
                                                                           settings_from_env):
    monkeypatch.setenv("SIGAP_BROKER", "kafka://broker.example:9093")
    monkeypatch.setenv("SIGAP_BROKER_USERNAME", "humas")
    monkeypatch.setenv("SIGAP_BROKER_PASSWORD", "salah")

    def bootstrap_fails(args):
        logging.getLogger("kafka.net.manager").warning(
            "Bootstrap connection to %s failed: %s (backoff %.2f secs)", "bootstrap-0",
            kafka_errors.SaslAuthenticationFailedError("Authentication failed: Invalid username or password"), 0.1)
        raise kafka_errors.KafkaTimeoutError("Unable to bootstrap from ['broker.example:9093']")

    command(bootstrap_fails)
    assert cli_main.main(["claims", "list"]) == cli_main.EXIT_BROKER
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors == ["could not reach the Kafka broker at broker.example:9093 (SASL_PLAINTEXT): the broker refused "
                      "the credentials: check SIGAP_BROKER_USERNAME, SIGAP_BROKER_PASSWORD and "
                      "SIGAP_BROKER_SASL_MECHANISM [[Error 58] SaslAuthenticationFailedError: Authentication failed: "
                      "Invalid username or password]"]


def test_refused_access_names_acls(command, caplog):
    def denied(args):
        raise kafka_errors.TopicAuthorizationFailedError()

    command(denied)
    assert cli_main.main(["claims", "list"]) == cli_main.EXIT_BROKER
    assert "needs ACLs" in caplog.text and "TopicAuthorizationFailedError" in caplog.text


def test_other_timeouts_are_not_mistaken_for_an_unreachable_broker(command):
    def slow(args):
        raise kafka_errors.KafkaTimeoutError("Failed to update metadata after 60.0 secs.")

    command(slow)
    with pytest.raises(kafka_errors.KafkaTimeoutError):
        cli_main.main(["claims", "list"])


def test_a_file_that_cannot_be_read_ends_the_command_with_its_name_and_why(tmp_path, caplog):
    missing = tmp_path / "posts.jsonl"
    with caplog.at_level(logging.ERROR, logger="sigap"):
        code = cli_main.main(["score", "--input", str(missing), "--output", str(tmp_path / "out.jsonl")])
    assert code == cli_main.EXIT_NO_INPUT
    assert f"cannot use {missing}: No such file or directory" in caplog.text


def test_a_socket_error_is_not_taken_for_a_file_error(command):
    def refused(args):
        raise ConnectionRefusedError(111, "Connection refused")

    command(refused)
    with pytest.raises(ConnectionRefusedError):
        cli_main.main(["claims", "list"])


@pytest.mark.parametrize("value", ["0", "-1", "lima"])
def test_a_batch_size_that_is_not_a_positive_number_is_refused_before_any_work(value, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli_main.main(["score", "--input", "in.jsonl", "--output", "out.jsonl", "--batch-size", value])
    assert stopped.value.code == 2 and "--batch-size" in capsys.readouterr().err


def test_a_reader_that_goes_away_ends_the_command_quietly_not_with_a_traceback():
    """Found by QA: `sigap issues --json | head` ended in a BrokenPipeError traceback."""
    import subprocess
    import sys

    from streams.settings import REPO_ROOT

    child = subprocess.Popen([sys.executable, "-m", "streams.cli.main", "replay", "--list"], cwd=REPO_ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    child.stdout.close()  # before the command has written anything: its first write finds no reader
    stderr = child.stderr.read().decode()
    assert child.wait(timeout=60) == 141 and "Traceback" not in stderr, stderr


def test_an_interrupt_that_reaches_the_command_line_ends_it_quietly(monkeypatch, capsys):
    """Found by QA: `timeout` signals a command and then its process group, and the second interrupt, landing while
    `sigap tail` or `sigap notify` closed its consumer after the first, ended in a traceback."""
    import streams.cli.replay as replay

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(replay, "run", interrupted)
    assert cli_main.main(["replay", "--list"]) == 130


def test_a_worker_that_cannot_reach_the_broker_ends_with_the_cause_not_a_traceback(tmp_path):
    """Found by QA: `sigap worker` gave up within seconds with aiokafka's traceback, while every other command
    waits for the broker and names the cause."""
    import socket

    with socket.socket() as probe, socket.socket() as web:  # ports nothing listens on
        probe.bind(("127.0.0.1", 0))
        web.bind(("127.0.0.1", 0))
        port, web_port = probe.getsockname()[1], web.getsockname()[1]
    code, stderr = _worker(tmp_path, SIGAP_BROKER=f"kafka://127.0.0.1:{port}", SIGAP_BROKER_WAIT_SECONDS="2",
                           SIGAP_WEB_PORT=str(web_port))
    assert code == cli_main.EXIT_BROKER and "Traceback" not in stderr, stderr
    assert f"could not reach the Kafka broker at 127.0.0.1:{port} (PLAINTEXT): nothing listens there" in stderr


def test_a_metadata_request_cancelled_at_close_is_not_reported_as_an_error_but_real_failures_are():
    """Found by QA: `ERROR kafka.cluster: Metadata refresh: failed Cancelled` on 1 of 5 `sigap report` runs, whose
    output was whole: the client closed while a refresh was in flight."""
    import logging

    from kafka.errors import Cancelled, KafkaConnectionError

    from streams.cli.main import _not_cancelled_at_close

    def record(error: Exception) -> logging.LogRecord:
        return logging.LogRecord("kafka.cluster", logging.ERROR, "cluster.py", 175, "Metadata refresh: failed %s",
                                 (error,), None)

    assert not _not_cancelled_at_close(record(Cancelled()))
    assert _not_cancelled_at_close(record(KafkaConnectionError("reset")))


def test_a_worker_without_trained_models_ends_with_one_line_before_it_joins(tmp_path):
    """Found by QA: the models' absence was told amid ~190 lines of the worker's start-up log."""
    code, stderr = _worker(tmp_path, SIGAP_MODELS_DIR=str(tmp_path / "none"))
    assert code == 1 and stderr.strip().count("\n") == 0, stderr
    assert f"sigap worker: not started: no trained models in {tmp_path / 'none'}" in stderr


def test_damaged_models_end_the_worker_in_one_line_naming_the_file(tmp_path):
    """Found by QA: a changed bundle.json or a missing bundle.npz still stopped the worker amid its start-up log,
    and the missing file was called "manifest.json"."""
    import shutil

    from streams.settings import get_settings

    for damage, said in (("bundle.npz", "(bundle.npz missing)"), ("bundle.json", "does not match the SHA-256")):
        models = tmp_path / damage
        shutil.copytree(get_settings().models_dir, models)
        if damage == "bundle.npz":
            (models / damage).unlink()
        else:
            (models / damage).write_bytes((models / damage).read_bytes() + b" ")
        code, stderr = _worker(tmp_path, SIGAP_MODELS_DIR=str(models))
        assert code == 1 and stderr.strip().count("\n") == 0 and said in stderr, stderr


@pytest.mark.parametrize("policy", ["rules: [\n", None])
def test_a_worker_with_an_unusable_policy_does_not_start(policy, tmp_path):
    """Found by QA: with a broken or missing policy file the issue agent failed to import, Faust logged a warning
    and the worker ran on, answering /ready, scoring posts and escalating nothing. It ends before it joins."""
    path = tmp_path / "policy.yaml"
    if policy is not None:
        path.write_text(policy)
    code, stderr = _worker(tmp_path, SIGAP_POLICY_PATH=str(path))  # read before the broker is asked
    assert code == 1 and "Traceback" not in stderr, stderr
    assert "not started, the escalation policy (SIGAP_POLICY_PATH) is unusable" in stderr
    assert ("not valid YAML" if policy else "cannot read the file") in stderr


def test_an_agent_module_that_fails_to_import_stops_the_app_instead_of_a_warning(tmp_path, monkeypatch):
    from streams.app import SigapApp

    package = tmp_path / "brokenagents"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "issues.py").write_text("raise ValueError('policy unusable')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    app = SigapApp("sigap-test-discovery", autodiscover=["brokenagents"], datadir=str(tmp_path / "data"))
    with pytest.raises(RuntimeError, match="'brokenagents.issues' failed to import"):
        app.discover()


@pytest.mark.parametrize(("variable", "value", "said"), [
    ("SIGAP_BATCH_SIZE", "-5", "SIGAP_BATCH_SIZE: Input should be greater than or equal to 1 (given: '-5')"),
    ("SIGAP_LOG_LEVEL", "LOUD", "SIGAP_LOG_LEVEL: Input should be 'DEBUG', 'INFO', 'WARNING', 'ERROR' or 'CRITICAL'"),
    ("SIGAP_WEB_PORT", "99999", "SIGAP_WEB_PORT: Input should be less than or equal to 65535"),
])
def test_a_setting_sigap_cannot_use_is_named_in_one_line_before_any_work(variable, value, said, monkeypatch, caplog):
    """Found by QA: a bad SIGAP_* value ended every command with a pydantic traceback naming the field."""
    from streams.settings import get_settings

    monkeypatch.setenv(variable, value)
    get_settings.cache_clear()
    try:
        code = cli_main.main(["dlq", "list", "--reason", "invalid_json"])
    finally:
        get_settings.cache_clear()
    assert code == cli_main.EXIT_SETTINGS
    (error,) = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert error.startswith(said)


def _worker(tmp_path, **variables: str) -> tuple[int, str]:
    """`sigap worker` in a subprocess with these SIGAP_* variables (its data under ``tmp_path``, a broker address
    nothing answers unless given): (exit status, stderr)."""
    from tests.support.cli import sigap

    env = {**os.environ, "SIGAP_DATA_DIR": str(tmp_path), "SIGAP_BROKER": "kafka://127.0.0.1:9", **variables}
    result = sigap(env, "worker")
    return result.returncode, result.stderr
