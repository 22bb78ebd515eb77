"""The one place httpx clients are made: timeouts, pooling, and a swappable transport for tests."""

from __future__ import annotations

import httpx

DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=120.0, write=120.0, pool=30.0)
DEFAULT_LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=30.0)


def make_client(
    *,
    timeout: httpx.Timeout | float | None = None,
    transport: httpx.BaseTransport | None = None,
    verify: bool = True,
) -> httpx.Client:
    """An httpx client with ml-connector's defaults. Pass `transport=` to swap the network out."""
    return httpx.Client(
        timeout=timeout if timeout is not None else DEFAULT_TIMEOUT,
        limits=DEFAULT_LIMITS,
        transport=transport,
        verify=verify,
        follow_redirects=False,
        headers={"User-Agent": "ml-connector"},
    )
