"""The identity domain's side: who may call, and which bearer tokens are alive.

Tokens look like IDCS access tokens (three base64url parts) and live `token_ttl` seconds; `expire_all`
makes every token issued so far invalid at once (the admin kit's "expire tokens now").
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class Credentials:
    """The seeded credentials: an OAuth confidential app and a Fusion user (Basic auth, JWT subject)."""

    client_id: str = "acme-eu-integration"
    client_secret: str = "acme-eu-client-secret"  # noqa: S105 - emulator default, printed on start
    user: str = "ACME.INTEGRATION"
    password: str = "Welcome1!"  # noqa: S105 - emulator default, printed on start
    instance_id: str = "300000001234567"

    @property
    def scope(self) -> str:
        return f"urn:opc:resource:fa:instanceid={self.instance_id}urn:opc:resource:consumer::all"


@dataclass
class TokenStore:
    """Issued bearer tokens and their expiry (monotonic clock)."""

    token_ttl: int = 3600
    _tokens: dict[str, tuple[float, str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(self, subject: str, scope: str) -> str:
        now = time.time()
        header = _b64(json.dumps({"alg": "RS256", "typ": "JWT", "x5t#S256": _b64(secrets.token_bytes(32))}).encode())
        claims = {
            "sub": subject,
            "scope": scope,
            "iss": "https://identity.oraclecloud.com/",
            "iat": int(now),
            "exp": int(now) + self.token_ttl,
            "jti": secrets.token_hex(16),
        }
        token = f"{header}.{_b64(json.dumps(claims).encode())}.{_b64(secrets.token_bytes(64))}"
        with self._lock:
            self._tokens[token] = (time.monotonic() + self.token_ttl, subject)
        return token

    def subject(self, token: str) -> str | None:
        """Who the token was issued to, or None when it is unknown or expired."""
        with self._lock:
            entry = self._tokens.get(token)
            if entry is None or entry[0] <= time.monotonic():
                return None
            return entry[1]

    def expire_all(self) -> None:
        with self._lock:
            self._tokens.clear()
