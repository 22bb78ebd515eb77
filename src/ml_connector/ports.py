"""What the flows ask of an ERP, whichever it is (Oracle Fusion, Infor M3, CSI or FSM).

Each ERP client in `ml_connector.systems` offers this shape, so the flows never branch on the system.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, Protocol

from ml_connector.records import (
    Account,
    CostCenter,
    JournalDraft,
    LedgerLine,
    PostResult,
    RejectedRecord,
    Supplier,
    SupplierWriteResult,
)


class ErpClient(Protocol):
    """An ERP seen by the flows. Every call goes through the shared budget and retry."""

    system: str

    def ping(self) -> str:
        """Authenticate and read one small thing; return a one-line description of what answered."""

    def discover(self) -> dict[str, Any]:
        """Companies, ledgers, charts of accounts: a tree of names and ids for `ml-connector discover`."""

    def ledger_lines(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[LedgerLine | RejectedRecord]:
        """GL postings updated in [since, until) (all when None), streamed, each once per read."""

    def invoices(self, since: datetime | None = None) -> Iterator[LedgerLine | RejectedRecord]:
        """Supplier invoices as ledger lines of kind `invoice`."""

    def payments(self, since: datetime | None = None) -> Iterator[LedgerLine | RejectedRecord]:
        """Supplier payments as ledger lines of kind `payment`."""

    def accounts(self) -> Iterator[Account]: ...

    def cost_centers(self) -> Iterator[CostCenter]: ...

    def suppliers(self) -> Iterator[Supplier]: ...

    def find_journal(self, reference: str) -> str | None:
        """The document id of a journal already carrying `reference`, or None."""

    def post_journal(self, journal: JournalDraft) -> PostResult:
        """Post for review, unless a journal with the same reference exists (then return it, created=False)."""

    def upsert_suppliers(self, suppliers: Iterable[Supplier]) -> Iterator[SupplierWriteResult]:
        """Create or update suppliers in bulk; one result per supplier, failures reported, not hidden."""

    def close(self) -> None: ...
