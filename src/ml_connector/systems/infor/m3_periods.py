"""Where an M3 division's fiscal periods lie, for dating a journal into one.

The API notes document no MI transaction that lists a division's accounting periods with their dates (the
period table behind CRS900/ACYP is not in them), so the days come from the division's own GL: every voucher
line carries its accounting date (ACDT) and the accounting period M3 placed it in (ACYP, YYYYPP). The earliest
accounting date seen in a period is a day M3 itself put in that period, so a journal dated on it lands there,
whatever the calendar (months, 4-4-5, 13 periods).

ASSUMPTION: a period with no voucher line yet has no known day; its plan figures wait with the reason instead
of being dated by a guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ml_connector.records import FiscalPeriod
from ml_connector.systems.infor.canonical import fiscal_period
from ml_connector.systems.infor.values import parse_day


def first_days(records: Iterable[dict[str, str]]) -> dict[FiscalPeriod, date]:
    """The earliest accounting date (ACDT) of each accounting period (ACYP) among voucher lines."""
    out: dict[FiscalPeriod, date] = {}
    for rec in records:
        period, day = fiscal_period(rec.get("ACYP", "")), parse_day(rec.get("ACDT"))
        if period is None or day is None:
            continue  # a line without a period or date says nothing about where periods lie
        if period not in out or day < out[period]:
            out[period] = day
    return out


def year_window(year: int) -> tuple[date, date]:
    """The accounting dates read to find fiscal year `year`'s periods.

    ASSUMPTION: a fiscal year named `year` lies within the calendar years `year - 1` to `year + 1` (a 4-4-5 year
    may start in late December; a year starting in July is named by either of its calendar years)."""
    return date(year - 1, 1, 1), date(year + 1, 12, 31)
