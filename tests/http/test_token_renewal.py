"""an early renewal that fails for a passing reason must not fail a request the kept token still serves."""

from __future__ import annotations

import pytest

from ml_connector.errors import AuthenticationError, UnavailableError
from ml_connector.http import CachedToken, TokenKeeper
from tests.http.test_tokens import Clock


def test_failed_renewal_inside_the_margin_keeps_the_live_token() -> None:
    clock = Clock()
    fail = [False]

    def fetch() -> CachedToken:
        if fail[0]:
            raise UnavailableError("auth service is unavailable")
        return CachedToken("t0", clock.now + 2100)

    def renew(old: CachedToken) -> CachedToken:
        raise UnavailableError("auth service is unavailable")

    keeper = TokenKeeper(fetch, renew, margin=300, clock=clock)
    assert keeper.get().value == "t0"
    fail[0] = True
    clock.now += 1900  # inside the margin, 200 s before expiry: renewal fails, the token still works
    assert keeper.get().value == "t0"
    clock.now += 300  # past expiry: nothing left to fall back on
    with pytest.raises(UnavailableError):
        keeper.get()


def test_failed_refetch_inside_the_margin_keeps_the_live_token() -> None:
    clock = Clock()
    calls = [0]

    def fetch() -> CachedToken:
        calls[0] += 1
        if calls[0] > 1:
            raise UnavailableError("token endpoint is unavailable")
        return CachedToken("t0", clock.now + 3600)

    keeper = TokenKeeper(fetch, margin=300, clock=clock)
    keeper.get()
    clock.now += 3500
    assert keeper.get().value == "t0"


def test_refused_credentials_are_not_hidden_by_the_live_token() -> None:
    clock = Clock()
    calls = [0]

    def fetch() -> CachedToken:
        calls[0] += 1
        if calls[0] > 1:
            raise AuthenticationError("refused")
        return CachedToken("t0", clock.now + 3600)

    keeper = TokenKeeper(fetch, margin=300, clock=clock)
    keeper.get()
    clock.now += 3500
    with pytest.raises(AuthenticationError):
        keeper.get()
