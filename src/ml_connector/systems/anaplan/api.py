"""`AnaplanApi`: the Integration API calls as JSON in, JSON out, over the shared `ApiSession`.

Every call names what it was doing, so an error reads "Anaplan model is busy while starting import
'Load Actuals'" rather than a bare status. Paths are relative to `api_url` (`.../2/0`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from ml_connector.errors import ApiError, ConnectorError
from ml_connector.http import ApiSession
from ml_connector.systems.anaplan.errors import translate
from ml_connector.systems.anaplan.paging import MAX_PAGE, paged_items


class AnaplanApi:
    """JSON calls with Anaplan's error translation; the one place the Anaplan modules meet httpx."""

    def __init__(self, session: ApiSession) -> None:
        self.session = session

    def get(self, path: str, what: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.json("GET", path, what, params=params)

    def json(self, method: str, path: str, what: str, **kwargs: Any) -> dict[str, Any]:
        response = self.call(method, path, what, **kwargs)
        if not response.content:
            return {}
        try:
            body = response.json()
        except ValueError:
            raise ApiError(f"Anaplan answered {what} with a body that is not JSON") from None
        if not isinstance(body, dict):
            raise ApiError(f"Anaplan answered {what} with JSON that is not an object")
        return body

    def call(self, method: str, path: str, what: str, **kwargs: Any) -> httpx.Response:
        try:
            return self.session.request(method, path, **kwargs)
        except ConnectorError as exc:
            translated = translate(exc, what)
            if translated is exc:
                raise
            raise translated from exc

    def items(self, path: str, key: str, what: str, limit: int = MAX_PAGE) -> list[dict[str, Any]]:
        """Every item of a paged list endpoint."""
        return list(paged_items(lambda params: self.get(path, what, params), key, limit))

    @contextmanager
    def stream(self, path: str, what: str) -> Iterator[Iterator[bytes]]:
        """The body of a GET as an iterator of byte blocks, not read into memory."""
        try:
            with self.session.stream("GET", path) as response:
                yield response.iter_bytes()
        except ConnectorError as exc:
            translated = translate(exc, what)
            if translated is exc:
                raise
            raise translated from exc
