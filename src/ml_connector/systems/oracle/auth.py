"""Oracle Fusion authentication: Basic over TLS, or an IDCS client-credentials bearer token kept alive.

The token is fetched once, shared by threads, and refreshed before `expires_in` runs out (`TokenKeeper`);
a 401 drops only the rejected token, so `ApiSession` re-authenticates once and retries.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from ml_connector.errors import ApiError, AuthenticationError, RetriableError
from ml_connector.http import ApiSession, CachedToken, Redactor, TokenKeeper
from ml_connector.systems.oracle.settings import AuthKind, OracleSettings

DEFAULT_EXPIRES_IN = 3600.0
HINT = (
    "Check client_id, client_secret, token_url and scope of the Oracle connection, and that the IDCS "
    "confidential application allows the client-credentials grant."
)


def basic_header(user: str, password: str) -> str:
    """The `Authorization` value for HTTP Basic."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class BasicAuth:
    """`Authorization: Basic ...` for a Fusion user; nothing to renew. The password and header are
    registered with `redactor`."""

    def __init__(self, user: str, password: str, *, redactor: Redactor) -> None:
        self._header = basic_header(user, password)
        redactor.register(password, self._header.removeprefix("Basic "))

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": self._header}

    def invalidate(self, headers_used: Mapping[str, str]) -> None:
        """Nothing cached: a 401 with Basic auth means the password is wrong, and the retry will say so."""


class ClientCredentialsAuth:
    """An IDCS bearer token from the client-credentials grant, kept in a `TokenKeeper`.

    The token call goes through its own `ApiSession` (same tenant budget, retry on 429/503) with no auth;
    the client secret and every token are registered with that session's redactor.
    """

    def __init__(self, token_url: str, client_id: str, client_secret: str, scope: str, *, session: ApiSession) -> None:
        self.token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._scope = scope
        self._session = session
        self._redactor = session.redactor
        self._redactor.register(client_secret, base64.b64encode(f"{client_id}:{client_secret}".encode()).decode())
        self._token_slot = object()
        self.keeper = TokenKeeper(self._fetch)

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keeper.get().value}"}

    def invalidate(self, headers_used: Mapping[str, str]) -> None:
        used = headers_used.get("Authorization", "")
        self.keeper.invalidate(used.removeprefix("Bearer ") or None)

    def close(self) -> None:
        self._session.close()

    def _fetch(self) -> CachedToken:
        try:
            # A token request changes nothing on the server, so it is safe to repeat after a lost answer.
            response = self._session.request(
                "POST",
                self.token_url,
                safe_to_repeat=True,
                data={"grant_type": "client_credentials", "scope": self._scope},
                headers={"Authorization": basic_header(self._client_id, self._client_secret)},
            )
        except RetriableError:
            raise
        except ApiError as exc:  # IDCS answers 400 invalid_client / invalid_scope
            raise AuthenticationError(
                "Oracle IDCS refused the client credentials",
                hint=HINT,
                context=exc.context,
            ) from exc
        except AuthenticationError as exc:
            raise AuthenticationError(str(exc.message), hint=HINT, context=exc.context) from exc
        try:
            body = response.json()
            token = str(body["access_token"])
            expires_in = float(body.get("expires_in") or DEFAULT_EXPIRES_IN)
        except (ValueError, KeyError, TypeError) as exc:
            raise AuthenticationError("Oracle IDCS answered without an access token", hint=HINT) from exc
        self._redactor.rotate(self._token_slot, token)
        return CachedToken.lasting(token, expires_in)


def authenticator_for(settings: OracleSettings, token_session: ApiSession) -> BasicAuth | ClientCredentialsAuth:
    """The authenticator a connection's settings ask for."""
    if settings.auth is AuthKind.BASIC:
        return BasicAuth(settings.user, settings.password.get_secret_value(), redactor=token_session.redactor)
    return ClientCredentialsAuth(
        settings.token_url,
        settings.client_id,
        settings.client_secret.get_secret_value(),
        settings.scope,
        session=token_session,
    )
