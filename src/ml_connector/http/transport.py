"""The one place httpx clients are made: timeouts, pooling, and a swappable transport for tests."""

from __future__ import annotations

import httpx

DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=120.0, write=120.0, pool=30.0)
DEFAULT_LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=30.0)


class ResponseCookies(httpx.Cookies):
    """The client's cookie jar, which looks at an answer only when it sets a cookie.

    httpx hands every answer to the jar through two compatibility objects for `http.cookiejar`; building
    them cost about a tenth of a read's CPU, for answers that (API answers, nearly always) set none.
    What the jar keeps and sends is unchanged."""

    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers:
            super().extract_cookies(response)


def make_client(
    *,
    timeout: httpx.Timeout | float | None = None,
    transport: httpx.BaseTransport | None = None,
    verify: bool = True,
) -> httpx.Client:
    """An httpx client with ml-connector's defaults. Pass `transport=` to swap the network out."""
    client = httpx.Client(
        timeout=timeout if timeout is not None else DEFAULT_TIMEOUT,
        limits=DEFAULT_LIMITS,
        transport=transport,
        verify=verify,
        follow_redirects=False,
        headers={"User-Agent": "ml-connector"},
    )
    # The `cookies` setter would copy the jar into a plain `Cookies`; the attribute keeps our class.
    client._cookies = ResponseCookies()  # noqa: SLF001 - see ResponseCookies
    return client
