"""The M3 date-window pager's decisions, against a fake source (no HTTP): every record once and in date order,
windows that tile the range, a day read whole at most once, and few full pages read twice."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_connector.systems.infor.paging import DateWindow, DateWindowPager

START = date(2024, 1, 1)
Record = tuple[str, date, int]  # (group, day, number)


@dataclass
class FakeSource:
    """Records listed by group, then day (as M3 lists a company's divisions), cut at `maxrecs`."""

    records: list[Record]
    asked: list[tuple[DateWindow, int, int]] = field(default_factory=list)  # window, maxrecs, returned

    def fetch(self, window: DateWindow, maxrecs: int) -> list[Record]:
        hits = [r for r in self.records if window.start <= r[1] <= window.end]
        out = hits[:maxrecs] if maxrecs else hits
        self.asked.append((window, maxrecs, len(out)))
        return out


def source(days: list[int], groups: list[str]) -> FakeSource:
    records = [(g, START + timedelta(days=d), n) for n, (d, g) in enumerate(zip(days, groups, strict=False))]
    return FakeSource(sorted(records, key=lambda r: (r[0], r[1], r[2])))


def read(src: FakeSource, page: int, span: int, learn_days: bool = True) -> list[Record]:
    pager = DateWindowPager(src.fetch, page, (lambda r: r[1]) if learn_days else None)
    out = list(pager.read(START, START + timedelta(days=span)))
    assert pager.calls == len(src.asked)
    return out


records_strategy = st.lists(st.tuples(st.integers(0, 90), st.sampled_from("ABC")), max_size=300)


@settings(max_examples=50, deadline=None)
@given(records_strategy, st.integers(1, 40), st.booleans())
def test_every_record_once_in_date_order(rows: list[tuple[int, str]], page: int, learn_days: bool) -> None:
    src = source([d for d, _ in rows], [g for _, g in rows])
    out = read(src, page, 90, learn_days)
    assert sorted(out) == sorted(src.records)  # all of them, once
    # Window by window in date order (within a window, in the source's order).
    kept = [w for w, maxrecs, got in src.asked if maxrecs == 0 or got < page]
    at = [next(n for n, w in enumerate(kept) if w.start <= r[1] <= w.end) for r in out]
    assert at == sorted(at)


@settings(max_examples=50, deadline=None)
@given(records_strategy, st.integers(1, 40))
def test_kept_windows_tile_the_range_and_full_pages_shrink(rows: list[tuple[int, str]], page: int) -> None:
    src = source([d for d, _ in rows], [g for _, g in rows])
    read(src, page, 90)
    kept = [w for w, maxrecs, got in src.asked if maxrecs == 0 or got < page]
    assert kept[0].start == START and kept[-1].end == START + timedelta(days=90)
    for before, after in zip(kept, kept[1:], strict=False):
        assert after.start == before.end + timedelta(days=1)  # no gap, no overlap
    for n, (window, maxrecs, got) in enumerate(src.asked):
        if maxrecs == 0:
            assert window.single_day  # only a day is read without a limit
        elif got >= page:
            # A full page is never kept; the next window from the same day is shorter: at most half as long
            # (rounded up: 91 days give 46), or the stretch before the earliest day the page showed.
            following = src.asked[n + 1][0]
            assert following.start == window.start
            assert following.end < window.end
            page_days = [r[1] for r in src.records if window.start <= r[1] <= window.end][:maxrecs]
            assert following.days <= max(1, (window.days + 1) // 2) or following.end < min(page_days)
    days_read_whole = [w.start for w, maxrecs, _ in src.asked if maxrecs == 0]
    assert len(days_read_whole) == len(set(days_read_whole))  # a day is never read whole twice


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 60), st.integers(50, 400), st.integers(5, 60))
def test_an_even_ledger_wastes_at_most_a_few_pages(per_day: int, span: int, page: int) -> None:
    """After the first full page the pager knows the density: at most two full pages are read twice
    (the whole range at first, then the apparent gap before the first posting, if any)."""
    days = [d for d in range(30, span) for _ in range(per_day)]
    src = source(days, ["A"] * len(days))
    assert len(read(src, page, span)) == len(days)
    wasted = sum(1 for _, maxrecs, got in src.asked if maxrecs and got >= page)
    assert wasted <= 2
    windows = math.ceil((span - 30) / max(1, int(0.75 * page / per_day)))
    assert len(src.asked) <= wasted + 1 + windows + 2


def test_history_before_the_first_posting_costs_one_call() -> None:
    """Twenty-five empty years before a year of postings are one window, not one per window size."""
    records = [("A", date(2025, 1, 1) + timedelta(days=d), n) for n, d in enumerate(range(0, 365)) for _ in range(3)]
    src = FakeSource(sorted(records))
    pager = DateWindowPager(src.fetch, 100, lambda r: r[1])
    assert len(list(pager.read(date(2000, 1, 1), date(2025, 12, 31)))) == len(records)
    empty = [w for w, _, got in src.asked if got == 0]
    assert len(empty) == 1 and empty[0] == DateWindow(date(2000, 1, 1), date(2024, 12, 31))
    assert pager.calls <= math.ceil(len(records) / 75) + 2  # windows filled to three quarters of a page


def test_an_open_end_does_not_overflow_the_calendar() -> None:
    src = FakeSource([("A", date(9999, 12, 31), 1), ("A", date(2025, 1, 1), 2)])
    assert len(list(DateWindowPager(src.fetch, 1, lambda r: r[1]).read(date(2025, 1, 1), date.max))) == 2


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="page_size"):
        DateWindowPager(FakeSource([]).fetch, 0)
    with pytest.raises(ValueError, match="fill"):
        DateWindowPager(FakeSource([]).fetch, 10, fill=1.5)
