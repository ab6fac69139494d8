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
    # an extra SASL_PLAINTEXT listener (mechanism PLAIN) with these (user, password) pairs, to try Sigap against
    # a broker that requires authentication; the plaintext listener stays for readiness checks and admin
    sasl_port: int | None = None
    sasl_users: tuple[tuple[str, str], ...] = ()

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
    if config.sasl_port is not None:
        users = " ".join(f'user_{user}="{password}"' for user, password in config.sasl_users)
        settings |= {
            "listeners": f"PLAINTEXT://{host}:{port},SASL_PLAINTEXT://{host}:{config.sasl_port},"
                         f"CONTROLLER://{host}:{controller_port}",
            "advertised.listeners": f"PLAINTEXT://{host}:{port},SASL_PLAINTEXT://{host}:{config.sasl_port}",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT",
            "sasl.enabled.mechanisms": "PLAIN",
            "listener.name.sasl_plaintext.plain.sasl.jaas.config":
                f"org.apache.kafka.common.security.plain.PlainLoginModule required {users};",
        }
    lines = ["# Written by `sigap kafka start` on every start; edit streams/kafka_local/config.py instead."]
    lines += [f"{key}={value}" for key, value in settings.items()]
    return "\n".join(lines) + "\n"


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
