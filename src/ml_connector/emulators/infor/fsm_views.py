"""FSM (CloudSuite Financials / Landmark) business classes as views over the shared backend.

Field names follow infor.md section 4 (clipham reference.py, "from live FSM sandbox"); the ones it does
not list are marked. Accounting entity = the company (100); accounting unit = cost center.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from ml_connector.emulators.infor.models import InforBackend

Row = dict[str, str]
LEDGER = "CORE"
ENTERPRISE_GROUP = "1"


def fsm_date(day: date | None) -> str:
    return day.strftime("%Y%m%d") if day else ""


def fsm_stamp(moment: datetime | None) -> str:
    # ASSUMPTION: stamps as ISO-8601 UTC text; the notes do not show the format.
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z" if moment else ""


def _details(b: InforBackend) -> list[Row]:
    out = []
    for ln in b.lines:
        debit = ln.amount if not ln.amount.startswith("-") else ""
        system = ln.system or {40: "AP", 50: "CB"}.get(ln.trans_code, "GL")
        out.append(
            {
                "GLTransactionDetail": str(ln.trans_num),
                "FinanceEnterpriseGroup": ENTERPRISE_GROUP,
                "PrimaryLedger": LEDGER,
                "AccountingEntity": b.company,
                "AccountingUnit": ln.cost_center,
                "Account": ln.account,
                "FinanceCodeBlock": f"{LEDGER}|{b.company}|{ln.cost_center}|{ln.account}",
                "PostingDate": fsm_date(ln.acct_date),
                "TransactionDate": fsm_date(ln.acct_date),
                "TransactionAmount": ln.amount,
                "DerivedFunctionalAmount": ln.amount,
                "CurrencyCode": ln.currency,
                "Debit": debit,
                "Credit": ln.amount[1:] if not debit else "",
                "System": system,
                "GeneralLedgerEvent": {"AP": "IN", "CB": "PY"}.get(system, "JE"),
                "Description": ln.text,
                "Reference": ln.reference or ln.text,
                "DocumentNumber": ln.invoice_no or f"{ln.voucher_series}{ln.voucher_no}",
                "ControlDocumentNumber": f"{ln.division}-{ln.year}-{ln.journal_no}",
                "VendorGroupAndVendor": f"{ENTERPRISE_GROUP} {ln.supplier}" if ln.supplier else "",
                # ASSUMPTION: period fields and stamps named as below (not in the notes).
                "FiscalYear": str(ln.acct_date.year),
                "AccountingPeriod": str(ln.acct_date.month),
                "CreateStamp": fsm_stamp(ln.created),
                "UpdateStamp": fsm_stamp(ln.changed or ln.created),
            }
        )
    return out


def _chart(b: InforBackend) -> list[Row]:
    return [
        {
            "GeneralLedgerChartAccount": a.code,
            "AccountDescription": a.name,
            "ChartSection": a.account_type,
            "UpdateStamp": fsm_stamp(a.changed),
        }
        for a in b.accounts[1].values()
    ]


def _units(b: InforBackend) -> list[Row]:
    return [
        {
            "AccountingEntity": b.company,
            "AccountingUnit": c.code,
            "Description": c.name,
            "UpdateStamp": fsm_stamp(c.changed),
        }
        for c in b.accounts[2].values()
    ]


def _vendors(b: InforBackend) -> list[Row]:
    return [
        {
            "VendorGroup": ENTERPRISE_GROUP,
            "Vendor": s.id,
            "VendorName": s.name,
            "TaxID": s.tax_id,
            "PayTerms": s.terms,
            "CurrencyCode": s.currency,
            "AddressLine1": s.address,
            "Municipality": s.city,
            "StateProvince": s.state,
            "PostalCode": s.zip,
            "Country": s.country,
            "UpdateStamp": fsm_stamp(s.changed),
        }
        for s in b.suppliers.values()
    ]


def _invoices(b: InforBackend) -> list[Row]:
    return [
        {
            "Company": b.company,
            "Vendor": i.supplier,
            "Invoice": i.invoice_no,
            "InvoiceDate": fsm_date(i.invoice_date),
            "DueDate": fsm_date(i.due_date),
            "DistributionDate": fsm_date(i.acct_date),
            "InvoiceAmount": i.amount,
            "TaxAmount": i.vat,
            "CurrencyCode": i.currency,
            "Status": "9" if i.paid else "1",
            "UpdateStamp": fsm_stamp(i.changed),
        }
        for i in b.invoices
    ]


def _payments(b: InforBackend) -> list[Row]:
    return [
        {
            "Company": b.company,
            "Vendor": p.supplier,
            "Invoice": p.invoice_no,
            "PaymentDate": fsm_date(p.pay_date),
            "PaymentAmount": p.amount,
            "CurrencyCode": p.currency,
            "CheckNumber": f"{p.proposal:04d}{p.document:03d}",
            "UpdateStamp": fsm_stamp(p.changed),
        }
        for p in b.payments
    ]


def _interface(b: InforBackend) -> list[Row]:
    return [dict(r) for r in b.fsm_interface]


def _results(b: InforBackend) -> list[Row]:
    return [dict(r) for r in b.fsm_results]


CLASSES: dict[str, tuple[tuple[str, ...], Callable[[InforBackend], list[Row]]]] = {
    "GLTransactionDetail": (("GLTransactionDetail",), _details),
    "GeneralLedgerChartAccount": (("GeneralLedgerChartAccount",), _chart),
    "AccountingUnit": (("AccountingUnit",), _units),
    "Vendor": (("Vendor",), _vendors),
    "PayablesInvoice": (("Vendor", "Invoice"), _invoices),
    "CashLedgerPayment": (("CheckNumber", "Invoice"), _payments),
    "GLTransactionInterface": (("RunGroup", "SequenceNumber"), _interface),
    "GLTransactionInterfaceResult": (("GLTransactionInterfaceResult",), _results),
}
INTERFACE_FIELDS = (
    "FinanceEnterpriseGroup",
    "RunGroup",
    "SequenceNumber",
    "AccountingEntity",
    "AccountingUnit",
    "AccountCode",
    "PostingDate",
    "TransactionAmount",
    "CurrencyCode",
    "Description",
    "Reference",
    # ASSUMPTION: the interface record takes the source system code that GLTransactionDetail shows as `System`
    # (infor.md 4 lists it on the detail; the interface samples do not set it).
    "System",
    "Status",
    "ErrorMessage",
)
RESULT_FIELDS = ("GLTransactionInterfaceResult", "RunGroup", "RecordCount", "PassedCount", "FailedCount", "Status")
