"""The seed's second ledger: Acme UK on a 4-4-5 calendar (`second_ledger` in seed/acme_eu.yaml).

It is served through the documented resources like the first: a `ledgersLOV` row, its periods in
`accountingPeriodStatusLOV` (name P01-26 .., year, number, dates, status) and posted journal batches whose
headers carry its `LedgerName` and the `PeriodName` of the period holding each journal's date. A journal
dated 30 March 2026 is in P04-26: the period set, not the month, decides.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ml_connector.emulators.oracle import resources as res
from ml_connector.emulators.oracle.journals import HeaderInput, LineInput, new_batch
from ml_connector.emulators.oracle.resources import Item

if TYPE_CHECKING:
    from ml_connector.emulators.oracle.seeding import Builder


def periods_of(calendar: dict[str, Any]) -> list[tuple[str, int, int, date, date]]:
    """(name, year, number, first day, last day) of each period of the ledger's fiscal year."""
    year, start = int(calendar["year"]), date.fromisoformat(str(calendar["first_day"]))
    out = []
    for number, weeks in enumerate(calendar["weeks"], start=1):
        end = start + timedelta(days=7 * int(weeks) - 1)
        out.append((f"P{number:02d}-{year % 100:02d}", year, number, start, end))
        start = end + timedelta(days=1)
    return out


def seed_second_ledger(b: Builder) -> None:
    raw = b.seed.get("second_ledger")
    if not raw:
        return
    ledger = {k: raw[k] for k in ("id", "name", "description", "currency", "period_set", "chart_of_accounts_id")}
    b.roots["ledgersLOV"].append(
        Item(
            res.LEDGERS,
            {
                "LedgerId": ledger["id"],
                "Name": ledger["name"],
                "Description": ledger["description"],
                "CurrencyCode": ledger["currency"],
                "ChartOfAccountsId": ledger["chart_of_accounts_id"],
                "AccountedPeriodType": "4-4-5",  # ASSUMPTION: the period type's user name
                "PeriodSetName": ledger["period_set"],
                "LedgerCategoryCode": "PRIMARY",
                "LedgerTypeCode": "PRIMARY",
                "EnableBudgetaryControlFlag": False,
            },
        )
    )
    calendar = raw["calendar"]
    periods = periods_of(calendar)
    for name, year, number, first, last in periods:
        closing = (
            "C"
            if number <= int(calendar["closed_through"])
            else "O"
            if number <= int(calendar["open_through"])
            else "F"
        )
        b.roots["accountingPeriodStatusLOV"].append(
            Item(
                res.PERIOD_STATUSES,
                {
                    "PeriodNameId": name,
                    "LedgerId": ledger["id"],
                    "ApplicationId": 101,
                    "ClosingStatus": closing,
                    "StartDate": first,
                    "EndDate": last,
                    "PeriodYear": year,
                    "PeriodNumber": number,
                    "AdjustmentPeriodFlag": "N",
                },
            )
        )
    for entry in raw["journals"]:
        day = date.fromisoformat(str(entry["date"]))
        name = next(p[0] for p in periods if p[3] <= day <= p[4])
        amount = Decimal(str(entry["amount"]))
        cost_center, account = str(entry["cost_center"]), str(entry["account"])
        lines = [
            LineInput(b.combination(cost_center, account), amount, None, f"UK accrual {cost_center}"),
            LineInput(b.combination(cost_center, "1000"), None, amount, "UK accrual offset"),
        ]
        created = min(datetime(day.year, day.month, day.day, 9, tzinfo=UTC), b.as_of - timedelta(hours=1))
        batch_id = b.new_id("batch")
        first_header = b.new_id("header")
        batch = new_batch(
            batch_id=batch_id,
            first_header_id=first_header,
            name=f"UK accrual {name} {batch_id % 100000}",
            period=name,
            source="Spreadsheet",
            status="P",
            headers=[HeaderInput("UK accrual", "Accrual", day, lines)],
            ledger=ledger,
            coa_name=b.coa["name"],
            user=b.user,
            created=created,
            posted=day,
        )
        b.roots["journalBatches"].append(batch)
