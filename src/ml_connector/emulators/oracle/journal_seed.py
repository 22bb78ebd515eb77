"""Seeded GL journals: five batches a period (payroll, revenue, materials, operating costs, depreciation).

Every journal balances. Batches of posted periods are posted a day or so after entry (which bumps the
batch's `LastUpdateDate`); about one line in twelve is corrected weeks later (line and header
`LastUpdateDate` move, the batch's does not, as on a real pod where a line edit need not touch the batch).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from ml_connector.emulators.oracle.journals import HeaderInput, LineInput, lines_of, new_batch, touch
from ml_connector.emulators.oracle.periods import CENT, months, period_name

if TYPE_CHECKING:
    from ml_connector.emulators.oracle.seeding import Builder

PLANTS = ("3100", "3200", "3300")
ALL_CCS = (*PLANTS, "3900")


def _amount(b: Builder, low: int, high: int) -> Decimal:
    return (Decimal(b.rng.randint(low * 100, high * 100)) / 100).quantize(CENT)


def _balanced(
    b: Builder, debits: list[tuple[str, str, Decimal]], credit: tuple[str, str], text: str
) -> list[LineInput]:
    lines = [LineInput(b.combination(cc, acct), amt, None, f"{text} {cc}") for cc, acct, amt in debits]
    total = sum((amt for _, _, amt in debits), Decimal(0))
    lines.append(LineInput(b.combination(*credit), None, total, f"{text} offset"))
    return lines


def _period_journals(b: Builder, year: int, month: int, closed_cc: bool) -> list[tuple[str, str, list[HeaderInput]]]:
    end = date(year, month, 28)
    payroll = [(cc, "6000", _amount(b, 18000, 42000)) for cc in ALL_CCS]
    payroll += [(cc, "5100", _amount(b, 30000, 65000)) for cc in PLANTS]
    revenue: list[LineInput] = []
    for cc in PLANTS:
        amt = _amount(b, 120000, 260000)
        revenue.append(LineInput(b.combination(cc, "1000"), amt, None, f"Customer receipts {cc}"))
        revenue.append(LineInput(b.combination(cc, "4000"), None, amt, f"Product sales {cc}"))
    service = _amount(b, 8000, 25000)
    revenue.append(LineInput(b.combination("3900", "1000"), service, None, "Service contracts"))
    revenue.append(LineInput(b.combination("3900", "4100"), None, service, "Service contracts"))
    materials = [
        HeaderInput(
            f"Materials {cc}",
            "Purchases",
            end,
            _balanced(
                b,
                [(cc, "5000", _amount(b, 40000, 90000)), (cc, "5200", _amount(b, 2000, 7000))],
                (cc, "2000"),
                "Materials",
            ),
        )
        for cc in PLANTS
    ]
    opex = [(cc, acct, _amount(b, 1500, 14000)) for cc in ALL_CCS for acct in ("6100", "6200")]
    opex += [
        (cc, acct, _amount(b, 300, 6000)) for cc in ALL_CCS for acct in ("6300", "6400", "6500") if b.rng.random() < 0.6
    ]
    if closed_cc:
        opex.append(("3999", "6300", Decimal("742.18")))
    depreciation = [(cc, "7000", _amount(b, 5000, 16000)) for cc in ALL_CCS]
    return [
        (
            "Payroll",
            "Spreadsheet",
            [HeaderInput("Payroll", "Payroll", end, _balanced(b, payroll, ("3900", "1000"), "Payroll"))],
        ),
        ("Revenue", "Receivables", [HeaderInput("Revenue", "Sales Invoices", end, revenue)]),
        ("Materials", "Payables", materials),
        (
            "Operating costs",
            "Payables",
            [
                HeaderInput(
                    "Operating costs", "Purchase Invoices", end, _balanced(b, opex, ("3900", "2000"), "Operating costs")
                )
            ],
        ),
        (
            "Depreciation",
            "Assets",
            [
                HeaderInput(
                    "Depreciation", "Depreciation", end, _balanced(b, depreciation, ("3900", "1000"), "Depreciation")
                )
            ],
        ),
    ]


def seed_journals(b: Builder) -> None:
    """Add the seeded journal batches to `b.roots["journalBatches"]`."""
    gen = b.seed["generation"]
    posted_through = tuple(int(p) for p in gen["posted_through"].split("-"))
    closed_period = tuple(int(p) for p in gen["closed_cost_center_period"].split("-"))
    for year, month in months(gen["first_period"], gen["periods"]):
        period = period_name(year, month)
        posted = (year, month) <= posted_through
        for kind, source, headers in _period_journals(b, year, month, (year, month) == closed_period):
            created = datetime(year, month, 3, 7, tzinfo=UTC) + timedelta(
                days=b.rng.randint(0, 22),
                minutes=b.rng.randint(0, 600),
                seconds=b.rng.randint(0, 59),
                milliseconds=b.rng.randint(0, 999),
            )
            created = min(created, b.as_of - timedelta(hours=1))
            batch_id = b.new_id("batch")
            first_header = b.next_id["header"]
            b.next_id["header"] += len(headers)
            batch = new_batch(
                batch_id=batch_id,
                first_header_id=first_header,
                name=f"{kind} {period} {batch_id % 100000}",
                description=f"{kind} for {period}",
                period=period,
                source=source,
                status="P" if posted else "U",
                headers=headers,
                ledger=b.ledger,
                coa_name=b.coa["name"],
                user=b.user,
                created=created,
            )
            if posted:
                posted_at = created + timedelta(hours=b.rng.randint(2, 40), milliseconds=b.rng.randint(1, 999))
                batch.data["PostedDate"] = posted_at.date()
                touch(batch, posted_at, b.user)
            for header, line in lines_of(batch):
                if b.rng.random() < 1 / 12:
                    delay = timedelta(
                        days=b.rng.randint(3, 60), minutes=b.rng.randint(0, 900), milliseconds=b.rng.randint(1, 999)
                    )
                    later = min(created + delay, b.as_of)
                    line.data["Description"] = f"{line.data['Description']} (corrected)"
                    touch(line, later, b.user)
                    if later > header.data["LastUpdateDate"]:
                        touch(header, later, b.user)
            b.roots["journalBatches"].append(batch)
