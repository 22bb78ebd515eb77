"""The records the Infor emulator keeps: one company's ledger, AP and master data, shared by all product lines.

One backend, three views: M3 (MI programs), CSI (IDOs, site = M3 division) and FSM (business classes) all
read and write these same records, so the same client flows can run against any product line.
Amounts are kept as the text the APIs carry (every Infor API answers numbers as strings), which lets the
seed hold one deliberately non-numeric amount for the quarantine demo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class Account:
    """A value of an accounting dimension (CRS630MI): dimension 1 = GL account, dimension 2 = cost center."""

    dimension: int
    code: str
    name: str
    account_type: str = ""
    changed: datetime | None = None


@dataclass
class Supplier:
    """A supplier (CRS620MI / SLVendors / Vendor)."""

    id: str
    name: str
    tax_id: str
    terms: str
    address: str
    city: str
    state: str
    zip: str
    country: str
    currency: str = "USD"
    status: str = "20"
    changed: datetime | None = None


@dataclass
class LedgerLine:
    """One posted GL transaction line (GLS200MI voucher line / SLLedgers row / GLTransactionDetail)."""

    division: str
    year: int
    journal_no: int
    journal_seq: int
    voucher_series: str
    voucher_no: int
    acct_date: date
    account: str
    cost_center: str
    amount: str
    currency: str
    text: str
    trans_code: int
    supplier: str = ""
    invoice_no: str = ""
    created: datetime | None = None
    changed: datetime | None = None
    change_no: int = 0
    trans_num: int = 0
    reference: str = ""  # the poster's reference, for journals written through the API
    journal_id: str = ""  # CSI: the journal (SLJournals Id) a posted row came from, SLLedgers FromId
    lake_arrival: datetime | None = None  # when the Data Lake has it; None: since it was posted (datalake.py)
    calendar: str = "months"  # the division's accounting calendar (calendars.KINDS): its ACYP
    system: str = ""  # FSM: the source system code a journalized interface record carried (GLTransactionDetail System)


@dataclass
class SupplierInvoice:
    """A recorded supplier invoice (APS200MI / SLAptrxps / PayablesInvoice)."""

    division: str
    supplier: str
    invoice_no: str
    invoice_year: int
    invoice_date: date
    due_date: date
    acct_date: date
    amount: str
    vat: str
    currency: str
    year: int
    journal_no: int
    journal_seq: int
    voucher_no: int
    terms: str
    paid: bool = False
    changed: datetime | None = None


@dataclass
class Payment:
    """A supplier payment (APS130MI / SLAppmts / CashLedgerPayment) settling one invoice."""

    division: str
    proposal: int
    order: int
    document: int
    supplier: str
    invoice_no: str
    invoice_year: int
    invoice_date: date
    due_date: date
    pay_date: date
    amount: str
    currency: str
    account: str
    cost_center: str
    changed: datetime | None = None


@dataclass
class JournalLine:
    """One line of a journal a caller posted."""

    acct_date: date
    account: str
    cost_center: str
    amount: str
    currency: str
    text: str


@dataclass
class PostedJournal:
    """A journal written through any product line, with the caller's reference text."""

    id: str
    product: str  # "M3" | "CSI" | "FSM"
    reference: str
    division: str
    status: str
    created: datetime
    lines: list[JournalLine] = field(default_factory=list)
    detail: dict[str, str] = field(default_factory=dict)
