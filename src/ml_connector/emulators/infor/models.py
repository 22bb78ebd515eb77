"""`InforBackend`: the in-memory company behind the emulator (no HTTP). Thread-safe: one lock.

The product-line adapters (M3 programs, CSI IDOs, FSM classes) read and write through this object, so a
journal posted through one product line is visible through the others and in `/_emulator/journals`.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from ml_connector.emulators.infor.records import (
    Account,
    JournalLine,
    LedgerLine,
    Payment,
    PostedJournal,
    Supplier,
    SupplierInvoice,
)
from ml_connector.emulators.infor.seeding import GL, SeedData, load_seed


@dataclass
class M3Batch:
    """A GLS840MI interface batch (tables FGLINH/FGLINL) until UpdBatch moves it into the GL."""

    division: str
    key: str
    interface: str
    description: str
    user: str
    lines: dict[int, str] = field(default_factory=dict)
    status: str = "new"  # new -> checked (CtrlBatch); UpdBatch removes it from the interface file
    journal_id: str = ""
    created: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class HiddenLine:
    """A posted amount in M3's balance file (GLS215MI) that the ledger lists (GLS200MI) do not show: what a
    data-access gap looks like to a reader."""

    division: str
    period: tuple[int, int]  # (year, month)
    account: str
    cost_center: str
    amount: Decimal


class InforBackend:
    """The seeded company plus everything written to it since the last reset."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self.lock = threading.RLock()
        self.clock = clock or (lambda: datetime.now(UTC))
        self.reset()

    def reset(self) -> None:
        """Back to the seeded state."""
        seed: SeedData = load_seed()
        with self.lock:
            self.company = seed.company
            self.company_name = seed.company_name
            self.currency = seed.currency
            self.divisions = seed.divisions
            self.currency_rates = seed.currency_rates
            self.accounts: dict[int, dict[str, Account]] = {
                1: {a.code: a for a in seed.accounts},
                2: {c.code: c for c in seed.cost_centers},
            }
            self.suppliers: dict[str, Supplier] = {s.id: s for s in seed.suppliers}
            self.lines: list[LedgerLine] = seed.lines
            self.invoices: list[SupplierInvoice] = seed.invoices
            self.payments: list[Payment] = seed.payments
            self.journals: list[PostedJournal] = []
            # How long a line posted from now on takes to reach the Data Lake (datalake.py).
            self.lake_delay = timedelta(0)
            self.m3_batches: dict[tuple[str, str], M3Batch] = {}
            self.m3_hidden_lines: list[HiddenLine] = []
            # BUS100MI budget lines: (DIVI, BUNO, BVER, CUCD, AIT1..AIT7, BUPE) -> amount
            self.m3_budget_lines: dict[tuple[str, ...], Decimal] = {}
            self.csi_journal_rows: dict[str, dict[str, str]] = {}
            self.fsm_interface: list[dict[str, str]] = []
            self.fsm_results: list[dict[str, str]] = []
            self.ledger_edits = 0  # lines changed in place (not appended): the change-date index is rebuilt
            self._trans_num = itertools.count(max((line.trans_num for line in self.lines), default=0) + 1)
            self._journal_ids = itertools.count(1)
            self._journal_no: dict[tuple[str, int], int] = {}
            for line in self.lines:
                key = (line.division, line.year)
                self._journal_no[key] = max(self._journal_no.get(key, 0), line.journal_no)

    def calendar_of(self, division: str) -> str:
        """The division's accounting calendar kind (`calendars.KINDS`)."""
        return next((d.get("calendar", "months") for d in self.divisions if d["code"] == division), "months")

    def division_codes(self) -> list[str]:
        return [d["code"] for d in self.divisions]

    def division_of_cost_center(self, cost_center: str) -> str:
        """The division (plant) a cost center belongs to; admin cost centers book in the first division."""
        for d in self.divisions:
            if d["cost_center"] == cost_center:
                return d["code"]
        return self.divisions[0]["code"]

    def check_lines(self, lines: list[JournalLine]) -> list[str]:
        """Why these journal lines cannot post (unknown account or cost center, bad amount, unbalanced)."""
        errors: list[str] = []
        total = Decimal(0)
        if not lines:
            return ["Journal has no lines"]
        for n, line in enumerate(lines, start=1):
            if line.account not in self.accounts[1]:
                errors.append(f"Line {n}: account {line.account} does not exist")
            if line.cost_center and line.cost_center not in self.accounts[2]:
                errors.append(f"Line {n}: cost center {line.cost_center} does not exist")
            try:
                total += Decimal(line.amount)
            except InvalidOperation:
                errors.append(f"Line {n}: amount {line.amount!r} is not a number")
        if not errors and total != 0:
            errors.append(f"Journal is not balanced: lines sum to {total}")
        return errors

    def post_journal(
        self, product: str, reference: str, division: str, lines: list[JournalLine], detail: dict[str, str]
    ) -> PostedJournal:
        """Record a journal and book its lines into the ledger (all product-line views see them)."""
        with self.lock:
            now = self.clock()
            journal = PostedJournal(
                id=f"{product}-{next(self._journal_ids):06d}",
                product=product,
                reference=reference,
                division=division,
                status="posted",
                created=now,
                lines=list(lines),
                detail=dict(detail),
            )
            self.journals.append(journal)
            year = lines[0].acct_date.year
            jrno = self._journal_no.get((division, year), 0) + 1
            self._journal_no[(division, year)] = jrno
            for seq, line in enumerate(lines, start=1):
                self.lines.append(
                    LedgerLine(
                        division=division,
                        year=year,
                        journal_no=jrno,
                        journal_seq=seq,
                        voucher_series="GL",
                        voucher_no=jrno,
                        acct_date=line.acct_date,
                        account=line.account,
                        cost_center=line.cost_center,
                        amount=line.amount,
                        currency=line.currency or self.currency,
                        text=line.text or reference,
                        trans_code=GL,
                        created=now,
                        changed=now,
                        trans_num=next(self._trans_num),
                        reference=reference,
                        journal_id=detail.get("Id", ""),
                        lake_arrival=now + self.lake_delay if self.lake_delay else None,
                        calendar=self.calendar_of(division),
                        system=detail.get("System", ""),
                    )
                )
            return journal

    def change_line(self, number: int, amount: str | None = None, when: datetime | None = None) -> LedgerLine:
        """Change a posted line in place, as a correction in the GL does: new change date (LMDT), CHNO + 1.

        `number` is the line's position in the ledger (`lines`); `amount` replaces its amount when given.
        """
        with self.lock:
            line = self.lines[number]
            if amount is not None:
                line.amount = amount
            line.changed = when or self.clock()
            line.change_no += 1
            self.ledger_edits += 1
            return line

    def upsert_supplier(self, supplier_id: str, changes: dict[str, str], create: bool) -> Supplier:
        """Create or change a supplier; `changes` uses the `Supplier` attribute names."""
        with self.lock:
            current = self.suppliers.get(supplier_id)
            if current is None:
                if not create:
                    raise KeyError(supplier_id)
                current = Supplier(supplier_id, "", "", "30", "", "", "", "", "US")
                self.suppliers[supplier_id] = current
            for name, value in changes.items():
                setattr(current, name, value)
            current.changed = self.clock()
            return current
