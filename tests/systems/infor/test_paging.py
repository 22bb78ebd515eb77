from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml_connector.errors import ApiError
from ml_connector.records import JournalDraft, JournalLineDraft
from ml_connector.systems.infor.m3_posting import parm_line, parse_parm
from ml_connector.systems.infor.paging import CursorGuard, DateWindow, DateWindowPager, next_link
from ml_connector.systems.infor.values import parse_amount, parse_csi_stamp, parse_day, parse_m3_stamp

START = date(2025, 1, 1)


def _source(days: list[int]) -> list[tuple[date, int]]:
    return [(START + timedelta(days=d), n) for n, d in enumerate(sorted(days))]


@given(st.lists(st.integers(0, 60), max_size=80), st.integers(1, 9))
def test_date_windows_read_every_record_once(days: list[int], page: int) -> None:
    records = _source(days)

    def fetch(window: DateWindow, maxrecs: int) -> list[tuple[date, int]]:
        hits = [r for r in records if window.start <= r[0] <= window.end]
        return hits[:maxrecs] if maxrecs else hits

    pager = DateWindowPager(fetch, page)
    out = list(pager.read(START, START + timedelta(days=60)))
    assert out == records  # all of them, once, in date order
    assert pager.calls <= 1 + 4 * (len(records) + 1) * 7


def test_a_full_single_day_is_read_without_a_limit() -> None:
    records = _source([3] * 10)
    asked: list[int] = []

    def fetch(window: DateWindow, maxrecs: int) -> list[tuple[date, int]]:
        asked.append(maxrecs)
        hits = [r for r in records if window.start <= r[0] <= window.end]
        return hits[:maxrecs] if maxrecs else hits

    assert len(list(DateWindowPager(fetch, 4).read(START, START + timedelta(days=7)))) == 10
    assert 0 in asked


def test_empty_range_reads_nothing() -> None:
    pager = DateWindowPager(lambda w, m: [1], 5)
    assert list(pager.read(date(2025, 2, 1), date(2025, 1, 1))) == []
    with pytest.raises(ValueError):
        DateWindowPager(lambda w, m: [], 0)


def test_cursor_guard_refuses_a_repeat() -> None:
    guard = CursorGuard("bookmark")
    guard.check("a")
    with pytest.raises(ApiError, match="same bookmark twice"):
        guard.check("a")


def test_next_link() -> None:
    assert next_link({"_links": [{"rel": "next", "href": "/x?_next=1"}]}) == "/x?_next=1"
    assert next_link({"_links": []}) is None
    assert next_link([]) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("120.50", Decimal("120.50")),
        ("-845.20", Decimal("-845.20")),
        ("  7 ", Decimal(7)),
        (".5", Decimal("0.5")),
        ("12O.50", None),
        ("", None),
        (None, None),
        ("NaN", None),
        ("1e5", None),
        ("1,000.00", None),
    ],
)
def test_parse_amount(text: str | None, expected: Decimal | None) -> None:
    assert parse_amount(text) == expected


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**12), max_value=10**12))
def test_amount_text_round_trips(value: Decimal) -> None:
    assert parse_amount(f"{value:f}") == value


def test_dates_and_stamps() -> None:
    assert parse_day("20251130") == date(2025, 11, 30)
    assert parse_day("20251130 13:45:00.123") == date(2025, 11, 30)
    assert parse_day("20251131") is None
    assert parse_day("2025-11-30") is None
    assert parse_csi_stamp("20251130 13:45:00.123") == datetime(2025, 11, 30, 13, 45, 0, 123000, tzinfo=UTC)
    assert parse_m3_stamp("20251130134500123") == datetime(2025, 11, 30, 13, 45, 0, 123000, tzinfo=UTC)
    assert parse_m3_stamp("garbage") is None


def test_parm_layout_is_fixed_width() -> None:
    draft = JournalDraft(
        reference="PLAN-2026-01",
        ledger="US1",
        period="2026-01",
        accounting_date=date(2026, 1, 31),
        currency="USD",
        description="Budget",
        lines=(JournalLineDraft("6200", "1100", Decimal("-1234.50")),),
    )
    parm = parm_line(draft, draft.lines[0])
    assert len(parm) == 48
    assert parse_parm(parm) == {"ACDT": "20260131", "AIT1": "6200", "AIT2": "1100", "CUCD": "USD", "ACAM": "-1234.50"}
