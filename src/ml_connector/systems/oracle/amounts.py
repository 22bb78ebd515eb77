"""Parsing Oracle field values: amounts as Decimal, ids as int, timestamps and dates timezone-aware."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def parse_amount(value: Any) -> Decimal | None:
    """A JSON number or numeric string as Decimal; None when absent; ValueError when not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"amount {value!r} is not a number")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"amount {value!r} is not a number") from exc
    if not amount.is_finite():
        raise ValueError(f"amount {value!r} is not a finite number")
    return amount


def net_amount(debit: Any, credit: Any) -> Decimal:
    """Debit minus credit; ValueError when a side is not a number or both are missing."""
    dr, cr = parse_amount(debit), parse_amount(credit)
    if dr is None and cr is None:
        raise ValueError("the line has neither a debit nor a credit amount")
    # No arithmetic on a lone side: Decimal arithmetic would round to the context's 28 digits.
    if cr is None and dr is not None:
        return dr
    if dr is None and cr is not None:
        return -cr
    return (dr or Decimal(0)) - (cr or Decimal(0))


def parse_id(value: Any) -> int:
    """A Fusion id (15-digit integer, sometimes sent as a string) as int."""
    if isinstance(value, bool):
        raise ValueError(f"id {value!r} is not an integer")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text.isdigit():
        raise ValueError(f"id {value!r} is not an integer")
    return int(text)


def parse_timestamp(value: Any) -> datetime | None:
    """An ISO 8601 timestamp as an aware datetime (no offset means UTC); None when absent."""
    if not value:
        return None
    stamp = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    # ASSUMPTION: a timestamp without an offset is UTC (Fusion REST sends offsets; this is a guard).
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


def parse_date(value: Any) -> date | None:
    """A `YYYY-MM-DD` date (or the date part of a timestamp); None when absent."""
    if not value:
        return None
    return date.fromisoformat(str(value)[:10])


def q_timestamp(when: datetime) -> str:
    """A `q` literal for a timestamp: ISO 8601 in UTC with milliseconds, quoted."""
    if when.tzinfo is None:
        raise ValueError("a watermark must be timezone-aware")
    return "'" + when.astimezone(UTC).isoformat(timespec="milliseconds") + "'"


def period_from_name(name: Any) -> str | None:
    """'Nov-25' → '2025-11'; None for other shapes (then the accounting date's month is used)."""
    text = str(name or "")
    month, _, year = text.partition("-")
    if month[:3].title() in MONTHS and year.isdigit() and len(year) in (2, 4):
        full = int(year) + 2000 if len(year) == 2 else int(year)
        return f"{full:04d}-{MONTHS.index(month[:3].title()) + 1:02d}"
    return None
