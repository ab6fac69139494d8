"""Helpers for the local-broker tests: free ports and throw-away broker configs."""

from __future__ import annotations

import socket
from pathlib import Path

from streams.kafka_local import LocalKafkaConfig
from streams.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def throwaway_config(home: Path, port: int | None = None, controller_port: int | None = None,
                     sasl_users: tuple[tuple[str, str], ...] = ()) -> LocalKafkaConfig:
    """A broker config on free ports under ``home`` that re-uses the main jar cache when there is one; with
    ``sasl_users``, also a SASL_PLAINTEXT listener (PLAIN) on a free port for them."""
    main = LocalKafkaConfig.from_settings(Settings())
    config = LocalKafkaConfig(host="127.0.0.1", port=port or free_port(),
                              controller_port=controller_port or free_port(), home=home, pom=main.pom,
                              sasl_port=free_port() if sasl_users else None, sasl_users=sasl_users)
    home.mkdir(parents=True, exist_ok=True)
    if main.libs_root.is_dir() and not config.libs_root.exists():
        config.libs_root.symlink_to(main.libs_root, target_is_directory=True)
    return config
