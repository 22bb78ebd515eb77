"""The ledger's accounting calendar as Oracle publishes it: `accountingPeriodStatusLOV`, one row per period
of the ledger's period set, with the period's name, year, number, dates and General Ledger status.

A journal line names its period (`PeriodName`, e.g. "P04-26" or "Apr-26"); on a 4-4-5 or 13-period
calendar that name, not the accounting date, says which period the line is in: a line dated 30 March may
belong to period 4. So with `calendar = "erp"` a line's period is its named period's year and number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ml_connector.http import ApiSession
from ml_connector.records import FiscalPeriod, PeriodStatus
from ml_connector.systems.oracle.amounts import parse_date
from ml_connector.systems.oracle.paging import read_collection

GL_APPLICATION = 101  # General Ledger's application id in GL_PERIOD_STATUSES
# CLOSING_STATUS: O open, C closed, P permanently closed, F future enterable, N never opened.
CLOSING_STATUS = {
    "O": PeriodStatus.OPEN,
    "C": PeriodStatus.CLOSED,
    "P": PeriodStatus.CLOSED,
    "F": PeriodStatus.FUTURE,
    "N": PeriodStatus.FUTURE,
}


@dataclass
class LedgerCalendar:
    """The ledger's periods: name -> fiscal period, and back; dates; statuses (by fiscal period)."""

    periods: dict[str, FiscalPeriod] = field(default_factory=dict)
    names: dict[FiscalPeriod, str] = field(default_factory=dict)
    spans: list[tuple[date, date, FiscalPeriod]] = field(default_factory=list)
    statuses: dict[FiscalPeriod, PeriodStatus] = field(default_factory=dict)

    def period_named(self, name: Any) -> FiscalPeriod | None:
        return self.periods.get(str(name or ""))

    def period_on(self, day: date) -> FiscalPeriod | None:
        """The period whose dates hold `day` (for records that carry a date but no period name)."""
        return next((p for start, end, p in self.spans if start <= day <= end), None)


def read_calendar(session: ApiSession, ledger_id: Any, page_size: int) -> LedgerCalendar:
    """The General Ledger periods of one ledger; adjusting periods are left out (no line is read into one)."""
    params = {"q": f"LedgerId={ledger_id} and ApplicationId={GL_APPLICATION}", "onlyData": "true"}
    out = LedgerCalendar()
    for row in read_collection(session, "accountingPeriodStatusLOV", params, page_size=page_size):
        if str(row.get("AdjustmentPeriodFlag") or "N") == "Y":
            continue
        try:
            period = FiscalPeriod(int(row.get("PeriodYear") or 0), int(row.get("PeriodNumber") or 0))
            start, end = parse_date(row.get("StartDate")), parse_date(row.get("EndDate"))
        except (TypeError, ValueError):
            continue  # a row without a year and number places no line; lines naming it are rejected
        name = str(row.get("PeriodNameId") or "")
        out.periods[name] = period
        out.names[period] = name
        if start is not None and end is not None:
            out.spans.append((start, end, period))
        status = CLOSING_STATUS.get(str(row.get("ClosingStatus") or ""))
        if status is not None:
            out.statuses[period] = status
    return out
