"""What changed in M3 since a day, asked for by change date (LMDT), so a run reads only what is new.

Every M3 table carries its entry and change dates (RGDT, LMDT) and GLS200MI lists LMDT with each voucher line
(infor.md appendix B). MI list transactions filter on their key inputs only (LstVouchersByDt takes accounting
dates), so the changes are found through the two routes that take a condition:

- GL lines: GLS200MI SearchGenLedger with `SQRY=LMDT:[from TO to]` (plus `DIVI:x`), in change-date windows
  sized by `DateWindowPager`. A run with nothing new makes one call.
- AP: EXPORTMI Select on the AP ledger FPLEDG (infor.md 2.4: TRCD 40 = supplier invoice, 50 = payment) with
  `EPLMDT >= 'day'`: the keys of the invoices that changed (each is then read with APS200MI GetInvoice, as
  the full read gives it), and whether any payment changed (APS130MI has no change date and lists proposals
  one by one, so the proposals are read only when one did).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from ml_connector.errors import ConfigurationError
from ml_connector.systems.infor.errors import M3TransactionError
from ml_connector.systems.infor.paging import DateWindow, DateWindowPager
from ml_connector.systems.infor.settings import InforSettings
from ml_connector.systems.infor.values import m3_day, parse_day

Record = dict[str, str]
SEPARATOR = ";"
INVOICE, PAYMENT = "40", "50"  # FPLEDG transaction codes (infor.md 2.4; 50 is inferred there)


class MiCall(Protocol):
    """`M3Lines.call`: one MI transaction, its records right-trimmed."""

    def __call__(
        self, program: str, transaction: str, inputs: dict[str, str] | None = None, *, maxrecs: int = 0
    ) -> list[Record]: ...


@dataclass(frozen=True)
class InvoiceKey:
    """An APS200MI GetInvoice key: division, year, journal number, journal sequence."""

    division: str
    year: str
    journal: str
    sequence: str


def _nothing_found(exc: M3TransactionError) -> bool:
    return "does not exist" in exc.message or "no records" in exc.message.lower()


def changed_gl_lines(call: MiCall, low: date, high: date, settings: InforSettings) -> Iterator[Record]:
    """GLS200MI voucher lines whose LMDT is in [low, high], window by window (a full page is split)."""

    def fetch(window: DateWindow, maxrecs: int) -> list[Record]:
        query = f"LMDT:[{m3_day(window.start)} TO {m3_day(window.end)}]"
        if settings.division:
            query += f" DIVI:{settings.division}"
        try:
            return call("GLS200MI", "SearchGenLedger", {"SQRY": query}, maxrecs=maxrecs)
        except M3TransactionError as exc:
            if _nothing_found(exc):
                return []
            raise

    pager = DateWindowPager(fetch, settings.page_size, lambda rec: parse_day(rec.get("LMDT")))
    yield from pager.read(low, high)


def _ap_query(columns: str, code: str, window: DateWindow, settings: InforSettings) -> str:
    company, division = settings.company.strip(), settings.division.strip()
    if not all(part.isalnum() for part in (company, division or "X")):
        raise ConfigurationError(
            f"M3 company {company!r} and division {division!r} must be plain codes to query the AP ledger",
            hint="Set `company` and `division` on the Infor connection to M3's codes (e.g. 100 and US1).",
        )
    # Quoted literals, as the community FPLEDG query writes them (infor.md 2.4).
    where = (
        f"EPCONO = '{company}' and EPTRCD = '{code}' "
        f"and EPLMDT >= '{m3_day(window.start)}' and EPLMDT <= '{m3_day(window.end)}'"
    )
    if division:
        where += f" and EPDIVI = '{division}'"
    return f"select {columns} from FPLEDG where {where}"  # noqa: S608 - plain codes and dates only


def _export(call: MiCall, query: str, maxrecs: int) -> list[list[str]]:
    """EXPORTMI Select: each row's `REPL` split on the separator, values stripped."""
    rows = call("EXPORTMI", "Select", {"QERY": query, "SEPC": SEPARATOR}, maxrecs=maxrecs)
    return [[value.strip() for value in row.get("REPL", "").split(SEPARATOR)] for row in rows]


def changed_invoice_keys(
    call: MiCall, since: date, settings: InforSettings, until: date = date(9999, 12, 31)
) -> Iterator[InvoiceKey]:
    """The invoices (FPLEDG TRCD 40) whose AP ledger entry changed on or after `since`, window by window."""
    columns = "EPDIVI, EPYEA4, EPJRNO, EPJSNO, EPLMDT"

    def fetch(window: DateWindow, maxrecs: int) -> list[list[str]]:
        return _export(call, _ap_query(columns, INVOICE, window, settings), maxrecs)

    pager = DateWindowPager(fetch, settings.page_size, lambda row: parse_day(row[4]) if len(row) > 4 else None)
    for row in pager.read(since, until):
        if len(row) >= 4 and all(row[:4]):
            yield InvoiceKey(*row[:4])


def payments_changed(call: MiCall, since: date, settings: InforSettings, until: date = date(9999, 12, 31)) -> bool:
    """Whether any payment (FPLEDG TRCD 50) changed on or after `since`: one call, one row at most."""
    return bool(_export(call, _ap_query("EPDIVI, EPLMDT", PAYMENT, DateWindow(since, until), settings), 1))
