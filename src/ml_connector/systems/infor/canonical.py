"""From one Infor row to a canonical record, the same way for M3, CSI and FSM.

A row whose amount or date does not parse becomes a `RejectedRecord` naming the field and the value,
so one bad row never aborts a read (DESIGN 2.1, 2.8).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ml_connector.records import EntryKind, FiscalPeriod, LedgerLine, RejectedRecord, period_of
from ml_connector.systems.infor.values import parse_amount, parse_day


@dataclass(frozen=True)
class RowFields:
    """The fields of one source row, named canonically, still as the source's strings."""

    source_key: str
    ledger: str
    day: str
    account: str
    cost_center: str
    amount: str
    currency: str
    supplier: str = ""
    description: str = ""
    updated_at: datetime | None = None
    amount_field: str = "amount"
    day_field: str = "date"
    # The ERP's fiscal period ("YYYY-Pnn") when the line is read on the ERP's calendar; else the date's month.
    period: str = ""


def to_ledger_line(
    source: str, kind: EntryKind, fields: RowFields, payload: dict[str, str]
) -> LedgerLine | RejectedRecord:
    """A `LedgerLine`, or a `RejectedRecord` that says which field is wrong and what to do."""
    amount = parse_amount(fields.amount)
    if amount is None:
        return RejectedRecord(
            source=source,
            source_key=fields.source_key,
            kind=kind.value,
            reason=f"{fields.amount_field} {fields.amount!r} is not a number",
            hint="Correct the amount in Infor (a letter O typed for a zero?); the next run reads the corrected "
            "line (a replay would resend the stored, wrong one).",
            payload=dict(payload),
            updated_at=fields.updated_at,
        )
    day = parse_day(fields.day)
    if day is None:
        return RejectedRecord(
            source=source,
            source_key=fields.source_key,
            kind=kind.value,
            reason=f"{fields.day_field} {fields.day!r} is not a date (yyyyMMdd)",
            hint="Correct the date in Infor; the next run reads the corrected line.",
            payload=dict(payload),
            updated_at=fields.updated_at,
        )
    return LedgerLine(
        source=source,
        source_key=fields.source_key,
        ledger=fields.ledger,
        period=fields.period or period_of(day),
        posted_on=day,
        account=fields.account.strip(),
        cost_center=fields.cost_center.strip(),
        amount=amount,
        currency=fields.currency.strip(),
        kind=kind,
        supplier=fields.supplier.strip() or None,
        updated_at=fields.updated_at,
        description=fields.description.strip(),
    )


def fiscal_period(value: str) -> FiscalPeriod | None:
    """An accounting period YYYYPP (M3 ACYP, e.g. "202604") as a fiscal period; None when it is not one."""
    text = (value or "").strip()
    if len(text) != 6 or not text.isdigit():
        return None
    try:
        return FiscalPeriod(int(text[:4]), int(text[4:]))
    except ValueError:
        return None


def within(moment: datetime | None, since: datetime | None, until: datetime | None) -> bool:
    """Whether a change stamp falls in [since, until); a row without a stamp is always read."""
    if moment is None:
        return True
    if since is not None and moment < since:
        return False
    return not (until is not None and moment >= until)
