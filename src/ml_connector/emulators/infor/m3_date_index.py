"""The ledger's lines by division and a date, so a date-range program reads only its range.

`GLS200MI/LstVouchersByDt` asks for FRDT..TODT (accounting date); `GLS200MI/SearchGenLedger` with an `LMDT`
range asks for lines changed in a range of days. Scanning every line per call does not scale (the volume
option seeds millions); an index keeps, per division, the lines sorted by (date, year, journal, sequence) and
is updated when the ledger list changes: appended lines are inserted in place, a replaced list (reset), a large
addition (the volume option) or a line changed in place (the change-date index) is indexed again once.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ml_connector.emulators.infor.models import InforBackend
    from ml_connector.emulators.infor.records import LedgerLine

Key = tuple[date, int, int, int]


def accounting_day(line: LedgerLine) -> date:
    return line.acct_date


def change_day(line: LedgerLine) -> date:
    """The change date (LMDT) a line carries: its last change, or its entry when it never changed."""
    moment = line.changed or line.created
    return moment.date() if moment else date.min


@dataclass
class DateIndex:
    """Per division: sort keys and the lines in that order. Valid for `source` while its length is `size`
    (and, for `edits_matter`, while no line was changed in place)."""

    day: Callable[[LedgerLine], date] = accounting_day
    edits_matter: bool = False
    source: int = 0
    size: int = -1
    edits: int = 0
    keys: dict[str, list[Key]] = field(default_factory=dict)
    lines: dict[str, list[LedgerLine]] = field(default_factory=dict)

    def _key(self, ln: LedgerLine) -> Key:
        return (self.day(ln), ln.year, ln.journal_no, ln.journal_seq)

    def refresh(self, lines: list[LedgerLine], edits: int = 0) -> None:
        same_edits = not self.edits_matter or edits == self.edits
        if self.source == id(lines) and self.size == len(lines) and same_edits:
            return
        if same_edits and self.source == id(lines) and 0 <= self.size < len(lines) and len(lines) - self.size < 10_000:
            # A few lines appended (a posted journal): put each in its place instead of sorting everything again.
            for ln in lines[self.size :]:
                keys = self.keys.setdefault(ln.division, [])
                key = self._key(ln)
                at = bisect.bisect_right(keys, key)
                keys.insert(at, key)
                self.lines.setdefault(ln.division, []).insert(at, ln)
            self.size = len(lines)
            return
        grouped: dict[str, list[tuple[Key, LedgerLine]]] = {}
        for ln in lines:
            grouped.setdefault(ln.division, []).append((self._key(ln), ln))
        self.keys, self.lines = {}, {}
        for division, rows in grouped.items():
            rows.sort(key=lambda row: row[0])
            self.keys[division] = [k for k, _ in rows]
            self.lines[division] = [ln for _, ln in rows]
        self.source, self.size, self.edits = id(lines), len(lines), edits

    def between(self, division: str, start: date, end: date, limit: int = 0) -> list[LedgerLine]:
        keys = self.keys.get(division, [])
        lo = bisect.bisect_left(keys, (start, -1, -1, -1))
        hi = bisect.bisect_right(keys, (end, 1 << 62, 1 << 62, 1 << 62))
        if limit:
            hi = min(hi, lo + limit)
        return self.lines.get(division, [])[lo:hi]


_INDEXES: dict[int, DateIndex] = {}
_CHANGE_INDEXES: dict[int, DateIndex] = {}


def _collect(index: DateIndex, divisions: list[str], start: date, end: date, limit: int) -> list[LedgerLine]:
    out: list[LedgerLine] = []
    for division in sorted(divisions):
        out += index.between(division, start, end, limit - len(out) if limit else 0)
        if limit and len(out) >= limit:
            break
    return out


def lines_between(
    backend: InforBackend, divisions: list[str], start: date, end: date, limit: int = 0
) -> list[LedgerLine]:
    """The lines of `divisions` dated start..end, by division, date, then journal keys (caller holds the lock).

    With `limit` (a call's maxrecs) at most that many, and no more are copied out of the index than that.
    """
    index = _INDEXES.setdefault(id(backend), DateIndex())
    index.refresh(backend.lines)
    return _collect(index, divisions, start, end, limit)


def lines_changed_between(
    backend: InforBackend, divisions: list[str], start: date, end: date, limit: int = 0
) -> list[LedgerLine]:
    """The lines of `divisions` whose change date (LMDT) is start..end, by division, change date, then journal
    keys (caller holds the lock); at most `limit` when given."""
    index = _CHANGE_INDEXES.setdefault(id(backend), DateIndex(change_day, edits_matter=True))
    index.refresh(backend.lines, backend.ledger_edits)
    return _collect(index, divisions, start, end, limit)
