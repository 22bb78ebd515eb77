"""A kept token: fetched once, shared by threads, refreshed before it runs out.

Every system's auth (Anaplan, Infor, Oracle) keeps its token in a `TokenKeeper`, which asks for a
new one only when the current one is within `margin` of its expiry or was rejected. A 401 calls
`invalidate(token)`: only the token that was rejected is dropped, so many threads hitting one 401 at
once cause one re-authentication, not one each.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ml_connector.errors import RetriableError


@dataclass(frozen=True)
class CachedToken:
    """A bearer value and when it stops working (monotonic seconds). `refresh` is an opaque handle."""

    value: str
    expires_at: float
    refresh: str | None = None

    def __repr__(self) -> str:
        return f"CachedToken(value='***', expires_at={self.expires_at:.0f})"

    @staticmethod
    def lasting(value: str, seconds: float, refresh: str | None = None) -> CachedToken:
        return CachedToken(value=value, expires_at=time.monotonic() + seconds, refresh=refresh)


class TokenKeeper:
    """Holds one token; `get()` returns a live one, renewing it ahead of expiry.

    `fetch()` gets a brand-new token (a login); `renew(old)` extends or rotates one without a login
    (Anaplan's /token/refresh, an OAuth refresh grant) and may return None to fall back to `fetch`.
    """

    def __init__(
        self,
        fetch: Callable[[], CachedToken],
        renew: Callable[[CachedToken], CachedToken | None] | None = None,
        *,
        margin: float = 300.0,
        margin_share: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._renew = renew
        self._margin = margin
        self._margin_share = margin_share
        self._clock = clock
        self._token: CachedToken | None = None
        self._issued_at = 0.0
        self._lock = threading.Lock()
        self.fetches = 0
        self.renewals = 0

    def _due(self, token: CachedToken) -> bool:
        # A 5-minute margin is right for hour-long tokens, too much for 60-second test tokens.
        lifetime = max(token.expires_at - self._issued_at, 0.0)
        margin = min(self._margin, lifetime * self._margin_share)
        return self._clock() >= token.expires_at - margin

    def get(self) -> CachedToken:
        with self._lock:
            token = self._token
            if token is not None and not self._due(token):
                return token
            try:
                renewed = self._replace(token)
            except RetriableError:
                # Renewing early is a precaution: while the kept token still works, a busy or unreachable
                # auth service must not fail the request; a later call tries again.
                if token is not None and self._clock() < token.expires_at:
                    return token
                raise
            self._token, self._issued_at = renewed, self._clock()
            return renewed

    def _replace(self, token: CachedToken | None) -> CachedToken:
        renewed = None
        if token is not None and self._renew is not None and self._clock() < token.expires_at:
            renewed = self._renew(token)
            if renewed is not None:
                self.renewals += 1
        if renewed is None:
            renewed = self._fetch()
            self.fetches += 1
        return renewed

    def invalidate(self, rejected: str | None = None) -> None:
        """Forget the token (only if it is still the `rejected` one, when given)."""
        with self._lock:
            if self._token is not None and (rejected is None or self._token.value == rejected):
                self._token = None

    def peek(self) -> CachedToken | None:
        return self._token
