"""A throw-away certificate authority and broker certificate, made with the JDK's keytool (the broker already
needs a JDK, so no extra tool or package): the broker serves a PKCS12 keystore, clients trust a PEM file."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from streams.kafka_local.java import find_java


@dataclass(frozen=True)
class BrokerCertificates:
    keystore: Path  # PKCS12: the broker's key, its certificate and the CA's, for ssl.keystore.location
    password: str
    ca_file: Path  # PEM: the CA certificate, for SIGAP_BROKER_CA_FILE


def make_broker_certificates(directory: Path, *, ca_name: str = "Sigap test CA",
                             password: str = "sigap-tls") -> BrokerCertificates:
    """A CA, and a broker certificate it signed for 127.0.0.1 and localhost, valid for two days."""
    keytool = str(find_java().resolve().parent / "keytool")
    directory.mkdir(parents=True, exist_ok=True)
    ca_store, keystore = directory / "ca.p12", directory / "broker.p12"
    ca_file, request, signed = directory / "ca.pem", directory / "broker.csr", directory / "broker.pem"
    store = ["-storetype", "PKCS12", "-storepass", password]

    def run(*args: str) -> None:
        subprocess.run([keytool, *args], check=True, capture_output=True, timeout=60)

    run("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", f"CN={ca_name}", "-ext", "bc:c", "-keystore", str(ca_store), *store)
    run("-exportcert", "-rfc", "-alias", "ca", "-keystore", str(ca_store), "-file", str(ca_file), *store)
    run("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-keystore", str(keystore), *store)
    run("-certreq", "-alias", "broker", "-keystore", str(keystore), "-file", str(request), *store)
    run("-gencert", "-rfc", "-alias", "ca", "-keystore", str(ca_store), "-infile", str(request),
        "-outfile", str(signed), "-validity", "2", "-ext", "SAN=ip:127.0.0.1,dns:localhost", *store)
    run("-importcert", "-noprompt", "-alias", "ca", "-keystore", str(keystore), "-file", str(ca_file), *store)
    run("-importcert", "-alias", "broker", "-keystore", str(keystore), "-file", str(signed), *store)
    return BrokerCertificates(keystore=keystore, password=password, ca_file=ca_file)
