"""`InforAuth`: the ION API bearer token, kept and renewed, never fetched per request.

infor.md 1.2-1.3: password grant with the service account (or client credentials without one) at
`pu + ot`; the token lives `expires_in` seconds (whatever the tenant chose, 1 to 24 hours; default 2 h);
a refresh token, when the app issues one, renews it without a login. Logins are scarce (20 per minute,
1,000 per day on the Essentials tier), so: one kept token per connection (`TokenKeeper` renews it ahead
of expiry), the refresh grant before any login, and a 401 drops only the rejected token, once.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from ml_connector.errors import ApiError, AuthenticationError, ConnectorError, RetriableError
from ml_connector.http import ApiSession, CachedToken, TokenKeeper
from ml_connector.systems.infor.ionapi import IonApiCredentials

log = logging.getLogger("ml_connector.systems.infor")
DEFAULT_EXPIRES_IN = 7200  # infor.md 1.3: the default access-token lifetime is 2 hours


class InforAuth:
    """Supplies `Authorization: Bearer ...` for the gateway; an `Authenticator` for `ApiSession`.

    `session` talks to the authorization server (`pu`); it carries the tenant budget, retry policy and
    redactor, with which the `.ionapi` secrets and every token are registered.
    `logins` and `refreshes` count grants, so tests can show the client logs in no more than it must.
    """

    def __init__(
        self,
        credentials: IonApiCredentials,
        session: ApiSession,
        *,
        grant: str = "password",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.credentials = credentials
        self.session = session
        self._redactor = session.redactor
        self._redactor.register(*credentials.secret_values())
        client = basic_auth(credentials.client_id.get_secret_value(), credentials.client_secret.get_secret_value())
        self._redactor.register(client.removeprefix("Basic "))
        # Slots of the values that replace each other: the access token and the refresh token.
        self._access_slot, self._refresh_slot = object(), object()
        self.grant = grant
        self._refresh: str | None = None
        self._refresh_lock = threading.Lock()
        self._clock = clock
        self.keeper = TokenKeeper(self._obtain, self._renew, clock=clock)
        self.logins = 0
        self.refreshes = 0

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keeper.get().value}"}

    def invalidate(self, headers_used: Mapping[str, str]) -> None:
        used = headers_used.get("Authorization", "").removeprefix("Bearer ").strip()
        self.keeper.invalidate(used or None)

    def token(self) -> CachedToken:
        return self.keeper.get()

    def _renew(self, old: CachedToken) -> CachedToken | None:
        # Ahead of expiry: the refresh grant if the app issues refresh tokens, otherwise a new login.
        return self._refresh_grant(old.refresh) if old.refresh else None

    def _obtain(self) -> CachedToken:
        # After a 401 or expiry the access token is gone, but a refresh token may still be good.
        with self._refresh_lock:
            refresh = self._refresh
        if refresh:
            token = self._refresh_grant(refresh)
            if token is not None:
                return token
        return self._login()

    def _login(self) -> CachedToken:
        c = self.credentials
        form = {
            "client_id": c.client_id.get_secret_value(),
            "client_secret": c.client_secret.get_secret_value(),
        }
        if self.grant == "password" and c.service_key is not None and c.service_secret is not None:
            # saak already holds "TENANT#..."; it is sent as-is (form encoding turns # into %23).
            form |= {
                "grant_type": "password",
                "username": c.service_key.get_secret_value(),
                "password": c.service_secret.get_secret_value(),
            }
        else:
            form["grant_type"] = "client_credentials"
        try:
            answer = self._post(form)
        except AuthenticationError:
            raise
        except ApiError as exc:
            status = exc.context.status if exc.context else None
            if status in (400, 401):
                raise AuthenticationError(
                    "Infor refused the .ionapi credentials",
                    hint="Check that the authorized app and its service account still exist; download the "
                    ".ionapi file again and import it (`ml-connector connection import-ionapi`).",
                    context=exc.context,
                ) from None
            raise
        self.logins += 1
        return self._remember(answer)

    def _refresh_grant(self, refresh: str) -> CachedToken | None:
        c = self.credentials
        form = {
            "grant_type": "refresh_token",
            "refresh_token": refresh,
            "client_id": c.client_id.get_secret_value(),
            "client_secret": c.client_secret.get_secret_value(),
        }
        try:
            answer = self._post(form)
        except RetriableError:
            raise  # the endpoint is busy or unreachable: the refresh token is still good, keep it
        except ConnectorError as exc:
            # An expired or revoked refresh token: fall back to a login, once.
            log.info("infor refresh grant refused, logging in", extra={"error": type(exc).__name__})
            with self._refresh_lock:
                self._refresh = None
            return None
        self.refreshes += 1
        # RFC 6749 section 6: without a new refresh token in the answer, the one just used stays valid.
        return self._remember(answer, keep_refresh=refresh)

    def _post(self, form: dict[str, str]) -> dict[str, Any]:
        # A token request is safe to repeat: a second grant just issues another token.
        response = self.session.request(
            "POST",
            self.credentials.token_url,
            data=form,
            headers={"Accept": "application/json"},
            safe_to_repeat=True,
        )
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise AuthenticationError(
                "Infor's token endpoint answered without an access_token",
                hint="Check the .ionapi fields 'pu' and 'ot' (token URL = pu + ot).",
            )
        return body

    def _remember(self, answer: dict[str, Any], keep_refresh: str | None = None) -> CachedToken:
        access = str(answer["access_token"])
        refresh = answer.get("refresh_token")
        refresh = str(refresh) if refresh else keep_refresh
        self._redactor.rotate(self._access_slot, access)
        self._redactor.rotate(self._refresh_slot, refresh)
        try:
            seconds = float(answer.get("expires_in", DEFAULT_EXPIRES_IN))
        except (TypeError, ValueError):
            seconds = DEFAULT_EXPIRES_IN
        with self._refresh_lock:
            self._refresh = refresh
        return CachedToken(value=access, expires_at=self._clock() + max(seconds, 1.0), refresh=refresh)

    def revoke(self) -> None:
        """Revoke the refresh token (best effort), so a closed connection leaves nothing usable behind."""
        with self._refresh_lock:
            refresh, self._refresh = self._refresh, None
        if not refresh:
            return
        c = self.credentials
        try:
            self.session.request(
                "POST",
                c.revoke_url,
                data={"token": refresh, "token_type_hint": "refresh_token"},
                headers={
                    "Authorization": basic_auth(c.client_id.get_secret_value(), c.client_secret.get_secret_value())
                },
                safe_to_repeat=True,
            )
        except ConnectorError as exc:
            log.info("infor token revoke failed", extra={"error": type(exc).__name__})


def basic_auth(user: str, secret: str) -> str:
    """An HTTP Basic header value (client authentication at the revoke endpoint, infor.md 1.3)."""
    return "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()
