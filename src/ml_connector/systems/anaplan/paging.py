"""Offset paging of Anaplan list endpoints (`?limit=&offset=`, at most 5000 a page).

`next_offset` is the pure decision, tested on its own: read `meta.paging` (`currentPageSize`,
`totalSize`, `offset`), stop at the end, and refuse a page that does not move forward (a server that
returns the same page twice would otherwise loop forever). An empty page leaves its key out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ml_connector.errors import ApiError

MAX_PAGE = 5000


def next_offset(body: dict[str, Any], key: str, offset: int, limit: int) -> int | None:
    """The offset of the next page after the page `body` read at `offset`, or None when done."""
    items = body.get(key) or []
    received = len(items)
    meta = body.get("meta")
    paging = meta.get("paging") if isinstance(meta, dict) else None
    if not isinstance(paging, dict):
        # No paging block: the endpoint returned everything at once.
        return None
    total = paging.get("totalSize")
    if received == 0:
        return None
    following = offset + received
    if isinstance(total, int):
        return following if following < total else None
    # Without a total, a full page means there may be more; `next` says so explicitly.
    return following if received >= limit or paging.get("next") else None


def paged_items(
    fetch: Callable[[dict[str, int]], dict[str, Any]], key: str, limit: int = MAX_PAGE, max_pages: int = 100_000
) -> Iterator[dict[str, Any]]:
    """Yield every item under `key`, page by page; `fetch(params)` gets one page's JSON body."""
    offset = 0
    previous: list[Any] | None = None
    for _ in range(max_pages):
        body = fetch({"limit": limit, "offset": offset})
        items = body.get(key) or []
        answered = _paging(body).get("offset")
        if isinstance(answered, int) and answered != offset:
            raise ApiError(f"Anaplan answered offset {answered} under '{key}' when asked for {offset}")
        if items and items == previous:
            raise ApiError(f"Anaplan returned the same page twice under '{key}' (offset {offset}); stopping")
        previous = items
        yield from items
        following = next_offset(body, key, offset, limit)
        if following is None:
            return
        offset = following
    raise ApiError(f"Anaplan paging under '{key}' went past {max_pages} pages")


def _paging(body: dict[str, Any]) -> dict[str, Any]:
    meta = body.get("meta")
    paging = meta.get("paging") if isinstance(meta, dict) else None
    return paging if isinstance(paging, dict) else {}
