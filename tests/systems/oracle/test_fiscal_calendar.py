"""An Oracle ledger on a 4-4-5 calendar (the seed's Acme UK Ledger, periods P01-26 ..): with
`calendar = "erp"` each line is in the period its journal names, read as the ledger's fiscal year and
period number from accountingPeriodStatusLOV; with calendar months the name "P04-26" is no month, and the
line used to land in its date's month."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from ml_connector.records import LedgerLine, PeriodStatus
from ml_connector.systems.oracle import OracleClient

UK = "Acme UK Ledger"


def lines(client: OracleClient) -> list[LedgerLine]:
    return [r for r in client.ledger_lines() if isinstance(r, LedgerLine)]


def test_the_30_march_line_is_in_period_4_to_the_cent(make_client: Callable[..., OracleClient]) -> None:
    uk = make_client(ledger_name=UK, calendar="erp")
    read = lines(uk)
    assert {ln.ledger for ln in read} == {UK} and {ln.currency for ln in read} == {"GBP"}
    by_date = {(ln.posted_on, ln.account): ln.period for ln in read if ln.account != "1000"}
    assert by_date == {
        (date(2026, 1, 25), "6200"): "2026-P02",  # 25 January: P02 began on the 25th
        (date(2026, 3, 27), "6100"): "2026-P03",
        (date(2026, 3, 30), "6100"): "2026-P04",  # a March date, in period 4
        (date(2026, 3, 31), "6200"): "2026-P04",
        (date(2026, 4, 20), "6100"): "2026-P04",
        (date(2026, 4, 27), "6100"): "2026-P05",
    }
    totals: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for line in read:
        totals[(line.period, line.account, line.cost_center)] += line.amount
    assert totals[("2026-P03", "6100", "3100")] == Decimal("1111.11")
    assert totals[("2026-P04", "6100", "3100")] == Decimal("2666.66")
    assert totals[("2026-P04", "6200", "3200")] == Decimal("333.33")
    assert totals[("2026-P04", "1000", "3100")] == Decimal("-2666.66")
    assert uk.period_statuses() == {
        **{f"2026-P{n:02d}": PeriodStatus.CLOSED for n in (1, 2, 3)},
        "2026-P04": PeriodStatus.OPEN,
        **{f"2026-P{n:02d}": PeriodStatus.FUTURE for n in range(5, 13)},
    }


def test_on_calendar_months_the_period_name_is_no_month(make_client: Callable[..., OracleClient]) -> None:
    """What the product did before `calendar`: "P04-26" is not Mon-YY, so the date's month was used."""
    read = lines(make_client(ledger_name=UK))
    assert {ln.period for ln in read if ln.posted_on == date(2026, 3, 30)} == {"2026-03"}


def test_the_first_ledger_reads_as_before(make_client: Callable[..., OracleClient]) -> None:
    eu = lines(make_client())
    assert eu and {ln.ledger for ln in eu} == {"Acme EU Ledger"}
    assert all(ln.period == f"{ln.posted_on.year:04d}-{ln.posted_on.month:02d}" for ln in eu)
    on_calendar = lines(make_client(calendar="erp"))
    assert {ln.source_key: ln.period[:4] + "-" + ln.period[-2:] for ln in on_calendar} == {
        ln.source_key: ln.period for ln in eu
    }


def test_a_journal_into_a_fiscal_period_is_dated_on_the_periods_first_day(
    make_client: Callable[..., OracleClient],
) -> None:
    """Plan-return dates a journal into "2026-P04" on the day the ledger's calendar starts it (29 March, a
    March date), read from accountingPeriodStatusLOV; a period the calendar lacks has no day, and neither has a
    connection on calendar months (there a period is a month and its first day is the month's)."""
    uk = make_client(ledger_name=UK, calendar="erp")
    assert uk.posting_day("2026-P04") == date(2026, 3, 29)
    assert uk.posting_day("2026-P05") == date(2026, 4, 26)
    assert uk.posting_day("2026-P01") == date(2025, 12, 28)
    assert uk.posting_day("2026-P13") is None  # a 4-4-5 year has 12 periods
    assert uk.posting_day("2031-P04") is None  # beyond the calendar the ledger publishes
    assert make_client(ledger_name=UK).posting_day("2026-P04") is None
