"""Paging that neither loops nor stops early, one strategy per product line.

- M3 has no offset: lists run over a date range with `maxrecs`. A full page means "maybe more", so the
  window is halved until each part fits; a single day that is still full is read with `maxrecs=0`
  (no limit, infor.md 2.1). `DateWindowPager` makes those decisions; it never sees HTTP.
- CSI pages with `loadtype=NEXT` and the last `Bookmark` while `MoreRowsExist` (infor.md 3.2).
- FSM follows the `_links` `next` href (`_pageNav=true`).
Both cursor pagers fail when the same cursor comes back twice, instead of looping.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Generic, TypeVar

from ml_connector.errors import ApiError

T = TypeVar("T")


@dataclass(frozen=True)
class DateWindow:
    """An inclusive range of days [start, end]."""

    start: date
    end: date

    def halves(self) -> tuple[DateWindow, DateWindow]:
        middle = self.start + timedelta(days=(self.end - self.start).days // 2)
        return DateWindow(self.start, middle), DateWindow(middle + timedelta(days=1), self.end)

    @property
    def single_day(self) -> bool:
        return self.start >= self.end


class DateWindowPager(Generic[T]):
    """Reads every record of [start, end] through `fetch(window, maxrecs)`, splitting full windows.

    `fetch` returns at most `maxrecs` records (0 = all). Windows are read in date order, so records come
    out in the order the source lists them within each window.
    """

    def __init__(self, fetch: Callable[[DateWindow, int], list[T]], page_size: int) -> None:
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self.fetch = fetch
        self.page_size = page_size
        self.calls = 0

    def read(self, start: date, end: date) -> Iterator[T]:
        if start > end:
            return
        pending = [DateWindow(start, end)]
        while pending:
            window = pending.pop()
            records = self._fetch(window, self.page_size)
            if len(records) < self.page_size:
                yield from records
            elif window.single_day:
                # A day with more than a page: one call without a limit rather than stopping early.
                yield from self._fetch(window, 0)
            else:
                left, right = window.halves()
                pending += [right, left]  # left is read first

    def _fetch(self, window: DateWindow, maxrecs: int) -> list[T]:
        self.calls += 1
        return self.fetch(window, maxrecs)


class CursorGuard:
    """Remembers the cursors (bookmarks, next links) seen in one read; a repeat is an error, not a loop."""

    def __init__(self, what: str, limit: int = 100_000) -> None:
        self.what = what
        self.limit = limit
        self.seen: set[str] = set()

    def check(self, cursor: str) -> None:
        if cursor in self.seen:
            raise ApiError(
                f"Infor returned the same {self.what} twice; stopping instead of reading it again",
                hint="The source's paging is inconsistent; run again, and report it if it repeats.",
            )
        if len(self.seen) >= self.limit:
            raise ApiError(f"Infor returned more than {self.limit} pages of {self.what}; stopping")
        self.seen.add(cursor)


def next_link(meta: object) -> str | None:
    """The `next` href from an FSM list's metadata element (`{"_count": n, "_links": [...]}`)."""
    if not isinstance(meta, dict):
        return None
    for link in meta.get("_links") or []:
        if isinstance(link, dict) and link.get("rel") == "next" and isinstance(link.get("href"), str):
            return str(link["href"])
    return None
