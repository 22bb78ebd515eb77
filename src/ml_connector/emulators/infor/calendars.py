"""Division accounting calendars of the M3 emulator: which accounting period (ACYP, YYYYPP) a date is in.

M3 keeps accounting periods per division (the system calendar's period table). The seed gives each
division a calendar kind:

- `months` (the default): period = calendar month, year = calendar year.
- `4-4-5`: 52-week fiscal years of four quarters of 4, 4 and 5 weeks. Fiscal year 2026 starts on Sunday
  28 December 2025, so period 3 ends on 28 March 2026 and 30 March is in period 4.
- `13`: the same 52-week years cut into 13 periods of four weeks.

ASSUMPTION: fiscal years are named by the calendar year they mostly fall in and are 52 weeks long in the
seeded range (no 53-week year between 2023 and 2029 here); the notes document ACYP only as "Accounting
period" (N6).
"""

from __future__ import annotations

from datetime import date, timedelta

KINDS = ("months", "4-4-5", "13")
FY2026_START = date(2025, 12, 28)  # a Sunday
YEAR_DAYS = 364
WEEKS_445 = (4, 4, 5) * 4
WEEKS_13 = (4,) * 13


def accounting_period(kind: str, day: date) -> tuple[int, int]:
    """(fiscal year, period number) of `day` on a calendar of `kind`."""
    if kind == "months":
        return day.year, day.month
    weeks = WEEKS_445 if kind == "4-4-5" else WEEKS_13
    offset = (day - FY2026_START).days
    year, into = 2026 + offset // YEAR_DAYS, offset % YEAR_DAYS
    start = 0
    for number, length in enumerate(weeks, start=1):
        start += 7 * length
        if into < start:
            return year, number
    raise AssertionError("a 52-week year holds every day")  # pragma: no cover


def period_dates(kind: str, year: int, number: int) -> tuple[date, date]:
    """First and last day of a period (for the period table and the tests)."""
    if kind == "months":
        first = date(year, number, 1)
        following = date(year + (number == 12), number % 12 + 1, 1)
        return first, following - timedelta(days=1)
    weeks = WEEKS_445 if kind == "4-4-5" else WEEKS_13
    first = FY2026_START + timedelta(days=(year - 2026) * YEAR_DAYS + 7 * sum(weeks[: number - 1]))
    return first, first + timedelta(days=7 * weeks[number - 1] - 1)


def acyp(kind: str, day: date) -> str:
    """The accounting period field ACYP: YYYYPP."""
    year, number = accounting_period(kind, day)
    return f"{year:04d}{number:02d}"
