"""FSM (CloudSuite Financials / Landmark) through `FSM/fsm/soap/...` (infor.md 4, community code).

Reads: `classes/{BusinessClass}/lists/_generic` with `_limit` and `_pageNav=true`, following the `next`
link. Answers are lists: element 0 is metadata, then `{"_fields": {...}}` per record.
Journals: GLTransactionInterface `CreateUnreleased/batch` under a RunGroup (= the reference, at most 30
characters), then the InterfaceTransactions form operation journalizes it; GLTransactionInterfaceResult
tells whether it passed. Supplier writes have no documented FSM route: they are refused with a clear error.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from ml_connector.errors import ApiError, ConfigurationError
from ml_connector.http import ApiSession
from ml_connector.records import (
    Account,
    CostCenter,
    EntryKind,
    JournalDraft,
    LedgerLine,
    PostResult,
    RejectedRecord,
    Supplier,
    SupplierWriteResult,
)
from ml_connector.systems.infor.canonical import RowFields, to_ledger_line, within
from ml_connector.systems.infor.errors import fsm_exception
from ml_connector.systems.infor.journals import check_draft, post_once
from ml_connector.systems.infor.paging import CursorGuard, next_link
from ml_connector.systems.infor.settings import InforSettings
from ml_connector.systems.infor.values import format_amount, m3_day, parse_iso_stamp
from ml_connector.systems.own_journals import posted_by_us

SOURCE = "infor-fsm"
BASE = "FSM/fsm/soap"
JOURNALIZE = "InterfaceTransactions_InterfaceTransactionsForm_FormOperation"
DELETE_RUN_GROUP = "DeleteAllTransactionsForRunGroup_DeleteAllTransactionsForRunGroupForm_FormOperation"
JOURNALIZED = "1"  # ASSUMPTION: interface status "1" = journalized (the notes give only result Status "1")
Row = dict[str, str]


def gl_fields(row: Row, stamp: datetime | None) -> RowFields:
    """A GLTransactionDetail line (from the business class, or its Data Lake copy: the same field names)."""
    vendor = row.get("VendorGroupAndVendor", "").split()
    return RowFields(
        source_key=f"fsm:{row.get('AccountingEntity', '')}:{row.get('GLTransactionDetail', '')}",
        ledger=row.get("AccountingEntity", ""),
        day=row.get("PostingDate", ""),
        account=row.get("Account", ""),
        cost_center=row.get("AccountingUnit", ""),
        amount=row.get("TransactionAmount", ""),
        currency=row.get("CurrencyCode", ""),
        supplier=vendor[-1] if vendor else "",
        description=row.get("Description", ""),
        updated_at=stamp,
        amount_field="TransactionAmount",
        day_field="PostingDate",
    )


def lpl_quote(value: str) -> str:
    return '"' + value.replace('"', "") + '"'


class FsmLines:
    """The FSM product line behind `InforClient`."""

    def __init__(self, settings: InforSettings, session: ApiSession) -> None:
        self.settings = settings
        self.session = session
        self._checked_entity = ""

    def list(self, business_class: str, *, lpl_filter: str = "", limit: int = 0) -> Iterator[Row]:
        """Every record of a business class that matches, following `next` links."""
        params = {
            "_fields": "_all",
            "_limit": str(limit or self.settings.page_size),
            "_out": "JSON",
            "_pageNav": "true",
            "_links": "false",
        }
        if lpl_filter:
            params["_lplFilter"] = lpl_filter
        path: str = f"{BASE}/classes/{business_class}/lists/_generic"
        guard = CursorGuard(f"{business_class} next link")
        query: dict[str, str] | None = params
        while True:
            response = self.session.request("GET", path, params=query)
            body = _json(response.text)
            problem = fsm_exception(body, self.session.redactor)
            if problem or not isinstance(body, list) or not body:
                raise ApiError(f"FSM {business_class} list failed: {problem or 'answer is not a list'}")
            for element in body[1:]:
                if isinstance(element, dict) and isinstance(element.get("_fields"), dict):
                    yield {str(k): "" if v is None else str(v) for k, v in element["_fields"].items()}
            link = next_link(body[0])
            if link is None or limit:
                return
            guard.check(link)
            path, query = self._gateway_path(link), None

    def _gateway_path(self, link: str) -> str:
        """A `next` href as a path under the API base (hrefs may be absolute or host-relative)."""
        parts = urlsplit(link)
        path = parts.path
        prefix = urlsplit(self.settings.credentials.api_base).path.rstrip("/") + "/"
        if path.startswith(prefix):
            path = path[len(prefix) :]
        return path + (f"?{parts.query}" if parts.query else "")

    def ping(self) -> str:
        entity = self.check_entity()
        rows = list(self.list("GeneralLedgerChartAccount", limit=1))
        where = f", accounting entity {entity}" if entity else ""
        return (
            f"Infor FSM tenant {self.settings.credentials.tenant}{where}: {len(rows)} account read through the ION API"
        )

    def _entities(self) -> tuple[str, ...]:
        # ASSUMPTION: the accounting entities are those the AccountingUnit records name (the notes list no
        # AccountingEntity business class), as `discover` reads them.
        return tuple(sorted({r.get("AccountingEntity", "") for r in self.list("AccountingUnit")} - {""}))

    def check_entity(self) -> str:
        """The configured accounting entity (`fsm_accounting_entity`, else `company`), checked against FSM: one
        it does not have is a configuration error (journals would be refused and reads would find nothing)."""
        entity = (self.settings.fsm_accounting_entity or self.settings.company).strip()
        if not entity:
            return ""
        known = self._entities()
        if entity not in known:
            setting = "fsm_accounting_entity" if self.settings.fsm_accounting_entity else "company"
            raise ConfigurationError(
                f"FSM has no accounting entity {entity!r} (it has: {', '.join(known) or 'none'})",
                hint=f"Set {setting} on the Infor connection to one that `ml-connector discover` lists.",
            )
        return entity

    def discover(self) -> dict[str, Any]:
        entities = self._entities()
        ledgers = sorted({r.get("PrimaryLedger", "") for r in self.list("GLTransactionDetail", limit=1)} - {""})
        return {
            "product": "fsm",
            "companies": [{"id": e} for e in entities],
            "ledgers": [{"id": ledger} for ledger in ledgers],
        }

    def ledger_lines(self, since: datetime | None, until: datetime | None) -> Iterator[LedgerLine | RejectedRecord]:
        """GLTransactionDetail changed in [since, until), by its `UpdateStamp`."""
        # ASSUMPTION: the change stamp of FSM business classes is `UpdateStamp` (ISO-8601, UTC); the notes
        # name no stamp field.
        self.check_entity()  # an entity FSM lacks is a configuration error before anything is read
        for row in self.list("GLTransactionDetail", lpl_filter=_stamp_filter(since)):
            stamp = parse_iso_stamp(row.get("UpdateStamp"))
            if not within(stamp, since, until) or posted_by_us(row.get("Description")) or self._plan_system(row):
                continue  # plan, not actuals (own_journals)
            yield to_ledger_line(SOURCE, EntryKind.GL, gl_fields(row, stamp), row)

    def _plan_system(self, row: Row) -> bool:
        """A GL line of the plan journals' system (`fsm_plan_system`), whoever journalized it."""
        system = self.settings.fsm_plan_system.strip()
        return bool(system) and row.get("System", "").strip() == system

    def invoices(self, since: datetime | None) -> Iterator[LedgerLine | RejectedRecord]:
        for row in self.list("PayablesInvoice", lpl_filter=_stamp_filter(since)):
            yield to_ledger_line(SOURCE, EntryKind.INVOICE, invoice_fields(row, self.settings), row)

    def payments(self, since: datetime | None) -> Iterator[LedgerLine | RejectedRecord]:
        for row in self.list("CashLedgerPayment", lpl_filter=_stamp_filter(since)):
            yield to_ledger_line(SOURCE, EntryKind.PAYMENT, payment_fields(row, self.settings), row)

    def accounts(self) -> Iterator[Account]:
        for row in self.list("GeneralLedgerChartAccount"):
            yield Account(
                code=row.get("GeneralLedgerChartAccount", ""),
                name=row.get("AccountDescription", ""),
                account_type=row.get("ChartSection", ""),
            )

    def cost_centers(self) -> Iterator[CostCenter]:
        for row in self.list("AccountingUnit"):
            yield CostCenter(code=row.get("AccountingUnit", ""), name=row.get("Description", ""))

    def suppliers(self) -> Iterator[Supplier]:
        for row in self.list("Vendor"):
            yield Supplier(
                number=row.get("Vendor", ""),
                name=row.get("VendorName", ""),
                tax_id=row.get("TaxID", ""),
                payment_terms=row.get("PayTerms", ""),
            )

    # --- writes ------------------------------------------------------------------------------------

    def find_journal(self, reference: str) -> str | None:
        """A run group that journalized cleanly (GLTransactionInterfaceResult, FailedCount 0)."""
        for row in self.list("GLTransactionInterfaceResult", lpl_filter=f"RunGroup = {lpl_quote(reference)}"):
            if row.get("RunGroup") == reference and row.get("FailedCount", "0") == "0":
                if row.get("PassedCount", "0") not in ("", "0"):
                    return f"{reference}/{row.get('GLTransactionInterfaceResult', '')}"
        return None

    def post_journal(self, draft: JournalDraft) -> PostResult:
        # "RunGroup max 30 chars" (infor.md 4): the reference is the run group.
        check_draft(draft, max_reference=30)
        entity = self.settings.fsm_accounting_entity or self.settings.company
        if entity and entity != self._checked_entity:
            self._checked_entity = self.check_entity()  # once per client: an entity FSM lacks posts nothing
        records = []
        for number, line in enumerate(draft.lines, start=1):
            fields = {
                "FinanceEnterpriseGroup": self.settings.fsm_enterprise_group,
                "GLTransactionInterface.RunGroup": draft.reference,
                "GLTransactionInterface.SequenceNumber": str(number),
                "AccountingUnit": line.cost_center,
                "AccountCode": line.account,
                "PostingDate": m3_day(draft.accounting_date),
                "TransactionAmount": format_amount(line.amount),
                "CurrencyCode": draft.currency,
                "Description": (line.description or draft.description)[:60],
            }
            if entity:
                fields["AccountingEntity"] = entity
            if self.settings.fsm_plan_system.strip():
                fields["System"] = self.settings.fsm_plan_system.strip()
            records.append({"_fields": fields, "message": "BatchImport"})

        def write() -> str:
            # Leftovers of an interrupted attempt (created, never journalized) go first: the batch is rebuilt.
            self._form(DELETE_RUN_GROUP, draft.reference)
            response = self.session.request(
                "POST",
                f"{BASE}/classes/GLTransactionInterface/actions/CreateUnreleased/batch",
                json={"_records": records},
                safe_to_repeat=False,
            )
            problem = fsm_exception(_json(response.text), self.session.redactor)
            if problem:
                raise ApiError(f"FSM refused journal {draft.reference!r}: {problem}")
            self._form(JOURNALIZE, draft.reference, journalize=True)
            found = self.find_journal(draft.reference)
            if found is None:
                raise ApiError(
                    f"FSM did not journalize run group {draft.reference!r}; see GLTransactionInterface errors",
                    hint="Fix the accounts or accounting units named in FSM, then replay the run.",
                )
            return found

        return post_once(draft.reference, lambda: self.find_journal(draft.reference), write)

    def _form(self, operation: str, run_group: str, *, journalize: bool = False) -> None:
        params = {"PrmRunGroup": run_group, "_cmAll": "true"}
        if journalize:
            params |= {
                "PrmJournalizeByEntity": "true",
                "PrmEnterpriseGroup": self.settings.fsm_enterprise_group,
                "PrmInterfaceInDetail": "true",
            }
        # A form operation changes data: not repeated blindly (the poster looks the run group up instead).
        self.session.request(
            "GET", f"{BASE}/ldrest/GLTransactionInterface/{operation}", params=params, safe_to_repeat=False
        )

    def upsert_suppliers(self, suppliers: Iterable[Supplier]) -> Iterator[SupplierWriteResult]:
        raise ConfigurationError(
            "Infor FSM has no documented route for supplier updates through the ION API",
            hint="Maintain FSM vendors in FSM (or via its own import tools); run suppliers-return for M3, CSI "
            "or Oracle only.",
        )


