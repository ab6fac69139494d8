"""Typed, frozen settings read from ``SIGAP_*`` environment variables.

Faust itself also reads un-prefixed variables such as ``BROKER_URL``; Sigap never relies on them, so every knob
an operator turns is documented here and in the README.
"""

from __future__ import annotations

import ssl
from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SIGAP_", frozen=True, extra="ignore")

    broker: str = Field("kafka://127.0.0.1:9092", description="Faust broker URL(s), comma separated")
    broker_username: str | None = Field(None, description="SASL username, if the broker needs one")
    broker_password: SecretStr | None = Field(None, description="SASL password, if the broker needs one")
    broker_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = Field(
        "PLAIN", description="SASL mechanism, with a username and password")
    broker_tls: bool = Field(False, description="connect to the broker over TLS")
    broker_ca_file: Path | None = Field(None, description="CA bundle that signed the broker's certificate (TLS)")
    app_id: str = Field("sigap", description="Faust app id: consumer group and changelog names")
    topic_prefix: str = Field("sigap.", description="prefix of every topic name")
    web_port: int = Field(6066, ge=0, le=65535)
    data_dir: Path = Field(REPO_ROOT / "var", description="worker state and local broker data")
    models_dir: Path = Field(PACKAGE_DIR / "models" / "artifacts", description="trained model artifacts")
    policy_path: Path = Field(PACKAGE_DIR / "policy" / "default_policy.yaml", description="escalation policy")
    posts_partitions: int = Field(8, ge=1)
    replication_factor: int = Field(1, ge=1, description="replication of topics Sigap creates")
    batch_size: int = Field(500, ge=1, description="posts per scoring batch")
    batch_within_seconds: float = Field(0.2, gt=0, description="longest wait to fill a batch")
    producer_linger_seconds: float = Field(
        0.02, ge=0, le=1.0, description="how long the worker's producer holds a partition's records before sending "
                                        "them: fewer, larger produce requests, each record up to this much later"
    )
    broker_wait_seconds: float = Field(
        30.0, ge=0, description="how long a starting worker waits for the broker to answer before it ends, naming the "
                                "cause (in Kubernetes the pod is then restarted)"
    )
    session_timeout_seconds: float = Field(
        30.0, ge=6, description="a worker that stops heart-beating loses its partitions after this long"
    )
    max_clock_skew_seconds: float = Field(
        600.0, ge=0, description="a post created more than this far ahead of the worker's clock is dead-lettered "
                                 "(created_in_future): event time cannot run ahead of the wall clock"
    )
    issue_lists: Literal["chunked", "whole"] = Field(
        "chunked", description="how the issue engine writes its lists of issue ids in the issue-clock table; `whole` "
                               "(as releases before chunked lists did) while a rolling upgrade from such a release "
                               "runs, then `chunked` (streams.issues.idlists)")
    hold_posts: bool = Field(
        True, description="the issue engine holds a post made after its issue's idle deadline until no post before "
                          "the deadline can come; false (as releases before held posts did: the post closes the "
                          "issue on arrival) while a rolling upgrade from such a release runs")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    notify_url: SecretStr | None = Field(None, description="webhook `sigap notify` delivers to (its path is often "
                                                           "the webhook's secret, so it is never logged)")

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level_in_any_case(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @property
    def bootstrap_servers(self) -> list[str]:
        """The broker URL(s) as host:port pairs, for kafka-python and aiokafka clients."""
        servers = []
        for part in self.broker.split(";")[0].split(","):
            part = part.strip()
            if "://" in part:
                part = part.split("://", 1)[1]
            if part:
                servers.append(part)
        return servers


    @property
    def security_protocol(self) -> str:
        """Kafka's name for how clients connect: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL."""
        if self.broker_username is not None and self.broker_password is not None:
            return "SASL_SSL" if self.broker_tls else "SASL_PLAINTEXT"
        return "SSL" if self.broker_tls else "PLAINTEXT"

    def ssl_context(self) -> ssl.SSLContext | None:
        if not self.broker_tls:
            return None
        return ssl.create_default_context(cafile=str(self.broker_ca_file) if self.broker_ca_file else None)

    def kafka_client_options(self) -> dict:
        """Bootstrap servers and security for every client Sigap opens besides Faust's own (kafka-python and
        aiokafka take the same keyword names), so the command line tools and the claims follower reach a broker
        that requires SASL or TLS exactly as the worker does."""
        return {"bootstrap_servers": self.bootstrap_servers, **self.kafka_security()}

    def kafka_security(self) -> dict:
        """The security part of ``kafka_client_options``."""
        options: dict = {"security_protocol": self.security_protocol}
        if self.security_protocol.startswith("SASL_"):
            options |= {"sasl_mechanism": self.broker_sasl_mechanism, "sasl_plain_username": self.broker_username,
                        "sasl_plain_password": self.broker_password.get_secret_value()}
        if self.broker_tls:
            options["ssl_context"] = self.ssl_context()
        return options


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def settings_problems(error: ValidationError) -> list[str]:
    """One line per variable a ``ValidationError`` of ``Settings`` names: the variable, what it must be, and the
    value given (never a secret's)."""
    lines = []
    for problem in error.errors():
        if not problem.get("loc"):  # a rule over several variables
            lines.append(f"SIGAP_* settings: {problem['msg']}")
            continue
        field = str(problem["loc"][0])
        given = "" if field in _SECRET_FIELDS or "input" not in problem else f" (given: {problem['input']!r})"
        lines.append(f"SIGAP_{field.upper()}: {problem['msg']}{given}")
    return lines


_SECRET_FIELDS = {name for name, info in Settings.model_fields.items()
                  if info.annotation is SecretStr or SecretStr in get_args(info.annotation)}
