"""The tenant's authorization server state: clients, issued tokens, refresh tokens, the login limit.

Sources (the shared API notes, `api/infor.md` section 1): password grant with the service-account keys, client
credentials in the body or as Basic auth; refresh tokens only when the authorized app issues them;
revoke; default access-token lifetime 2 hours; service-account authentications peak 20 per minute.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Credentials:
    """What the `.ionapi` file carries for the one authorized app of the emulated tenant."""

    tenant: str = "ACME_TST"
    client_name: str = "ML_CONNECTOR_ACME_TST"
    client_id: str = "ACME_TST~mlConnectorEmulatorClient"
    client_secret: str = "emulator-client-secret-ACME"  # noqa: S105 - a fixed emulator credential
    service_key: str = "ACME_TST#mlConnectorEmulatorServiceAccount"
    service_secret: str = "emulator-service-secret-ACME"  # noqa: S105 - a fixed emulator credential


@dataclass
class TokenPolicy:
    """Authorized-app settings. `access_ttl` is seconds (the product allows hours; tests use seconds)."""

    access_ttl: int = 7200
    issue_refresh_tokens: bool = True
    # ASSUMPTION: refresh tokens live 8 hours; the product lets admins choose hours or days and the LN guide's "0
    # Hours" default is unexplained.
    refresh_ttl: int = 8 * 3600
    # Infor OS Essentials: service-account authentications, max peak per minute and per day.
    logins_per_minute: int = 20
    logins_per_day: int = 1000


@dataclass
class _Issued:
    expires: float
    generation: int
    kind: str = "access"


@dataclass
class TokenStore:
    """Issues and checks tokens. `expire_all()` invalidates every token issued so far at once."""

    policy: TokenPolicy = field(default_factory=TokenPolicy)
    clock: Callable[[], float] = time.time
    _access: dict[str, _Issued] = field(default_factory=dict)
    _refresh: dict[str, _Issued] = field(default_factory=dict)
    _logins: deque[float] = field(default_factory=deque)
    _generation: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def login_wait(self) -> int:
        """Seconds until a service-account login is allowed again; 0 if allowed now (and counts it)."""
        with self._lock:
            now = self.clock()
            while self._logins and self._logins[0] <= now - 86400:
                self._logins.popleft()
            day_count = len(self._logins)
            minute = [t for t in self._logins if t > now - 60]
            if day_count >= self.policy.logins_per_day:
                return max(1, int(self._logins[0] + 86400 - now) + 1)
            if len(minute) >= self.policy.logins_per_minute:
                return max(1, int(minute[0] + 60 - now) + 1)
            self._logins.append(now)
            return 0

    def issue(self) -> tuple[str, int, str | None]:
        """A new access token (and refresh token if the app issues them): (access, expires_in, refresh)."""
        with self._lock:
            now = self.clock()
            # ASSUMPTION: tokens are opaque strings (real ones look like JWTs, "eyJ..."); clients must not parse them.
            access = secrets.token_urlsafe(32)
            self._access[access] = _Issued(now + self.policy.access_ttl, self._generation)
            refresh = None
            if self.policy.issue_refresh_tokens:
                refresh = secrets.token_urlsafe(32)
                self._refresh[refresh] = _Issued(now + self.policy.refresh_ttl, self._generation, "refresh")
            return access, self.policy.access_ttl, refresh

    def use_refresh(self, refresh: str) -> bool:
        """Consume a refresh token; False if unknown, revoked or expired."""
        with self._lock:
            # ASSUMPTION: a refresh token works once; the refresh answer carries a new one (the SDK README: "obtain a
            # new access_token and refresh_token").
            issued = self._refresh.pop(refresh, None)
            # ASSUMPTION: expire-tokens-now ends access tokens only; refresh tokens live their own lifetime.
            return issued is not None and issued.expires > self.clock()

    def valid(self, access: str) -> bool:
        with self._lock:
            issued = self._access.get(access)
            return issued is not None and issued.generation == self._generation and issued.expires > self.clock()

    def revoke(self, token: str) -> None:
        with self._lock:
            self._access.pop(token, None)
            self._refresh.pop(token, None)

    def expire_all(self) -> None:
        with self._lock:
            self._generation += 1

    def clear_logins(self) -> None:
        """Forget past logins (the per-minute and per-day windows start again)."""
        with self._lock:
            self._logins.clear()
