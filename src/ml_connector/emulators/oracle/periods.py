"""Calendar and money helpers for the seed: Oracle period names, month ranges, amounts as JSON numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

CENT = Decimal("0.01")


def period_name(year: int, month: int) -> str:
    """Oracle's default monthly period name, e.g. `Nov-25`."""
    return f"{date(year, month, 1):%b}-{year % 100:02d}"


def months(first: str, count: int) -> list[tuple[int, int]]:
    year, month = (int(p) for p in first.split("-"))
    out = []
    for _ in range(count):
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def money(value: Decimal) -> float:
    # Stored as float so it serializes as a JSON number; two decimals round-trip exactly in repr.
    return float(value.quantize(CENT))
