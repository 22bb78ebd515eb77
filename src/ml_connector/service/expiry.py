"""Credentials close to expiry: the dates users gave (`connection add --expires-on`) and the notAfter
of Anaplan CA certificates, read from the certificate itself.

Only names and dates go into an alert: a secret is decrypted here only to read a certificate's date.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509

from ml_connector.config import Config
from ml_connector.errors import ConnectorError
from ml_connector.service.alerts import Alert, AlertKind
from ml_connector.vault import Vault

log = logging.getLogger("ml_connector.service.expiry")


@dataclass(frozen=True)
class Expiry:
    connection: str
    system: str
    what: str  # e.g. "OAuth refresh token", "CA certificate"
    expires_at: datetime
    action: str


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _dated(config: Config, connection: str, system: str, expires_on: datetime) -> Expiry:
    section = config.connections.get(connection)
    auth = str(section.options().get("auth", "basic")) if section is not None else ""
    if system == "anaplan" and auth == "oauth":
        what = "Anaplan OAuth refresh token"
        action = (
            "Authorise the OAuth client again (device grant) and store the new token with "
            f"`ml-connector connection add {connection} --system anaplan --secret refresh_token "
            "--expires-on YYYY-MM-DD`."
        )
    elif system == "anaplan" and auth == "certificate":
        what = "Anaplan CA certificate"
        action = "Renew the certificate with your CA, upload it to Anaplan, and point the connection at the new files."
    elif system == "infor":
        what = "Infor ION API client secret"
        action = (
            "In ION API, create a new secret for the authorised app, download the .ionapi file and run "
            f"`ml-connector connection import-ionapi {connection} FILE`."
        )
    else:
        what = f"{system} credential"
        action = (
            f"Get the new credential and store it with `ml-connector connection add {connection} "
            f"--system {system} --secret NAME --expires-on YYYY-MM-DD`."
        )
    return Expiry(connection, system, what, _aware(expires_on), action)


def _certificate_expiry(config: Config, vault: Vault, connection: str) -> Expiry | None:
    options = config.connections[connection].options()
    pem: bytes | None = None
    if options.get("certificate_path"):
        path = config.resolve(str(options["certificate_path"]))
        if not path.is_file():
            return None  # `ping` reports a missing file; the expiry check has nothing to read
        pem = Path(path).read_bytes()
    elif vault.has(connection):
        stored = vault.get(connection).get("certificate_pem")
        pem = stored.encode() if stored else None
    if pem is None:
        return None
    try:
        certificate = x509.load_pem_x509_certificate(pem)
    except ValueError:
        log.warning("the certificate of connection %s cannot be read; its expiry is not checked", connection)
        return None
    subject = certificate.subject.rfc4514_string()
    return Expiry(
        connection,
        "anaplan",
        f"Anaplan CA certificate ({subject})",
        certificate.not_valid_after_utc,
        "Renew the certificate with your CA, register it with Anaplan (Administration > Security > "
        "Certificates), and replace the connection's certificate and key.",
    )


def expiring(config: Config, vault: Vault, *, now: datetime, warning_days: int) -> list[Expiry]:
    """Every credential that expires within `warning_days` of `now` (or already has), soonest first."""
    limit = now + timedelta(days=warning_days)
    found: list[Expiry] = []
    for connection, system, expires_on in vault.entries():
        if expires_on is not None:
            found.append(_dated(config, connection, system, expires_on))
    for name, section in config.connections.items():
        if section.system == "anaplan" and section.options().get("auth") == "certificate":
            try:
                cert = _certificate_expiry(config, vault, name)
            except ConnectorError as exc:
                log.warning("the certificate of connection %s cannot be read: %s", name, exc)
                continue
            if cert is not None:
                found.append(cert)
    return sorted((e for e in found if e.expires_at <= limit), key=lambda e: e.expires_at)


def expiry_alert(item: Expiry, now: datetime) -> Alert:
    days = (item.expires_at - now).total_seconds() / 86400
    when = item.expires_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if days < 0:
        summary = f"The {item.what} of connection {item.connection!r} expired on {when}; runs that use it will fail."
    else:
        summary = f"The {item.what} of connection {item.connection!r} expires on {when} (in {int(days)} day(s))."
    return Alert(AlertKind.EXPIRING, summary, item.action, connection=item.connection, at=now)
