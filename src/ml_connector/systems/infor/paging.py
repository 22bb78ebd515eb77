"""Paging that neither loops nor stops early, one strategy per product line.

- M3 has no offset: lists run over a date range with `maxrecs`. A full page means "maybe more" and its
  window is read again in smaller parts, so `DateWindowPager` sizes windows from the density it has
  learned to avoid full pages; a single day over a page is read with `maxrecs=0` (no limit, infor.md 2.1).
  It makes those decisions and never sees HTTP.
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
CEILING = 0.9  # the most of a page a window is expected to hold


@dataclass(frozen=True)
class DateWindow:
    """An inclusive range of days [start, end]."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def single_day(self) -> bool:
        return self.start >= self.end


class DateWindowPager(Generic[T]):
    """Reads every record of [start, end] through `fetch(window, maxrecs)`, sizing windows from what it learns.

    `fetch` returns at most `maxrecs` records (0 = all). A window is complete when it returns fewer than a page;
    a full page means "maybe more" and is read again in smaller windows, so the pager tries not to ask for one:

    - it keeps a density (records per day) measured on the windows it read, and sizes the next window to hold
      `fill` of a page;
    - a full page still teaches it something: with `day_of`, the days its records span give a density, and days
      before the earliest one are read as one window of their own (history before the first posting is empty
      and costs one call, not one per window);
    - a single day is read at once without a limit (a day cannot be split: the lists take dates, not a start
      key), so a day over a page costs one call, not a full page and then the day.

    Correctness never rests on the guesses: every record comes from a window that returned less than a page
    or from a single day read without a limit, and the windows cover [start, end] once, in date order.
    """

    def __init__(
        self,
        fetch: Callable[[DateWindow, int], list[T]],
        page_size: int,
        day_of: Callable[[T], date | None] | None = None,
        *,
        fill: float = 0.75,
    ) -> None:
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        if not 0 < fill <= 1:
            raise ValueError("fill must be in (0, 1]")
        self.fetch = fetch
        self.page_size = page_size
        self.day_of = day_of
        self.fill = fill
        self.calls = 0
        self.returned = 0  # records fetched, kept or not (a full page read again counts twice)
        self.density: float | None = None  # records per day, learned

    def read(self, start: date, end: date) -> Iterator[T]:
        cursor = start
        gap_end: date | None = None  # a stretch before the earliest day a full page showed
        while cursor <= end:
            gap = gap_end is not None and gap_end >= cursor
            if gap_end is not None and gap:
                window = DateWindow(cursor, gap_end)
            else:
                days = min(self._window_days(), (end - cursor).days + 1)
                window = DateWindow(cursor, cursor + timedelta(days=days - 1))
            gap_end = None
            if window.single_day:
                # A day cannot be split (the lists take dates, not a start key): read it whole, in one call,
                # rather than a page first and then the day again when the page is full.
                records = self._fetch(window, 0)
            else:
                records = self._fetch(window, self.page_size)
                if len(records) >= self.page_size:
                    gap_end = self._learn_from_full(window, records)
                    continue
            if not gap:  # a gap is expected to be empty: it says nothing about the density after it
                self._learn(len(records), window.days)
            yield from records
            if window.end >= end:
                return
            cursor = window.end + timedelta(days=1)

    def _window_days(self) -> int:
        if not self.density:
            return 1 << 30  # nothing (or nothing but empty days) learned yet: the whole rest, if it fits
        # Rounded, not truncated: days are coarse (at 190 a day and 375 wanted, 1.97 days is 2, not 1), but never
        # so far up that the expected count nears a full page.
        days = max(1, round(self.fill * self.page_size / self.density))
        while days > 1 and days * self.density > CEILING * self.page_size:
            days -= 1
        return days

    def _learn(self, count: int, days: int) -> None:
        seen = count / days
        # Recent windows weigh more: a ledger's density changes over the year, not from day to day.
        self.density = seen if self.density is None else (self.density + seen) / 2

    def _learn_from_full(self, window: DateWindow, page: list[T]) -> date | None:
        """The density a full page shows (at least a page over the window); the end of an apparent gap."""
        floor = self.page_size / window.days
        days = sorted(d for d in (self.day_of(r) for r in page) if d is not None) if self.day_of else []
        days = [d for d in days if window.start <= d <= window.end]
        if not days:
            self.density = max(2 * floor, self.density or 0.0)
            return None
        span = (days[-1] - days[0]).days + 1
        # A full page always means more than it showed, so the density is raised, never lowered, by it.
        self.density = max(len(page) / span, floor * 1.5, self.density or 0.0)
        if days[0] > window.start:
            return days[0] - timedelta(days=1)
        return None

    def _fetch(self, window: DateWindow, maxrecs: int) -> list[T]:
        self.calls += 1
        records = self.fetch(window, maxrecs)
        self.returned += len(records)
        return records


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
