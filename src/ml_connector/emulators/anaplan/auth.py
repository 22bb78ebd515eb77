"""Tokens: the Authentication API (Basic and CA certificate), and OAuth refresh-token rotation.

Anaplan tokens live 35 minutes by default (`token_ttl`); refresh keeps the same `tokenValue` and
moves its expiry; logout ends it. OAuth access tokens share the same store so the Integration API
accepts either (`AnaplanAuthToken` or `Bearer`). Each OAuth refresh token works once.
"""

from __future__ import annotations

import base64
import binascii
import math
import secrets
import time
import uuid
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ml_connector.emulators.anaplan.exceptions import AuthError, OAuthError

DEFAULT_TOKEN_TTL = 35 * 60.0
# ASSUMPTION: rotatable refresh tokens expire after the documented default of 43,000 s.
DEFAULT_REFRESH_TTL = 43_000.0


@dataclass
class Token:
    value: str
    token_id: str
    refresh_token_id: str
    user: str
    expires_at: float
    kind: str = "anaplan"  # or "oauth"
    revoked: bool = False

    def info(self) -> dict[str, object]:
        return {
            "expiresAt": int(self.expires_at * 1000),
            "tokenId": self.token_id,
            "tokenValue": self.value,
            "refreshTokenId": self.refresh_token_id,
        }


@dataclass
class Credentials:
    """Who may log in: one Basic user, one registered certificate, one OAuth client."""

    user: str
    password: str
    certificate_pem: bytes | None
    oauth_client_id: str
    user_guid: str = field(default_factory=lambda: uuid.uuid4().hex)
    customer_guid: str = field(default_factory=lambda: uuid.uuid4().hex)


def _token_value() -> str:
    # Shaped like Anaplan's sample: three base64 parts joined by dots.
    parts = (base64.b64encode(secrets.token_bytes(n)).decode() for n in (16, 48, 32))
    return ".".join(parts)


