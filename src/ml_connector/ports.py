"""What the flows ask of the systems they move data between: an ERP, whichever it is (Oracle Fusion,
Infor M3, CSI or FSM), and a planning model (Anaplan).

Each client in `ml_connector.systems` offers one of these shapes, so the flows never branch on the
system, and a flow's tests can stand in a fake for either side.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ml_connector.records import (
    Account,
    AccountBalance,
    BudgetDraft,
    CostCenter,
    CurrencyRate,
    Hierarchy,
    JournalDraft,
    LedgerLine,
    PeriodStatus,
    PostResult,
    RejectedRecord,
    Supplier,
    SupplierWriteResult,
)
from ml_connector.systems.anaplan.discovery import ModelRef
from ml_connector.systems.anaplan.imports import ImportOutcome
from ml_connector.systems.anaplan.lists import ListMember

__all__ = [
    "BulkLedger",
    "BulkPayables",
    "CancellableRead",
    "ErpClient",
    "ImportOutcome",
    "LineEstimate",
    "ListMember",
    "ModelRef",
    "PlanningModel",
    "SubmitLog",
]


class SubmitLog(Protocol):
    """The store's memory of writes whose effect can land after their answer is lost (Oracle's journal
    import job): remembered before the submit, so the next run resolves the job before submitting again."""

    def submitted_request(self, reference: str) -> str | None:
        """None when never submitted; else the ERP's request id ('' when the submit's answer was lost)."""

    def submitting(self, reference: str) -> None: ...

    def submitted(self, reference: str, request_id: str) -> None: ...

    def forget(self, reference: str) -> None:
        """The submitted job ended without creating the journal: it may be submitted again."""


class ErpClient(Protocol):
    """An ERP seen by the flows. Every call goes through the shared budget and retry."""

    system: str
    supplier_names_unique: bool  # the ERP refuses a second supplier with a name already taken

    def ping(self) -> str:
        """Authenticate and read one small thing; return a one-line description of what answered."""

    def discover(self) -> dict[str, Any]:
        """Companies, ledgers, charts of accounts: a tree of names and ids for `ml-connector discover`."""

    def ledger_lines(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[LedgerLine | RejectedRecord]:
        """GL postings updated in [since, until) (all when None), streamed, each once per read."""

    def period_statuses(self) -> dict[str, PeriodStatus]:
        """Each accounting period ("YYYY-MM") of the ledger(s) read and its status; empty when the ERP
        publishes none."""

    def period_balances(self, periods: Collection[str]) -> dict[str, list[AccountBalance]] | None:
        """The ERP's activity of each period ("YYYY-MM") by account and cost center; None when it publishes none."""

    def currency_rates(self, target: str, rate_type: str) -> list[CurrencyRate] | None:
        """The ERP's daily rates into `target` of `rate_type`; None when it publishes none."""

    def hierarchy(self, dimension: str) -> Hierarchy | None:
        """The parents of the "account" or "cost_center" members; None when the ERP publishes none (or
        the connection names no hierarchy to read)."""

    def posting_day(self, period: str) -> date | None:
        """A day the ERP's calendar places in its fiscal period `period` ("YYYY-Pnn"), to date a journal into
        that period; None when the ERP's calendar does not say (the figures then wait, never guessed)."""

    def invoices(self, since: datetime | None = None) -> Iterator[LedgerLine | RejectedRecord]:
        """Supplier invoices as ledger lines of kind `invoice`."""

    def payments(self, since: datetime | None = None) -> Iterator[LedgerLine | RejectedRecord]:
        """Supplier payments as ledger lines of kind `payment`."""

    def accounts(self) -> Iterator[Account]: ...

    def cost_centers(self) -> Iterator[CostCenter]: ...

    def suppliers(self) -> Iterator[Supplier]: ...

    def find_journal(self, reference: str) -> str | None:
        """The document id of a journal already carrying `reference`, or None."""

    def post_journal(self, journal: JournalDraft, submits: SubmitLog | None = None) -> PostResult:
        """Post for review, unless a journal with the same reference exists (then return it, created=False).

        With `submits`, a write that completes after its answer (an import job) is remembered before it is
        sent, and one an earlier run sent is resolved before anything is sent again."""

    def post_budget(self, budget: BudgetDraft, submits: SubmitLog | None = None) -> PostResult:
        """Load budget amounts through the ERP's budget route (replacing the amounts of the same cells);
        a ConfigurationError when the ERP has none built."""

    def upsert_suppliers(self, suppliers: Iterable[Supplier]) -> Iterator[SupplierWriteResult]:
        """Create or update suppliers in bulk; one result per supplier, failures reported, not hidden."""

    def close(self) -> None: ...


@runtime_checkable
class BulkLedger(Protocol):
    """An ERP client that can also deliver GL lines through one bulk read (a flow's `extract = "bulk"`)."""

    bulk_route: str  # what the bulk read is, for the run summary ("one exportBulkData extract")
    bulk_lags: bool  # True when it reads a copy that lags the ERP (the Infor Data Lake): `lake_lag_minutes` apply

    def bulk_ledger_lines(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[LedgerLine | RejectedRecord]:
        """What `ledger_lines` yields (same records, same source keys), read through the bulk route."""


@runtime_checkable
class BulkPayables(Protocol):
    """An ERP client that can also deliver supplier invoices and payments through its bulk route."""

    bulk_payables: bool  # False when this connection's bulk route has no invoices and payments (REST reads them)

    def bulk_invoices(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[LedgerLine | RejectedRecord]:
        """What `invoices(since)` yields (same records, same source keys), changed in [since, until), in bulk."""

    def bulk_payments(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[LedgerLine | RejectedRecord]:
        """What `payments(since)` yields (same records, same source keys), changed in [since, until), in bulk."""


@runtime_checkable
class CancellableRead(Protocol):
    """A bulk read (what the bulk methods above return) that the run can stop: `cancel()` cancels its remote
    job where the ERP's API documents a cancel, and ends its waiting (`ml_connector.http.cancel`)."""

    def cancel(self) -> None: ...


@runtime_checkable
class LineEstimate(Protocol):
    """An ERP client that can tell, from a cheap count, about how many GL lines a read would meet."""

    def estimate_lines(self, since: datetime | None = None) -> int: ...


class PlanningModel(Protocol):
    """A planning system seen by the flows (Anaplan). Actions on one model are serialized by the client."""

    def ping(self) -> str: ...

    def discover(self) -> dict[str, Any]: ...

    def model(self, workspace: str | None = None, model: str | None = None) -> ModelRef:
        """Resolve a model by name or id (raises a clear error naming what exists when it is not found)."""

    def import_columns(self, ref: ModelRef, import_name: str) -> list[str]:
        """The columns the named import reads, in its order."""

    def list_members(self, ref: ModelRef, list_name: str) -> list[ListMember]: ...

    def time_periods(self, ref: ModelRef) -> list[str]:
        """The labels of the model's time periods, so a period label is checked before it is loaded."""

    def load(self, ref: ModelRef, import_name: str, path: Path, rows_sent: int) -> ImportOutcome:
        """Upload `path` as the import's source file and run it, holding the model's lock; with its dump."""

    def export(self, ref: ModelRef, export_name: str, dest: Path) -> Path:
        """Run the named export and stream its file to `dest`."""

    def close(self) -> None: ...
