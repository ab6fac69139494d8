"""Where the local broker lives on disk, which ports it uses, and the config files it runs with.

Layout under ``SIGAP_DATA_DIR/kafka/``::

    libs/<kafka version>-<pom hash>/   jars fetched by Maven, re-used while the pom is unchanged
    config/                            server.properties and log4j2.properties, rewritten on every start
    data/                              the broker's log.dirs (KRaft metadata and topic data)
    logs/server.log, logs/jvm.out      broker log (log4j) and the JVM's own stdout/stderr
    cluster.id, broker.pid
"""

from __future__ import annotations

import base64
import uuid
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from streams.settings import REPO_ROOT, Settings, get_settings

DEFAULT_POM = REPO_ROOT / "deploy" / "kafka" / "pom.xml"
_POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}
SECURED_PROTOCOLS = ("SASL_PLAINTEXT", "SSL", "SASL_SSL")


class LocalKafkaEnv(BaseSettings):
    """``SIGAP_KAFKA_*`` overrides for the local broker's listeners (defaults match the contract)."""

    model_config = SettingsConfigDict(env_prefix="SIGAP_KAFKA_", frozen=True, extra="ignore")

    host: str = Field("127.0.0.1", description="address both listeners bind to")
    port: int = Field(9092, ge=1, le=65535, description="client (PLAINTEXT) listener port")
    controller_port: int = Field(9093, ge=1, le=65535, description="KRaft controller listener port")
    pom: Path = Field(DEFAULT_POM, description="Maven pom listing the broker's jars")


@dataclass(frozen=True)
class LocalKafkaConfig:
    host: str
    port: int
    controller_port: int
    home: Path
    pom: Path = DEFAULT_POM
    # Extra listeners, to try Sigap against a broker that requires authentication or TLS: (protocol, port) with
    # protocol SASL_PLAINTEXT, SSL or SASL_SSL. SASL uses mechanism PLAIN with the (user, password) pairs in
    # ``sasl_users``; TLS serves the key and certificate chain in the PKCS12 ``tls_keystore``. The plaintext
    # listener stays for readiness checks and admin.
    secured_listeners: tuple[tuple[str, int], ...] = ()
    sasl_users: tuple[tuple[str, str], ...] = ()
    tls_keystore: Path | None = None
    tls_keystore_password: str = ""

    def __post_init__(self) -> None:
        unknown = {protocol for protocol, _ in self.secured_listeners} - set(SECURED_PROTOCOLS)
        if unknown:
            raise ValueError(f"unknown listener protocol(s) {sorted(unknown)}; use {', '.join(SECURED_PROTOCOLS)}")
        if self.uses_tls and self.tls_keystore is None:
            raise ValueError("a TLS listener (SSL or SASL_SSL) needs tls_keystore")

    @property
    def uses_tls(self) -> bool:
        return any(protocol.endswith("SSL") for protocol, _ in self.secured_listeners)

    def listener_port(self, protocol: str) -> int:
        return dict(self.secured_listeners)[protocol]

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> LocalKafkaConfig:
        settings = settings or get_settings()
        env = LocalKafkaEnv()
        return cls(host=env.host, port=env.port, controller_port=env.controller_port,
                   home=Path(settings.data_dir).resolve() / "kafka", pom=env.pom.resolve())

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def kafka_version(self) -> str:
        return pom_property(self.pom, "kafka.version")

    @property
    def libs_root(self) -> Path:
        return self.home / "libs"

    @property
    def config_dir(self) -> Path:
        return self.home / "config"

    @property
    def server_properties(self) -> Path:
        return self.config_dir / "server.properties"

    @property
    def log4j_config(self) -> Path:
        return self.config_dir / "log4j2.properties"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def server_log(self) -> Path:
        return self.logs_dir / "server.log"

    @property
    def jvm_log(self) -> Path:
        return self.logs_dir / "jvm.out"

    @property
    def pid_file(self) -> Path:
        return self.home / "broker.pid"

    @property
    def cluster_id_file(self) -> Path:
        return self.home / "cluster.id"

    @property
    def lock_file(self) -> Path:
        return self.home / ".lock"


