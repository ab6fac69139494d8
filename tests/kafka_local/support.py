"""Helpers for the local-broker tests: free ports and throw-away broker configs."""

from __future__ import annotations

import socket
from pathlib import Path

from streams.kafka_local import LocalKafkaConfig
from streams.settings import Settings
from tests.support.tls import BrokerCertificates


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def throwaway_config(home: Path, port: int | None = None, controller_port: int | None = None,
                     secured: tuple[str, ...] = (), sasl_users: tuple[tuple[str, str], ...] = (),
                     certificates: BrokerCertificates | None = None) -> LocalKafkaConfig:
    """A broker config on free ports under ``home`` that re-uses the main jar cache when there is one; with
    ``secured`` protocols (SASL_PLAINTEXT, SSL, SASL_SSL), also one listener per protocol on a free port, with
    ``sasl_users`` for SASL and ``certificates`` for TLS."""
    main = LocalKafkaConfig.from_settings(Settings())
    config = LocalKafkaConfig(host="127.0.0.1", port=port or free_port(),
                              controller_port=controller_port or free_port(), home=home, pom=main.pom,
                              secured_listeners=tuple((protocol, free_port()) for protocol in secured),
                              sasl_users=sasl_users,
                              tls_keystore=certificates.keystore if certificates else None,
                              tls_keystore_password=certificates.password if certificates else "")
    home.mkdir(parents=True, exist_ok=True)
    if main.libs_root.is_dir() and not config.libs_root.exists():
        config.libs_root.symlink_to(main.libs_root, target_is_directory=True)
    return config
