"""Reading Infor's string values: amounts, dates and timestamps of M3, CSI and FSM.

Every Infor product answers with strings (infor.md 2.1, 3.2, 4). A value that does not parse gives
None here; the readers turn that into a `RejectedRecord` naming the field, never an exception.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

_AMOUNT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def parse_amount(text: str | None) -> Decimal | None:
    """`"-123.45"` → Decimal; blanks, letters ("12O.50"), NaN and exponents → None."""
    if text is None:
        return None
    value = text.strip()
    if not _AMOUNT.match(value):
        return None
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain decimals
        return None


def format_amount(amount: Decimal, width: int = 0) -> str:
    """Plain decimal text (no exponent), right-aligned in `width` when given (GLS840MI PARM fields)."""
    text = f"{amount:f}"
    return text.rjust(width) if width else text


def parse_day(text: str | None) -> date | None:
    """`yyyyMMdd` (M3, FSM) or `yyyyMMdd HH:mm:ss.fff` (CSI: the date part) → date; anything else → None."""
    if not text:
        return None
    head = text.strip()[:8]
    if len(head) != 8 or not head.isdigit():
        return None
    try:
        return date(int(head[:4]), int(head[4:6]), int(head[6:8]))
    except ValueError:
        return None


def parse_csi_stamp(text: str | None) -> datetime | None:
    """CSI `RecordDate` `yyyyMMdd HH:mm:ss.fff` → aware datetime."""
    # ASSUMPTION: Mongoose stamps are the server's UTC time; the notes confirm only the yyyyMMdd prefix.
    if not text:
        return None
    value = text.strip()
    for fmt in ("%Y%m%d %H:%M:%S.%f", "%Y%m%d %H:%M:%S", "%Y%m%d"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def parse_iso_stamp(text: str | None) -> datetime | None:
    """FSM `UpdateStamp` (ISO-8601) → aware datetime."""
    # ASSUMPTION: a stamp without an offset is UTC.
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_m3_stamp(text: str | None) -> datetime | None:
    """M3 `LMTS` (`yyyyMMddHHmmssfff`) → aware datetime."""
    # ASSUMPTION: LMTS is yyyyMMddHHmmssfff in UTC; the notes give no format.
    if not text or not text.strip().isdigit() or len(text.strip()) < 14:
        return None
    value = text.strip()
    try:
        moment = datetime.strptime(value[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    millis = value[14:17]
    return moment.replace(microsecond=int(millis) * 1000) if millis.isdigit() and len(millis) == 3 else moment


def m3_day(day: date) -> str:
    return day.strftime("%Y%m%d")


def csi_day(day: date) -> str:
    return day.strftime("%Y%m%d")


def csi_stamp(moment: datetime) -> str:
    """A CSI filter literal for a moment (UTC), `yyyyMMdd HH:mm:ss.fff`."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y%m%d %H:%M:%S.") + f"{utc.microsecond // 1000:03d}"
