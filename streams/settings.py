"""Typed, frozen settings read from ``SIGAP_*`` environment variables.

Faust itself also reads un-prefixed variables such as ``BROKER_URL``; Sigap never relies on them, so every knob
an operator turns is documented here and in the README.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SIGAP_", frozen=True, extra="ignore")

    broker: str = Field("kafka://127.0.0.1:9092", description="Faust broker URL(s), comma separated")
    broker_username: str | None = Field(None, description="SASL username, if the broker needs one")
    broker_password: SecretStr | None = Field(None, description="SASL password, if the broker needs one")
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
    session_timeout_seconds: float = Field(
        30.0, ge=6, description="a worker that stops heart-beating loses its partitions after this long"
    )
    log_level: str = "INFO"

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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
