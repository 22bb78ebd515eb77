"""Offset paging over Fusion collections that can neither loop nor stop early.

Oracle's `hasMore` is known to disagree with the page size, and `limit` over the cap (499 or 500) is cut
silently. So a read stops on an empty page or a page shorter than the limit the server *used* (its
echoed `limit`), keeps going after a full page even when `hasMore` says false, and fails loudly when the
same page comes back twice or paging runs past `max_pages`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ml_connector.errors import ApiError
from ml_connector.http import ApiSession
from ml_connector.systems.oracle.errors import PagingError

MAX_PAGES = 100_000
FRAMEWORK_HEADERS = {"REST-Framework-Version": "2", "Accept": "application/json"}


@dataclass
class PageCursor:
    """The state of one paged read; `advance` decides what comes next from one page's metadata."""

    limit: int
    offset: int = 0
    pages: int = 0
    done: bool = False
    _last_fingerprint: tuple[str, ...] | None = field(default=None, repr=False)

    def advance(self, page: Mapping[str, Any], fingerprint: tuple[str, ...]) -> None:
        """Take one page's `count`/`limit`/`hasMore` and the keys of its items; set `offset` or `done`."""
        self.pages += 1
        count = len(fingerprint)
        if count == 0:
            self.done = True
            return
        if fingerprint == self._last_fingerprint:
            raise PagingError(f"Oracle returned the same page twice at offset {self.offset}; paging stopped")
        if self.pages >= MAX_PAGES:
            raise PagingError(f"paging did not end after {MAX_PAGES} pages")
        self._last_fingerprint = fingerprint
        used = page.get("limit")
        # The echoed limit is what the server applied (the cap); trust the smaller of the two.
        effective = min(self.limit, used) if isinstance(used, int) and used > 0 else self.limit
        self.offset += count
        # A short page ends the read whatever hasMore says; a full one continues even if hasMore is false.
        self.done = count < effective


def item_fingerprint(item: Mapping[str, Any]) -> str:
    """A stable identity for an item, from its self link when present, else its values."""
    for link in item.get("links") or ():
        if isinstance(link, Mapping) and link.get("rel") == "self":
            return str(link.get("href"))
    return repr(sorted((k, repr(v)) for k, v in item.items()))


def self_link(item: Mapping[str, Any]) -> str | None:
    """The item's `self` link, which is how child collections with hash keys are reached."""
    for link in item.get("links") or ():
        if isinstance(link, Mapping) and link.get("rel") == "self" and link.get("href"):
            return str(link["href"])
    return None


def local_link(href: str, base_url: str) -> str:
    """A server-given link as something safe to request: kept when it is under `base_url`, else reduced to
    its path below the version root, so our credentials never go to a host the link names."""
    if href.startswith(base_url.rstrip("/") + "/"):
        return href
    _, marker, rest = href.partition("/fscmRestApi/resources/")
    if not marker:
        raise ApiError(f"Oracle returned a link outside the REST API: {href}")
    return rest.split("/", 1)[1] if "/" in rest else ""


def parse_page(response_text: str, url: str) -> dict[str, Any]:
    """A JSON object with amounts as Decimal (ids stay int: JSON integers never become floats)."""
    try:
        body = json.loads(response_text, parse_float=Decimal)
    except ValueError as exc:
        raise ApiError(f"Oracle answered {url} with a body that is not JSON") from exc
    if not isinstance(body, dict):
        raise ApiError(f"Oracle answered {url} with JSON that is not a collection")
    return body


def read_collection(
    session: ApiSession, path: str, params: Mapping[str, str] | None = None, *, page_size: int = 499
) -> Iterator[dict[str, Any]]:
    """Every item of a collection, page by page (amounts parsed as Decimal, ids as int)."""
    yield from first_page(session, path, params, page_size=page_size).all(session)


@dataclass
class Opening:
    """A collection's first page, read, and where its paging stands: `all` yields the page's items and
    then the rest of the collection. Lets the first page of many collections be read at once."""

    path: str
    params: Mapping[str, str] | None
    items: list[dict[str, Any]]
    cursor: PageCursor

    def all(self, session: ApiSession) -> Iterator[dict[str, Any]]:
        yield from self.items
        while not self.cursor.done:
            yield from _next_page(session, self.path, self.params, self.cursor)


def first_page(
    session: ApiSession, path: str, params: Mapping[str, str] | None = None, *, page_size: int = 499
) -> Opening:
    """The first page of a collection, with what is needed to read the rest (`Opening.all`)."""
    cursor = PageCursor(limit=page_size)
    return Opening(path, params, _next_page(session, path, params, cursor), cursor)


def _next_page(
    session: ApiSession, path: str, params: Mapping[str, str] | None, cursor: PageCursor
) -> list[dict[str, Any]]:
    query = {**(params or {}), "limit": str(cursor.limit), "offset": str(cursor.offset)}
    response = session.request("GET", path, params=query, headers=FRAMEWORK_HEADERS)
    body = parse_page(response.text, path)
    items = body.get("items") or []
    if not isinstance(items, list):
        raise ApiError(f"Oracle answered {path} with `items` that is not a list")
    cursor.advance(body, tuple(item_fingerprint(i) for i in items))
    return [i for i in items if isinstance(i, dict)]
