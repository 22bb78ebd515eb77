"""The CA certificate and private key a client uses for certificate authentication, made at seed time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class CertificatePair:
    """A self-signed certificate for `user` and its RSA private key, both PEM."""

    certificate_pem: bytes
    private_key_pem: bytes

    def write(self, directory: Path) -> tuple[Path, Path]:
        """Write `anaplan-cert.pem` and `anaplan-key.pem` (mode 600) into `directory`."""
        directory.mkdir(parents=True, exist_ok=True)
        cert_path, key_path = directory / "anaplan-cert.pem", directory / "anaplan-key.pem"
        cert_path.write_bytes(self.certificate_pem)
        key_path.write_bytes(self.private_key_pem)
        key_path.chmod(0o600)
        return cert_path, key_path


def make_certificate(user: str, days: int = 365) -> CertificatePair:
    """A fresh 2048-bit RSA key and a self-signed certificate naming `user` (Anaplan maps it to the user)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, user), x509.NameAttribute(NameOID.EMAIL_ADDRESS, user)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return CertificatePair(
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM),
        private_key_pem=key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    )
