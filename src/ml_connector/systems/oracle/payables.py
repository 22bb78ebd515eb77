"""Supplier invoices and payments, as ledger lines of kind `invoice` and `payment`."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from ml_connector.http import ApiSession
from ml_connector.records import EntryKind, LedgerLine, RejectedRecord, period_of
from ml_connector.systems.oracle.amounts import parse_amount, parse_date, parse_id, parse_timestamp, q_timestamp
from ml_connector.systems.oracle.coa import SegmentLayout
from ml_connector.systems.oracle.errors import BulkExtractError
from ml_connector.systems.oracle.paging import read_collection

SOURCE = "oracle"
HINT = "Correct the document in Oracle Payables, or replay once it is fixed."


class Recent:
    """The last `limit` keys read. Rows come ordered by id, so a row met twice (the offset paging shifted
    under an insert) is one of the previous page's: a window of two pages catches it, and memory stays
    flat however many rows the read brings. A repeat beyond it would count once anyway: the store keeps
    one staged line per source key in a run (the last version read)."""

    def __init__(self, limit: int) -> None:
        self.limit = max(limit, 1)
        self._order: deque[str] = deque()
        self._keys: set[str] = set()

    def repeat(self, key: str) -> bool:
        """Whether `key` was read within the window; remembers it otherwise."""
        if key in self._keys:
            return True
        self._order.append(key)
        self._keys.add(key)
        if len(self._order) > self.limit:
            self._keys.discard(self._order.popleft())
        return False


def _query(since: datetime | None, key: str) -> dict[str, str]:
    params = {"orderBy": f"{key}:asc", "onlyData": "true"}
    if since is not None:
        params["q"] = f"LastUpdateDate >= {q_timestamp(since)}"
    return params


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if v is None or isinstance(v, str | int | bool) else str(v)) for k, v in item.items()}


def read_invoices(
    session: ApiSession, layout: SegmentLayout, ledger: str, since: datetime | None, page_size: int
) -> Iterator[LedgerLine | RejectedRecord]:
    """Invoices updated since `since`; the account and cost center come from the liability distribution."""
    recent = Recent(2 * page_size)
    for row in read_collection(session, "invoices", _query(since, "InvoiceId"), page_size=page_size):
        key = f"{SOURCE}:invoice:{row.get('InvoiceId')}"
        if recent.repeat(key):
            continue
        yield _invoice(key, row, layout, ledger)


def _invoice(key: str, row: dict[str, Any], layout: SegmentLayout, ledger: str) -> LedgerLine | RejectedRecord:
    kind = EntryKind.INVOICE.value
    try:
        updated = parse_timestamp(row.get("LastUpdateDate"))
    except ValueError as exc:
        return RejectedRecord(SOURCE, key, kind, f"LastUpdateDate: {exc}", HINT, _plain(row), None)
    try:
        parse_id(row.get("InvoiceId"))
        amount = parse_amount(row.get("InvoiceAmount"))
        if amount is None:
            raise ValueError("the invoice has no amount")
        account, cost_center = layout.split(str(row.get("LiabilityDistribution") or ""))
        day = parse_date(row.get("AccountingDate")) or parse_date(row.get("InvoiceDate"))
        if day is None:
            raise ValueError("the invoice has no accounting or invoice date")
    except ValueError as exc:
        return RejectedRecord(SOURCE, key, kind, str(exc), HINT, _plain(row), updated)
    if row.get("CanceledFlag") is True:
        # A canceled invoice still flows, at zero, so a total loaded earlier is overwritten, not kept.
        amount = amount * 0
    return LedgerLine(
        source=SOURCE,
        source_key=key,
        ledger=ledger,
        period=period_of(day),
        posted_on=day,
        account=account,
        cost_center=cost_center,
        amount=amount,
        currency=str(row.get("InvoiceCurrency") or ""),
        kind=EntryKind.INVOICE,
        supplier=str(row["SupplierNumber"]) if row.get("SupplierNumber") else None,
        updated_at=updated,
        description=str(row.get("InvoiceNumber") or ""),
    )


def read_payments(
    session: ApiSession, ledger: str, since: datetime | None, page_size: int
) -> Iterator[LedgerLine | RejectedRecord]:
    """Payments updated since `since`."""
    recent = Recent(2 * page_size)
    for row in read_collection(session, "payablesPayments", _query(since, "CheckId"), page_size=page_size):
        key = f"{SOURCE}:payment:{row.get('CheckId')}"
        if recent.repeat(key):
            continue
        yield _payment(key, row, ledger)


def _payment(key: str, row: dict[str, Any], ledger: str) -> LedgerLine | RejectedRecord:
    try:
        updated = parse_timestamp(row.get("LastUpdateDate"))
    except ValueError as exc:
        return RejectedRecord(SOURCE, key, EntryKind.PAYMENT.value, f"LastUpdateDate: {exc}", HINT, _plain(row))
    try:
        parse_id(row.get("CheckId"))
        amount = parse_amount(row.get("PaymentAmount"))
        if amount is None:
            raise ValueError("the payment has no amount")
        day = parse_date(row.get("AccountingDate")) or parse_date(row.get("PaymentDate"))
        if day is None:
            raise ValueError("the payment has no accounting or payment date")
    except ValueError as exc:
        return RejectedRecord(SOURCE, key, EntryKind.PAYMENT.value, str(exc), HINT, _plain(row), updated)
    # ASSUMPTION: payablesPayments carries no account combination; account and cost center stay empty
    # and the mapping's defaults place payments.
    return LedgerLine(
        source=SOURCE,
        source_key=key,
        ledger=ledger,
        period=period_of(day),
        posted_on=day,
        account="",
        cost_center="",
        amount=amount,
        currency=str(row.get("PaymentCurrency") or ""),
        kind=EntryKind.PAYMENT,
        supplier=str(row["SupplierNumber"]) if row.get("SupplierNumber") else None,
        updated_at=updated,
        description=str(row.get("PaymentReference") or row.get("PaymentNumber") or ""),
    )


# --- the bulk route: exportBulkData extracts of the same documents (`bulk.BulkExtract.table`) ----------------
# ASSUMPTION: like the journal lines extract, these are BI Publisher reports the integrator deploys over
# AP_INVOICES_ALL and AP_CHECKS_ALL, their columns named after those tables' columns; each maps to the REST
# attribute the REST reader reads, so both routes build the same record through the same function.
INVOICE_COLUMNS = {
    "INVOICE_ID": "InvoiceId",
    "INVOICE_NUM": "InvoiceNumber",
    "INVOICE_AMOUNT": "InvoiceAmount",
    "INVOICE_CURRENCY_CODE": "InvoiceCurrency",
    "INVOICE_DATE": "InvoiceDate",
    "GL_DATE": "AccountingDate",
    "VENDOR_NUM": "SupplierNumber",
    "CANCELLED_FLAG": "CanceledFlag",
    "LIABILITY_ACCOUNT": "LiabilityDistribution",
    "LAST_UPDATE_DATE": "LastUpdateDate",
}
PAYMENT_COLUMNS = {
    "CHECK_ID": "CheckId",
    "CHECK_NUMBER": "PaymentNumber",
    "PAYMENT_REFERENCE": "PaymentReference",
    "AMOUNT": "PaymentAmount",
    "CURRENCY_CODE": "PaymentCurrency",
    "CHECK_DATE": "PaymentDate",
    "GL_DATE": "AccountingDate",
    "VENDOR_NUM": "SupplierNumber",
    "LAST_UPDATE_DATE": "LastUpdateDate",
}


def _as_rest(row: dict[str, str | None], columns: dict[str, str], required: str) -> dict[str, Any]:
    if required not in row:
        raise BulkExtractError(
            f"Oracle's extract has no column {required} (columns: {', '.join(row)[:300]})",
            hint="The report deployed on the pod must name its columns as the README's bulk section lists them.",
        )
    return {attr: row.get(column) for column, attr in columns.items()}


# A report row repeated (a document joined to several rows) comes next to its twin; a repeat further away
# still counts once, as the store keeps one staged line per source key in a run.
BULK_REPEAT_WINDOW = 1000


def bulk_invoices(
    rows: Iterable[dict[str, str | None]], layout: SegmentLayout, ledger: str
) -> Iterator[LedgerLine | RejectedRecord]:
    """Extract rows of invoices as `read_invoices` yields them: key `oracle:invoice:<InvoiceId>`."""
    recent = Recent(BULK_REPEAT_WINDOW)
    for raw in rows:
        row = _as_rest(raw, INVOICE_COLUMNS, "INVOICE_ID")
        # A Y/N flag in the report, a JSON boolean through REST.
        flag = str(row.get("CanceledFlag") or "").strip().upper()
        row["CanceledFlag"] = flag in ("Y", "TRUE")
        key = f"{SOURCE}:invoice:{_digits(row.get('InvoiceId'))}"
        if recent.repeat(key):
            continue
        yield _invoice(key, row, layout, ledger)


def bulk_payments(rows: Iterable[dict[str, str | None]], ledger: str) -> Iterator[LedgerLine | RejectedRecord]:
    """Extract rows of payments as `read_payments` yields them: key `oracle:payment:<CheckId>`."""
    recent = Recent(BULK_REPEAT_WINDOW)
    for raw in rows:
        row = _as_rest(raw, PAYMENT_COLUMNS, "CHECK_ID")
        key = f"{SOURCE}:payment:{_digits(row.get('CheckId'))}"
        if recent.repeat(key):
            continue
        yield _payment(key, row, ledger)


def _digits(value: Any) -> Any:
    try:
        return parse_id(value)
    except ValueError:
        return value  # the record function rejects it; the key still names the row
