"""Loading, validating and hot-reloading escalation policy files."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

import yaml
from pydantic import ValidationError

from streams.policy.model import Policy

log = logging.getLogger(__name__)

DEFAULT_POLICY_PATH = Path(__file__).resolve().parent / "default_policy.yaml"


class PolicyError(ValueError):
    """A policy file that cannot be used; the message names the file and every bad field."""

    def __init__(self, path: str | os.PathLike | None, problems: list[str]) -> None:
        self.path = str(path) if path is not None else "<policy>"
        self.problems = problems
        super().__init__(f"invalid escalation policy {self.path}:\n" + "\n".join(f"  - {p}" for p in problems))


def _location(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _describe(exc: ValidationError, data: dict) -> list[str]:
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(error.get("loc", ()))
        where = _location(loc)
        # Name the rule, not only its index, when the error is inside one.
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            rules = data.get("rules") if isinstance(data, dict) else None
            if isinstance(rules, list) and loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
                name = rules[loc[1]].get("name")
                if name:
                    where += f" (rule {name!r})"
        message = error.get("msg", "invalid")
        if message.startswith("Value error, "):
            message = message[len("Value error, "):]
        if error.get("type") == "extra_forbidden":
            message = "unknown field"
        problems.append(f"{where}: {message}")
    return problems


def parse_policy(data: object, path: str | os.PathLike | None = None) -> Policy:
    """Validate an already-parsed policy document."""
    if not isinstance(data, dict):
        raise PolicyError(path, [f"(top level): expected a mapping, got {type(data).__name__}"])
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(path, _describe(exc, data)) from None


def load_policy(path: str | os.PathLike | None = None) -> Policy:
    """Read and validate a policy YAML file (default: the shipped ``default_policy.yaml``)."""
    path = Path(path) if path is not None else DEFAULT_POLICY_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(path, [f"cannot read the file: {exc.strerror or exc}"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "(YAML)"
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyError(path, [f"{where}: not valid YAML: {problem}"]) from None
    return parse_policy(data, path)


class PolicySource:
    """The current policy of a file, re-read when the file's modification time (or size) changes.

    ``current()`` is cheap: it looks at the file at most every ``check_interval`` seconds. A new version that
    does not validate is logged with the reasons and ignored; the last good policy stays in force. The first load
    must succeed (a worker must not start without a valid policy).
    """

    def __init__(self, path: str | os.PathLike | None = None, check_interval: float = 1.0) -> None:
        self.path = Path(path) if path is not None else DEFAULT_POLICY_PATH
        self.check_interval = check_interval
        self._lock = threading.Lock()
        self._stamp = self._file_stamp()
        self._policy = load_policy(self.path)
        self._checked_at = time.monotonic()
        self.reloads = 0
        self.rejected = 0
        self.last_error: str | None = None  # why the file on disk is not the policy in force, if it is not
        log.info("escalation policy %r (%s) loaded from %s", self._policy.name, self._policy.fingerprint, self.path)

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size

    def current(self) -> Policy:
        now = time.monotonic()
        if now - self._checked_at < self.check_interval:
            return self._policy
        with self._lock:
            self._checked_at = now
            stamp = self._file_stamp()
            if stamp == self._stamp:
                return self._policy
            self._stamp = stamp
            if stamp is None:
                self.last_error = f"{self.path}: the file is gone"
                log.warning("keeping policy %r (%s): the policy file %s is gone", self._policy.name,
                            self._policy.fingerprint, self.path)
                return self._policy
            try:
                policy = load_policy(self.path)
            except PolicyError as exc:
                self.rejected += 1
                self.last_error = str(exc)
                log.error("keeping policy %r (%s): the changed file is invalid: %s",
                          self._policy.name, self._policy.fingerprint, exc)
                return self._policy
            if policy.fingerprint != self._policy.fingerprint:
                log.info("escalation policy reloaded from %s: %r (%s) -> %r (%s)", self.path, self._policy.name,
                         self._policy.fingerprint, policy.name, policy.fingerprint)
                self.reloads += 1
            self._policy = policy
            self.last_error = None
            return self._policy


class StaticPolicySource:
    """A fixed policy behind the same interface (tests, ``sigap simulate`` with an in-memory policy)."""

    def __init__(self, policy: Policy) -> None:
        self._policy = policy

    def current(self) -> Policy:
        return self._policy


def as_policy_source(source: object) -> PolicySource | StaticPolicySource:
    """Accept a source (anything with ``current()``), a :class:`Policy`, a path, or None (the default file)."""
    if hasattr(source, "current"):
        return source  # type: ignore[return-value]
    if isinstance(source, Policy):
        return StaticPolicySource(source)
    if source is None or isinstance(source, (str, os.PathLike)):
        return StaticPolicySource(load_policy(source))
    raise TypeError(f"expected a policy source, a Policy or a path, got {type(source).__name__}")