def pom_property(pom: Path, name: str) -> str:
    root = ElementTree.parse(pom).getroot()
    element = root.find(f"m:properties/m:{name}", _POM_NS)
    if element is None or not (element.text or "").strip():
        raise ValueError(f"{pom} has no <{name}> property")
    return element.text.strip()


def new_cluster_id() -> str:
    """A Kafka ``Uuid`` string (URL-safe base64 of 16 random bytes), as ``StorageTool random-uuid`` prints.

    Generated here to save a JVM start. Kafka rejects ids starting with '-' because they read like options.
    """
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode("ascii")
        if not cluster_id.startswith("-"):
            return cluster_id


def render_server_properties(config: LocalKafkaConfig) -> str:
    host, port, controller_port = config.host, config.port, config.controller_port
    settings = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@{host}:{controller_port}",
        "listeners": f"PLAINTEXT://{host}:{port},CONTROLLER://{host}:{controller_port}",
        "advertised.listeners": f"PLAINTEXT://{host}:{port}",
        "inter.broker.listener.name": "PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs": str(config.data_dir),
        "num.partitions": "1",
        "default.replication.factor": "1",
        "offsets.topic.replication.factor": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "group.initial.rebalance.delay.ms": "0",
        # Tests create and delete hundreds of topics; their directories otherwise linger for 60 s, and a
        # broker restarted meanwhile loads every one of them.
        "log.segment.delete.delay.ms": "1000",
    }
    if config.secured_listeners:
        settings |= _secured_listener_settings(config)
    lines = ["# Written by `sigap kafka start` on every start; edit streams/kafka_local/config.py instead."]
    lines += [f"{key}={value}" for key, value in settings.items()]
    return "\n".join(lines) + "\n"


def _secured_listener_settings(config: LocalKafkaConfig) -> dict[str, str]:
    host = config.host
    extra = [f"{protocol}://{host}:{port}" for protocol, port in config.secured_listeners]
    protocols = [protocol for protocol, _ in config.secured_listeners]
    settings = {
        "listeners": ",".join([f"PLAINTEXT://{host}:{config.port}", *extra,
                               f"CONTROLLER://{host}:{config.controller_port}"]),
        "advertised.listeners": ",".join([f"PLAINTEXT://{host}:{config.port}", *extra]),
        "listener.security.protocol.map": ",".join(["CONTROLLER:PLAINTEXT", "PLAINTEXT:PLAINTEXT",
                                                    *(f"{protocol}:{protocol}" for protocol in protocols)]),
    }
    users = " ".join(f'user_{user}="{password}"' for user, password in config.sasl_users)
    for protocol in protocols:
        if protocol.startswith("SASL_"):
            settings["sasl.enabled.mechanisms"] = "PLAIN"
            settings[f"listener.name.{protocol.lower()}.plain.sasl.jaas.config"] = (
                f"org.apache.kafka.common.security.plain.PlainLoginModule required {users};")
    if config.uses_tls:
        settings |= {
            "ssl.keystore.type": "PKCS12",
            "ssl.keystore.location": str(config.tls_keystore),
            "ssl.keystore.password": config.tls_keystore_password,
            "ssl.key.password": config.tls_keystore_password,
            "ssl.client.auth": "none",
        }
    return settings


def render_log4j_config(config: LocalKafkaConfig) -> str:
    # Properties format: it needs no extra jar (YAML would need jackson-dataformat-yaml on the classpath).
    log = config.server_log
    return f"""\
# Written by `sigap kafka start` on every start.
status = warn
name = sigap-local-kafka

appender.file.type = RollingFile
appender.file.name = file
appender.file.fileName = {log}
appender.file.filePattern = {log}.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 20MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 5

rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file

logger.request.name = kafka.request.logger
logger.request.level = WARN
"""
