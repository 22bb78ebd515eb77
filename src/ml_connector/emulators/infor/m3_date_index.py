"""The ledger's lines by division and accounting date, so a date-range program reads only its range.

`GLS200MI/LstVouchersByDt` asks for FRDT..TODT. Scanning every line per call does not scale (the volume option
seeds millions); this index keeps, per division, the lines sorted by (date, year, journal, sequence) and is
updated when the ledger list changes: appended lines are inserted in place, a replaced list (reset) or a large
addition (the volume option) is indexed again once.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ml_connector.emulators.infor.models import InforBackend
    from ml_connector.emulators.infor.records import LedgerLine


@dataclass
class DateIndex:
    """Per division: sort keys and the lines in that order. Valid for `source` while its length is `size`."""

    source: int = 0
    size: int = -1
    keys: dict[str, list[tuple[date, int, int, int]]] = field(default_factory=dict)
    lines: dict[str, list[LedgerLine]] = field(default_factory=dict)

    def refresh(self, lines: list[LedgerLine]) -> None:
        if self.source == id(lines) and self.size == len(lines):
            return
        if self.source == id(lines) and 0 <= self.size < len(lines) and len(lines) - self.size < 10_000:
            # A few lines appended (a posted journal): put each in its place instead of sorting everything again.
            for ln in lines[self.size :]:
                keys = self.keys.setdefault(ln.division, [])
                key = (ln.acct_date, ln.year, ln.journal_no, ln.journal_seq)
                at = bisect.bisect_right(keys, key)
                keys.insert(at, key)
                self.lines.setdefault(ln.division, []).insert(at, ln)
            self.size = len(lines)
            return
        grouped: dict[str, list[tuple[tuple[date, int, int, int], LedgerLine]]] = {}
        for ln in lines:
            grouped.setdefault(ln.division, []).append(((ln.acct_date, ln.year, ln.journal_no, ln.journal_seq), ln))
        self.keys, self.lines = {}, {}
        for division, rows in grouped.items():
            rows.sort(key=lambda row: row[0])
            self.keys[division] = [k for k, _ in rows]
            self.lines[division] = [ln for _, ln in rows]
        self.source, self.size = id(lines), len(lines)

    def between(self, division: str, start: date, end: date, limit: int = 0) -> list[LedgerLine]:
        keys = self.keys.get(division, [])
        lo = bisect.bisect_left(keys, (start, -1, -1, -1))
        hi = bisect.bisect_right(keys, (end, 1 << 62, 1 << 62, 1 << 62))
        if limit:
            hi = min(hi, lo + limit)
        return self.lines.get(division, [])[lo:hi]


_INDEXES: dict[int, DateIndex] = {}


def lines_between(
    backend: InforBackend, divisions: list[str], start: date, end: date, limit: int = 0
) -> list[LedgerLine]:
    """The lines of `divisions` dated start..end, by division, date, then journal keys (caller holds the lock).

    With `limit` (a call's maxrecs) at most that many, and no more are copied out of the index than that.
    """
    index = _INDEXES.setdefault(id(backend), DateIndex())
    index.refresh(backend.lines)
    out: list[LedgerLine] = []
    for division in sorted(divisions):
        out += index.between(division, start, end, limit - len(out) if limit else 0)
        if limit and len(out) >= limit:
            break
    return out
