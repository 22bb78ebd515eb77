"""Anaplan authentication: Basic, CA certificate, or OAuth refresh token; one kept token per credential.

Basic and certificate logins go to `POST {auth_url}/token/authenticate` and are kept alive with
`POST /token/refresh` before their 35 minutes run out. OAuth uses the refresh-token grant on
`{oauth_url}/oauth/token`; refresh tokens rotate (each works once), so every new one is handed to
`on_refresh_token` to be stored in the vault before it is used again.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ml_connector.errors import AuthenticationError, ConfigurationError, ConnectorError
from ml_connector.http import ApiSession, CachedToken, Redactor, RequestBudget, TokenKeeper, Traffic
from ml_connector.systems.anaplan.settings import AnaplanSettings, AuthKind

RefreshTokenSink = Callable[[str], None]
# Random bytes signed for a certificate login: the docs ask for at least 100; the SDK sends 150.
SIGNED_BYTES = 150


class CertificateSigner:
    """The `CACertificate` header and signed body of a certificate login."""

    def __init__(self, certificate_pem: bytes, private_key_pem: bytes, passphrase: str | None) -> None:
        self._header = "CACertificate " + base64.b64encode(certificate_pem).decode()
        try:
            key = serialization.load_pem_private_key(
                private_key_pem, password=passphrase.encode() if passphrase else None
            )
        except (ValueError, TypeError) as exc:
            raise ConfigurationError(
                f"the Anaplan private key cannot be read ({type(exc).__name__})",
                hint="Check private_key_path and private_key_passphrase (needed only for an encrypted key).",
            ) from None
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ConfigurationError(
                "the Anaplan private key must be an RSA key", hint="Use the RSA key of the CA certificate."
            )
        self._key = key

    def headers_and_body(self) -> tuple[dict[str, str], dict[str, str]]:
        data = os.urandom(SIGNED_BYTES)
        signature = self._key.sign(data, padding.PKCS1v15(), hashes.SHA512())
        body = {
            "encodedData": base64.b64encode(data).decode(),
            "encodedSignedData": base64.b64encode(signature).decode(),
        }
        return {"Authorization": self._header}, body

    @staticmethod
    def from_settings(settings: AnaplanSettings) -> CertificateSigner:
        cert = _read(settings.certificate_path, settings.certificate_pem, "certificate_path")
        key = _read(settings.private_key_path, settings.private_key_pem, "private_key_path")
        phrase = settings.private_key_passphrase.get_secret_value() if settings.private_key_passphrase else None
        return CertificateSigner(cert, key, phrase)


def _read(path: Any, pem: Any, field: str) -> bytes:
    if pem is not None:
        return str(pem.get_secret_value()).encode()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise ConfigurationError(f"{field}: cannot read {path} ({exc.strerror})") from None


def expiry_seconds(expires_at_ms: object, fallback: float) -> float:
    """Seconds left from Anaplan's `expiresAt` (epoch ms), or `fallback` when it is missing or odd."""
    if isinstance(expires_at_ms, int | float) and expires_at_ms > 0:
        return max(0.0, expires_at_ms / 1000.0 - time.time())
    return fallback