def invoice_fields(row: Row, settings: InforSettings) -> RowFields:
    """A PayablesInvoice record's canonical fields (the Data Lake reader builds the same, `lake_lines`)."""
    return RowFields(
        source_key=f"fsm:inv:{row.get('Company', '')}:{row.get('Vendor', '')}:{row.get('Invoice', '')}",
        ledger=row.get("Company", ""),
        day=row.get("DistributionDate", "") or row.get("InvoiceDate", ""),
        account=settings.ap_account,
        cost_center="",
        amount=row.get("InvoiceAmount", ""),
        currency=row.get("CurrencyCode", ""),
        supplier=row.get("Vendor", ""),
        description=f"{row.get('Vendor', '')} {row.get('Invoice', '')}",
        updated_at=parse_iso_stamp(row.get("UpdateStamp")),
        amount_field="InvoiceAmount",
        day_field="DistributionDate",
    )


def payment_fields(row: Row, settings: InforSettings) -> RowFields:
    """A CashLedgerPayment record's canonical fields (the Data Lake reader builds the same, `lake_lines`)."""
    return RowFields(
        source_key=":".join(("fsm", "pay", *(row.get(k, "") for k in ("Company", "CheckNumber", "Invoice")))),
        ledger=row.get("Company", ""),
        day=row.get("PaymentDate", ""),
        account=settings.ap_account,
        cost_center="",
        amount=row.get("PaymentAmount", ""),
        currency=row.get("CurrencyCode", ""),
        supplier=row.get("Vendor", ""),
        description=f"{row.get('Vendor', '')} {row.get('Invoice', '')}",
        updated_at=parse_iso_stamp(row.get("UpdateStamp")),
        amount_field="PaymentAmount",
        day_field="PaymentDate",
    )


def _stamp_filter(since: datetime | None) -> str:
    if since is None:
        return ""
    utc = since.astimezone(UTC)
    # The same text form as the stamps (ISO-8601, milliseconds, Z), so text comparison orders them.
    text = utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    return f"UpdateStamp >= {lpl_quote(text)}"


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None
