"""Where the web console may listen: loopback by default; another address only over TLS, or when the
operator says `--insecure-bind` (e.g. behind a TLS-terminating proxy on the same host)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from ml_connector.errors import ConfigurationError

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


@dataclass(frozen=True)
class Listen:
    host: str
    port: int
    tls_cert: Path | None = None
    tls_key: Path | None = None

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, port: int, cert: Path | None, key: Path | None, *, insecure: bool = False) -> Listen:
    """The address to listen on, or ConfigurationError saying why it is refused and what to do."""
    if (cert is None) != (key is None):
        raise ConfigurationError(
            "[service] web_tls_cert and web_tls_key must be set together",
            hint="Give both the certificate file and its private key file, or neither.",
        )
    for label, path in (("web_tls_cert", cert), ("web_tls_key", key)):
        if path is not None and not path.is_file():
            raise ConfigurationError(f"[service] {label}: no file at {path}", hint="Give the path of a PEM file.")
    if cert is None and not is_loopback(host) and not insecure:
        raise ConfigurationError(
            f"the web console would listen on {host}, which is not a loopback address, without TLS: "
            "passwords and session cookies would cross the network in clear text",
            hint='Set [service] web_tls_cert and web_tls_key, or keep web_host = "127.0.0.1", '
            "or pass --insecure-bind if a TLS proxy on this host fronts it.",
        )
    return Listen(host, port, cert, key)
