"""M3 lines read on the division's own calendar (`calendar = "erp"`): the accounting period ACYP, not the
date's month. The seeded Monterrey division (MX1) is on a 4-4-5 year, Toledo (US2) on 13 four-week periods.

The expected periods are written out here from the calendars' definitions (not computed by the emulator's
code): FY2026 starts on Sunday 28 December 2025; a 4-4-5 year's periods are 4, 4, 5 weeks long, a
13-period year's all 4 weeks.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from ml_connector.records import LedgerLine
from tests.systems.infor.conftest import Emulator

FY2025_START, FY2026_START = date(2024, 12, 29), date(2025, 12, 28)


def periods_of(weeks: list[int]) -> list[tuple[str, date, date]]:
    out = []
    for year, start in ((2025, FY2025_START), (2026, FY2026_START)):
        for number, length in enumerate(weeks, start=1):
            end = start + timedelta(days=7 * length - 1)
            out.append((f"{year}-P{number:02d}", start, end))
            start = end + timedelta(days=1)
    return out


FOUR_FOUR_FIVE = periods_of([4, 4, 5] * 4)
THIRTEEN = periods_of([4] * 13)


def expected_period(calendar: list[tuple[str, date, date]], day: date) -> str:
    return next(name for name, start, end in calendar if start <= day <= end)


def gl_lines(emulator: Emulator, **settings: str) -> list[LedgerLine]:
    client = emulator.client("m3", **settings)
    try:
        return [r for r in client.ledger_lines() if isinstance(r, LedgerLine)]
    finally:
        client.close()


def test_a_line_dated_30_march_is_in_period_4_of_the_4_4_5_year(emulator: Emulator) -> None:
    """The bug: read by its date, the Monterrey accrual of 30 March landed in March (period 3)."""
    lines = gl_lines(emulator, division="MX1", calendar="erp")
    accrual = [ln for ln in lines if ln.description == "Power accrual, period 4" and ln.account == "6200"]
    assert [(ln.posted_on, ln.period, ln.amount) for ln in accrual] == [
        (date(2026, 3, 30), "2026-P04", Decimal("2345.67"))
    ]
    # Without the setting, the connection keeps reading calendar months (existing configs do not change).
    months = gl_lines(emulator, division="MX1")
    assert {ln.period for ln in months if ln.description == "Power accrual, period 4"} == {"2026-03"}


def test_every_4_4_5_line_is_in_its_fiscal_period_and_sums_to_the_cent(emulator: Emulator) -> None:
    lines = gl_lines(emulator, division="MX1", calendar="erp")
    assert lines and {ln.ledger for ln in lines} == {"MX1"}
    crossing = 0
    for line in lines:
        assert line.period == expected_period(FOUR_FOUR_FIVE, line.posted_on), line
        crossing += line.period[-2:] != f"{line.posted_on.month:02d}"
    assert crossing > 20  # many dates sit in another period than their month's: the test sees the difference
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in lines:
        if line.cost_center == "1200":
            totals[(line.period, line.account)] += line.amount
    expected: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in gl_lines(emulator, division="MX1"):  # the same lines read by date, placed by this test
        if line.cost_center == "1200":
            expected[(expected_period(FOUR_FOUR_FIVE, line.posted_on), line.account)] += line.amount
    assert totals == expected
    # The accrual counts in period 4, and period 3 (which ended on 28 March) does not hold it.
    accrual = Decimal("2345.67")
    p3_lines = [ln for ln in lines if ln.period == "2026-P03" and ln.account == "6200"]
    assert all(ln.posted_on <= date(2026, 3, 28) for ln in p3_lines)
    assert totals[("2026-P04", "6200")] - accrual == sum(
        (ln.amount for ln in lines if ln.period == "2026-P04" and ln.account == "6200" and ln.posted_on.month == 4),
        Decimal(0),
    )


def test_13_period_lines_sum_per_period_as_m3_keeps_its_balances(emulator: Emulator) -> None:
    """Toledo's 13 four-week periods: every line in its period, and each period's total per account equals
    the balance M3 keeps for that period (GLS215MI LstPerBalances), to the cent."""
    client = emulator.client("m3", division="US2", calendar="erp")
    try:
        lines = [r for r in client.ledger_lines() if isinstance(r, LedgerLine)]
        assert {ln.period for ln in lines} >= {"2025-P13", "2026-P01", "2026-P12"}
        for line in lines:
            assert line.period == expected_period(THIRTEEN, line.posted_on), line
        ours: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for line in lines:
            if line.cost_center == "1300":
                ours[(line.period, line.account)] += line.amount
        theirs: dict[tuple[str, str], Decimal] = {}
        for account in sorted({a for _, a in ours}):
            rows = client.line.call(  # type: ignore[attr-defined]
                "GLS215MI", "LstPerBalances", {"DIVI": "US2", "BAKY": "1", "BIT1": account, "BIT2": "1300"}
            )
            for row in rows:
                period = f"{int(row['YEA4']):04d}-P{int(row['PERI']):02d}"
                theirs[(period, account)] = Decimal(row["ACAD"]) + Decimal(row["ACAC"])
    finally:
        client.close()
    assert {k: v for k, v in ours.items() if v} == {k: v for k, v in theirs.items() if v}
