"""Client-signed JWTs as Bearer tokens, from issuers the pod trusts (Security Console, "API Authentication").

Sources: Oracle by Example "Configure JWT Authentication Provider" (a customer registers a trusted issuer name and
its X.509 certificate; the client then signs its own JWTs) and "Use JWT Token for Authorization" (Oracle REST docs:
header `alg` RS256, `typ` JWT, `x5t`; claims `iss`, `prn`/`sub` = the Fusion user name, `iat`, `exp`). Register an
issuer through the admin kit: `PUT /_emulator/trusted-issuers {"issuer": "...", "public_key": "<PEM>"}` (a public
key or a certificate).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import jwt
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key


class IssuerError(ValueError):
    """A trusted-issuer registration that cannot be used."""


def _public_key(pem: str) -> RSAPublicKey:
    data = pem.encode()
    try:
        key = (
            x509.load_pem_x509_certificate(data).public_key()
            if b"BEGIN CERTIFICATE" in data
            else load_pem_public_key(data)
        )
    except ValueError as exc:
        raise IssuerError("public_key is not a PEM public key or certificate") from exc
    if not isinstance(key, RSAPublicKey):
        raise IssuerError("public_key must be an RSA key (tokens are signed RS256)")
    return key


@dataclass
class TrustedIssuers:
    """Issuer name → RSA public key; `subject` checks a token against them."""

    keys: dict[str, RSAPublicKey] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def register(self, issuer: str, pem: str) -> None:
        if not issuer.strip():
            raise IssuerError("issuer must be a non-empty name")
        key = _public_key(pem)
        with self._lock:
            self.keys[issuer] = key

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self.keys)

    def clear(self) -> None:
        with self._lock:
            self.keys.clear()

    def subject(self, token: str) -> str | None:
        """The user a valid token from a trusted issuer speaks for; None for anything else."""
        try:
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return None
        with self._lock:
            key = self.keys.get(str(claims.get("iss") or ""))
        if key is None:
            return None
        try:
            verified = jwt.decode(
                token, key, algorithms=["RS256"], options={"require": ["exp", "iat", "iss"]}, leeway=30
            )
        except jwt.PyJWTError:
            return None
        # ASSUMPTION: `prn` names the user as in Oracle's sample; `sub` is read when `prn` is absent.
        user = verified.get("prn") or verified.get("sub")
        return str(user) if user else None