class TokenStore:
    """Issued tokens and refresh tokens. Not thread-safe by itself; the backend holds the lock."""

    def __init__(self, creds: Credentials, token_ttl: float = DEFAULT_TOKEN_TTL) -> None:
        self.creds = creds
        self.token_ttl = token_ttl
        self.refresh_ttl = DEFAULT_REFRESH_TTL
        self.tokens: dict[str, Token] = {}
        self.refresh_tokens: dict[str, tuple[str, float]] = {}  # value -> (client id, expires at)
        self.used_refresh_tokens: set[str] = set()
        # client id -> rotatable. anaplan.md 4 "Refresh-token rotation": rotatable clients hand out a new refresh
        # token on each use and each works once; non-rotatable clients' refresh tokens are reused and never expire.
        self.oauth_clients: dict[str, bool] = {creds.oauth_client_id: True}

    def _issue(self, kind: str) -> Token:
        token = Token(
            value=_token_value(),
            token_id=str(uuid.uuid4()),
            refresh_token_id=str(uuid.uuid4()),
            user=self.creds.user,
            expires_at=time.time() + self.token_ttl,
            kind=kind,
        )
        self.tokens[token.value] = token
        return token

    def live(self, value: str) -> Token | None:
        """The token if it is known, not logged out and not expired."""
        token = self.tokens.get(value)
        if token is None or token.revoked or token.expires_at <= time.time():
            return None
        return token

    def expire_all(self) -> None:
        now = time.time()
        for token in self.tokens.values():
            token.expires_at = min(token.expires_at, now - 1)

    # --- Authentication API -------------------------------------------------------------------------

    def authenticate_basic(self, header_value: str) -> Token:
        try:
            user, _, password = base64.b64decode(header_value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise AuthError(400, "FAILURE_BAD_HEADER", "Invalid header. Verify the header.") from None
        if not (
            secrets.compare_digest(user, self.creds.user) and secrets.compare_digest(password, self.creds.password)
        ):
            # ASSUMPTION: 401 FAILURE_BAD_CREDENTIAL is documented; the statusMessage texts here and below are ours.
            raise AuthError(401, "FAILURE_BAD_CREDENTIAL", "Invalid username or password.")
        return self._issue("anaplan")

    def authenticate_certificate(self, header_value: str, encoded_data: object, encoded_signed: object) -> Token:
        try:
            raw = base64.b64decode(header_value, validate=True)
            # Clients send the PEM file's bytes; DER is accepted as well, being the same certificate.
            cert = (
                x509.load_pem_x509_certificate(raw)
                if raw.lstrip().startswith(b"-----")
                else x509.load_der_x509_certificate(raw)
            )
        except (binascii.Error, ValueError):
            raise AuthError(400, "FAILURE_BAD_HEADER", "Invalid header. Verify the header.") from None
        if not isinstance(encoded_data, str) or not isinstance(encoded_signed, str):
            raise AuthError(400, "FAILURE_BAD_HEADER", "encodedData and encodedSignedData are required.")
        registered = self.creds.certificate_pem
        if registered is None or x509.load_pem_x509_certificate(registered) != cert:
            raise AuthError(401, "FAILURE_BAD_CREDENTIAL", "The certificate is not registered.")
        public_key = cert.public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise AuthError(401, "FAILURE_BAD_CREDENTIAL", "Unsupported certificate key type.")
        try:
            data = base64.b64decode(encoded_data, validate=True)
            signature = base64.b64decode(encoded_signed, validate=True)
            public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA512())
        except (binascii.Error, InvalidSignature):
            raise AuthError(401, "FAILURE_BAD_CREDENTIAL", "The signature does not match the certificate.") from None
        return self._issue("anaplan")

    def refresh(self, value: str) -> Token:
        token = self.live(value)
        if token is None:
            raise AuthError(401, "FAILURE_BAD_CREDENTIAL", "Token is invalid or has expired.")
        # Live Anaplan keeps the same tokenValue and refreshTokenId; only the expiry moves.
        token.expires_at = time.time() + self.token_ttl
        return token

    def validate(self, value: str) -> Token:
        token = self.live(value)
        if token is None:
            raise AuthError(401, "FAILURE_BAD_CREDENTIAL", "Token is invalid or has expired.")
        return token

    def logout(self, value: str) -> None:
        token = self.live(value)
        if token is None:
            raise AuthError(401, "FAILURE_BAD_CREDENTIAL", "Token is invalid or has expired.")
        token.revoked = True

    # --- OAuth ---------------------------------------------------------------------------------------

    def seed_refresh_token(self, value: str | None = None, client_id: str | None = None) -> str:
        value = value or secrets.token_urlsafe(48)
        client = client_id or self.creds.oauth_client_id
        expires = time.time() + self.refresh_ttl if self.oauth_clients.get(client, True) else math.inf
        self.refresh_tokens[value] = (client, expires)
        return value

    def register_oauth_client(self, client_id: str, rotatable: bool) -> str:
        """Add an OAuth client (a device-grant client registered in Administration); its first refresh token."""
        self.oauth_clients[client_id] = rotatable
        return self.seed_refresh_token(client_id=client_id)

    def oauth_refresh(self, client_id: str, refresh_token: str) -> dict[str, object]:
        if client_id not in self.oauth_clients:
            # ASSUMPTION: an unknown client answers 401 unauthorized_client (a documented code and status; the pairing
            # is ours).
            raise OAuthError(401, "unauthorized_client", "Unknown client_id.")
        if refresh_token in self.used_refresh_tokens:
            raise OAuthError(400, "invalid_grant", "The refresh token has already been used.")
        entry = self.refresh_tokens.get(refresh_token)
        if entry is None or entry[0] != client_id or entry[1] <= time.time():
            raise OAuthError(400, "invalid_grant", "Unknown or expired refresh token.")
        if not self.oauth_clients[client_id]:
            # ASSUMPTION: a non-rotatable client gets its same refresh token back, usable again.
            return self._oauth_answer(refresh_token)
        del self.refresh_tokens[refresh_token]
        self.used_refresh_tokens.add(refresh_token)
        return self._oauth_answer(self.seed_refresh_token(client_id=client_id))

    def _oauth_answer(self, refresh_token: str) -> dict[str, object]:
        access = self._issue("oauth")
        return {
            "access_token": access.value,
            "id_token": _token_value(),
            "refresh_token": refresh_token,
            "scope": "openid email offline_access",
            "expires_in": int(self.token_ttl),
            "token_type": "Bearer",
        }