class AnaplanAuth:
    """An `Authenticator` for `ApiSession`: keeps one token for the connection's credential.

    The credential's secrets and every token it gets are registered with its session's redactor.
    """

    TOKEN_LIFETIME = 35 * 60.0

    def __init__(
        self,
        settings: AnaplanSettings,
        auth_session: ApiSession,
        *,
        on_refresh_token: RefreshTokenSink | None = None,
    ) -> None:
        self.settings = settings
        self._session = auth_session
        self._redactor = auth_session.redactor
        # Slots of the values that replace each other: the access token, and OAuth's rotating refresh token.
        self._token_slot, self._refresh_slot = object(), object()
        self._redactor.register(
            *(
                secret.get_secret_value()
                for secret in (
                    settings.password,
                    settings.certificate_pem,
                    settings.private_key_pem,
                    settings.private_key_passphrase,
                )
                if secret is not None
            )
        )
        self._listeners: list[RefreshTokenSink] = [on_refresh_token] if on_refresh_token else []
        self._signer = CertificateSigner.from_settings(settings) if settings.auth is AuthKind.CERTIFICATE else None
        self._refresh_token = settings.refresh_token.get_secret_value() if settings.refresh_token else None
        self._redactor.rotate(self._refresh_slot, self._refresh_token)
        self._refresh_lock = threading.Lock()
        # Every refresh token this process has held: offering one of them again is not a new grant.
        self._known: set[str] = {self._refresh_token} if self._refresh_token else set()
        renew = None if settings.auth is AuthKind.OAUTH else self._renew
        self.keeper = TokenKeeper(self._login, renew)

    def adopt(self, settings: AnaplanSettings, on_refresh_token: RefreshTokenSink | None) -> None:
        """Another client of the same credential joins: its callback hears rotations too.

        A refresh token in its settings that this process never held is a new grant (the user ran the
        device flow again), so it replaces ours; one we held before is spent or current.
        """
        replaced = False
        with self._refresh_lock:
            if on_refresh_token is not None and on_refresh_token not in self._listeners:
                self._listeners.append(on_refresh_token)
            offered = settings.refresh_token.get_secret_value() if settings.refresh_token else None
            if offered and offered != self._refresh_token and offered not in self._known:
                self._redactor.rotate(self._refresh_slot, offered)
                self._refresh_token = offered
                self._known.add(offered)
                replaced = True
        if replaced:
            # Outside the refresh lock: the keeper's lock is taken before it in `keeper.get()`.
            self.keeper.invalidate()

    @property
    def scheme(self) -> str:
        # OAuth access tokens are Bearer tokens; the Integration API accepts both schemes (live-confirmed).
        return "Bearer" if self.settings.auth is AuthKind.OAUTH else "AnaplanAuthToken"

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"{self.scheme} {self.keeper.get().value}"}

    def invalidate(self, headers_used: Mapping[str, str]) -> None:
        used = headers_used.get("Authorization", "").partition(" ")[2]
        self.keeper.invalidate(used or None)

    def close(self) -> None:
        self._session.close()

    def token(self) -> CachedToken:
        """The live token, logging in first if needed (what `ping` uses to test the credentials)."""
        return self.keeper.get()

    # --- the three kinds --------------------------------------------------------------------------

    def _login(self) -> CachedToken:
        if self.settings.auth is AuthKind.OAUTH:
            return self._oauth_refresh()
        if self.settings.auth is AuthKind.BASIC:
            user = self.settings.user or ""
            password = self.settings.password.get_secret_value() if self.settings.password else ""
            encoded = base64.b64encode(f"{user}:{password}".encode()).decode()
            self._redactor.register(encoded)
            headers, body = {"Authorization": f"Basic {encoded}"}, None
        else:
            if self._signer is None:
                raise ConfigurationError("certificate auth needs a certificate and private key")
            headers, body = self._signer.headers_and_body()
        answer = self._call("POST", "/token/authenticate", "login", headers=headers, json=body, safe_to_repeat=True)
        return self._token_of(answer)

    def _renew(self, old: CachedToken) -> CachedToken | None:
        try:
            answer = self._call(
                "POST", "/token/refresh", "token refresh", headers={"Authorization": f"AnaplanAuthToken {old.value}"}
            )
        except AuthenticationError:
            return None  # the keeper falls back to a fresh login
        return self._token_of(answer)

    def _token_of(self, answer: dict[str, Any]) -> CachedToken:
        info = answer.get("tokenInfo")
        if not isinstance(info, dict) or not isinstance(info.get("tokenValue"), str):
            raise AuthenticationError(
                "Anaplan's authentication service answered without a token",
                hint="Check auth_url: it must point at the Anaplan authentication service.",
            )
        value: str = info["tokenValue"]
        self._redactor.rotate(self._token_slot, value)
        return CachedToken.lasting(value, expiry_seconds(info.get("expiresAt"), self.TOKEN_LIFETIME))

    def _oauth_refresh(self) -> CachedToken:
        with self._refresh_lock:
            current = self._refresh_token or ""
            form = {
                "grant_type": "refresh_token",
                "client_id": self.settings.oauth_client_id or "",
                "refresh_token": current,
            }
            # Not safe to repeat: a rotating refresh token is spent by the first attempt that arrives.
            answer = self._call(
                "POST",
                f"{self.settings.oauth_url.rstrip('/')}/oauth/token",
                "OAuth refresh",
                data=form,
                safe_to_repeat=False,
            )
            access = answer.get("access_token")
            if not isinstance(access, str):
                raise AuthenticationError("Anaplan's OAuth service answered without an access token")
            self._redactor.rotate(self._token_slot, access)
            rotated = answer.get("refresh_token")
            if isinstance(rotated, str) and rotated and rotated != current:
                self._redactor.rotate(self._refresh_slot, rotated)
                self._refresh_token = rotated
                self._known.add(rotated)
                for listener in list(self._listeners):
                    listener(rotated)
            lifetime = answer.get("expires_in")
            seconds = float(lifetime) if isinstance(lifetime, int | float) else self.TOKEN_LIFETIME
            return CachedToken.lasting(access, seconds)

    def _call(self, method: str, path: str, what: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._session.request(method, path, **kwargs)
        except AuthenticationError as exc:
            raise AuthenticationError(
                f"Anaplan refused the {self.settings.auth.value} credentials ({what}): {_reason(exc)}",
                context=exc.context,
            ) from None
        except ConnectorError as exc:
            if exc.context is not None and exc.context.status in (400, 401):
                # OAuth answers invalid_grant with 400; the auth API answers a bad header with 400.
                raise AuthenticationError(
                    f"Anaplan refused the {self.settings.auth.value} credentials ({what}): {_reason(exc)}",
                    context=exc.context,
                    hint=_hint(self.settings.auth),
                ) from None
            raise
        body = response.json() if response.content else {}
        return body if isinstance(body, dict) else {}


def _reason(exc: ConnectorError) -> str:
    return exc.context.body_excerpt if exc.context is not None and exc.context.body_excerpt else exc.message


def _hint(kind: AuthKind) -> str:
    if kind is AuthKind.OAUTH:
        return "The refresh token is spent or expired: run the device grant again and store the new token."
    return (
        "Store the right secret again with `ml-connector connection add NAME --system anaplan --secret password` "
        "(no --set: the settings stay in the config file), then `ml-connector ping NAME`."
    )


def credential_key(settings: AnaplanSettings) -> str:
    """Identifies one credential: clients with the same key share one kept token in one root (`KeptTokens`)."""
    if settings.auth is AuthKind.OAUTH:
        # Not the refresh token: it rotates, and every client of the client id must follow the rotation.
        parts = [settings.auth.value, settings.oauth_url, settings.oauth_client_id or ""]
    elif settings.auth is AuthKind.BASIC:
        password = settings.password.get_secret_value() if settings.password else ""
        parts = [settings.auth.value, settings.auth_url, settings.user or "", password]
    else:
        cert = (
            settings.certificate_pem.get_secret_value() if settings.certificate_pem else str(settings.certificate_path)
        )
        key = (
            settings.private_key_pem.get_secret_value() if settings.private_key_pem else str(settings.private_key_path)
        )
        phrase = settings.private_key_passphrase.get_secret_value() if settings.private_key_passphrase else ""
        parts = [settings.auth.value, settings.auth_url, cert, key, phrase]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


class KeptTokens:
    """The kept Anaplan tokens of one composition root: one `AnaplanAuth` per credential and transport.

    Keyed by the transport object itself (None: the real network), never by its `id()`: an id is
    reused once its object is gone, and a new transport must not inherit another one's token. The
    kept auth's session holds its transport, so a key lives as long as its token does. Every kept
    auth's session scrubs with `redactor` (the root's), and registers its credential and tokens there.
    """

    def __init__(self, redactor: Redactor | None = None, traffic: Traffic | None = None) -> None:
        self.redactor = redactor if redactor is not None else Redactor()
        self.traffic = traffic
        self._auths: dict[tuple[str, httpx.BaseTransport | None], AnaplanAuth] = {}
        self._lock = threading.Lock()

    def get(
        self,
        settings: AnaplanSettings,
        *,
        budget: RequestBudget,
        transport: httpx.BaseTransport | None = None,
        on_refresh_token: RefreshTokenSink | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> AnaplanAuth:
        key = (credential_key(settings), transport)
        with self._lock:
            auth = self._auths.get(key)
            if auth is None:
                session = ApiSession(
                    "anaplan",
                    settings.auth_url,
                    budget=budget,
                    policy=settings.retry_policy,
                    transport=transport,
                    sleep=sleep,
                    redactor=self.redactor,
                    traffic=self.traffic,
                )
                auth = AnaplanAuth(settings, session, on_refresh_token=on_refresh_token)
                self._auths[key] = auth
                return auth
        auth.adopt(settings, on_refresh_token)
        return auth

    def __len__(self) -> int:
        with self._lock:
            return len(self._auths)

    def close(self) -> None:
        """Forget every kept token and close its session (the root closes them when the process ends)."""
        with self._lock:
            auths, self._auths = list(self._auths.values()), {}
        for auth in auths:
            auth.close()
