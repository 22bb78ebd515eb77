"""The Data Lake tables the Compass emulator answers, as column getters over the backend's ledger lines.

The lake holds what the ERP published, so every table reads the same `InforBackend.lines` the M3, CSI and
FSM routes read (the volume option applies). One table per product line's GL:

- M3 `FGLEDG` (GL transactions). ASSUMPTION: the lake names M3 columns without the table's two-letter
  prefix (EGACAM is ACAM): public Compass queries on M3 tables select `PLPN, PLPS, FACI` from MMOPLP.
- CSI `ledger` (SyteLine's ledger table). ASSUMPTION: SyteLine replicates its SQL tables under their names,
  with their snake_case columns and the Mongoose audit columns RecordDate and CreateDate.
- FSM `GLTransactionDetail`. ASSUMPTION: Landmark publishes business classes under their own names and fields.

And M3's AP ledger `FPLEDG` (infor.md 2.4: TRCD 40 supplier invoices, 50 payments), over the backend's
invoices and payments, with the AP ledger's sign (invoices negative, as the EXPORTMI emulation has it).
ASSUMPTION: a payment's entry carries the proposal, payment order and document that paid it (PRPN, PYON,
PDNB), the payment date and amount (PYDT, PYAM) and its accounting dimensions (AIT1, AIT2): the APS130MI
fields of the paid invoice; no public source lists FPLEDG's payment fields. Invoices and payments reach the
lake at once (the lake's delay is modelled for GL lines).

CSI's AP tables `aptrxp` (posted vouchers) and `appmt` (payments), with SyteLine's snake_case columns, and
FSM's `PayablesInvoice` and `CashLedgerPayment` under their business-class field names (ASSUMPTION, as for
the GL tables above): the very rows the SLAptrxps / SLAppmts IDOs and the FSM classes serve, every site's.

Every table also has `deleted` ('false' here: Compass answers the latest variation of a record, and the
emulator keeps no deleted ones) and `infor_lake_arrival`, when the row reached the lake (see `datalake`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ml_connector.emulators.infor import fsm_views, ido_views
from ml_connector.emulators.infor import m3_fields as f
from ml_connector.emulators.infor.fsm_views import ENTERPRISE_GROUP, LEDGER, fsm_date, fsm_stamp
from ml_connector.emulators.infor.ido_views import csi_date
from ml_connector.emulators.infor.models import InforBackend
from ml_connector.emulators.infor.records import LedgerLine

Getter = Callable[[Any, str], str]


def _ledger_lines(backend: InforBackend, company: str) -> list[Any]:
    return list(backend.lines)


@dataclass(frozen=True)
class LakeTable:
    name: str
    columns: dict[str, tuple[str, Getter]]  # upper-cased name -> (name as published, value of a row)
    # The table's rows, read under the backend's lock: GL lines, or (FPLEDG) prepared AP ledger rows.
    records: Callable[[InforBackend, str], list[Any]] = field(default=_ledger_lines)

    def names(self) -> list[str]:
        return [display for display, _ in self.columns.values()]


def _changed(line: LedgerLine) -> datetime | None:
    return line.changed or line.created


def _table(
    name: str, columns: list[tuple[str, Getter]], records: Callable[[InforBackend, str], list[Any]] = _ledger_lines
) -> LakeTable:
    common: list[tuple[str, Getter]] = [("deleted", lambda line, company: "false")]
    return LakeTable(name, {display.upper(): (display, get) for display, get in columns + common}, records)


FGLEDG = _table(
    "FGLEDG",
    [
        ("CONO", lambda line, company: company),
        ("DIVI", lambda line, company: line.division),
        ("YEA4", lambda line, company: str(line.year)),
        ("JRNO", lambda line, company: str(line.journal_no)),
        ("JSNO", lambda line, company: str(line.journal_seq)),
        ("TRCD", lambda line, company: str(line.trans_code)),
        ("ACDT", lambda line, company: f.m3_date(line.acct_date)),
        ("VSER", lambda line, company: line.voucher_series),
        ("VONO", lambda line, company: str(line.voucher_no)),
        ("AIT1", lambda line, company: line.account),
        ("AIT2", lambda line, company: line.cost_center),
        ("CUCD", lambda line, company: line.currency),
        ("ACAM", lambda line, company: line.amount),
        ("CUAM", lambda line, company: line.amount),
        ("VTXT", lambda line, company: line.text[:40]),
        ("RGDT", lambda line, company: f.m3_date(line.created.date() if line.created else None)),
        ("LMDT", lambda line, company: f.m3_date(d.date() if (d := _changed(line)) else None)),
        # ASSUMPTION: LMTS, M3's change timestamp (yyyyMMddHHmmssfff, UTC), is published with the table.
        ("LMTS", lambda line, company: f.m3_timestamp(_changed(line))),
    ],
)

LEDGER_CSI = _table(
    "ledger",
    [
        ("trans_num", lambda line, company: str(line.trans_num)),
        ("site_ref", lambda line, company: line.division),
        ("acct", lambda line, company: line.account),
        ("acct_unit1", lambda line, company: line.cost_center),
        ("trans_date", lambda line, company: csi_date(line.acct_date)),
        ("dom_amount", lambda line, company: line.amount),
        ("curr_code", lambda line, company: line.currency),
        ("ref", lambda line, company: line.reference or line.text),
        ("vend_num", lambda line, company: line.supplier),
        ("control_number", lambda line, company: str(line.journal_no)),
        # ASSUMPTION: the journal a row was posted from, as the SLLedgers IDO's FromId shows it.
        ("from_id", lambda line, company: line.journal_id),
        ("CreateDate", lambda line, company: csi_date(line.created)),
        ("RecordDate", lambda line, company: csi_date(_changed(line))),
    ],
)

GL_TRANSACTION_DETAIL = _table(
    "GLTransactionDetail",
    [
        ("GLTransactionDetail", lambda line, company: str(line.trans_num)),
        ("FinanceEnterpriseGroup", lambda line, company: ENTERPRISE_GROUP),
        ("PrimaryLedger", lambda line, company: LEDGER),
        ("AccountingEntity", lambda line, company: company),
        ("AccountingUnit", lambda line, company: line.cost_center),
        ("Account", lambda line, company: line.account),
        ("PostingDate", lambda line, company: fsm_date(line.acct_date)),
        ("TransactionAmount", lambda line, company: line.amount),
        ("CurrencyCode", lambda line, company: line.currency),
        ("Description", lambda line, company: line.text),
        ("Reference", lambda line, company: line.reference or line.text),
        ("System", lambda line, company: line.system),
        (
            "VendorGroupAndVendor",
            lambda line, company: f"{ENTERPRISE_GROUP} {line.supplier}" if line.supplier else "",
        ),
        ("CreateStamp", lambda line, company: fsm_stamp(line.created)),
        ("UpdateStamp", lambda line, company: fsm_stamp(_changed(line))),
    ],
)


def _negated(amount: str) -> str:
    text = amount.strip()
    return text[1:] if text.startswith("-") else f"-{text}"


def _ap_rows(backend: InforBackend, company: str) -> list[Any]:
    """FPLEDG rows: each invoice (TRCD 40, amount negated), then each payment (TRCD 50)."""
    rows: list[dict[str, str]] = []
    for inv in backend.invoices:
        rows.append(
            {
                "CONO": company,
                "DIVI": inv.division,
                "YEA4": str(inv.year),
                "JRNO": str(inv.journal_no),
                "JSNO": str(inv.journal_seq),
                "TRCD": "40",
                "SPYN": inv.supplier,
                "SUNO": inv.supplier,
                "SINO": inv.invoice_no,
                "INYR": str(inv.invoice_year),
                "VONO": str(inv.voucher_no),
                "IVDT": f.m3_date(inv.invoice_date),
                "DUDT": f.m3_date(inv.due_date),
                "ACDT": f.m3_date(inv.acct_date),
                "CUCD": inv.currency,
                "CUAM": _negated(inv.amount),
                "APRV": "1",
                "LMDT": f.m3_date(inv.changed.date() if inv.changed else None),
            }
        )
    for pay in backend.payments:
        rows.append(
            {
                "CONO": company,
                "DIVI": pay.division,
                "TRCD": "50",
                "SPYN": pay.supplier,
                "SUNO": pay.supplier,
                "SINO": pay.invoice_no,
                "INYR": str(pay.invoice_year),
                "IVDT": f.m3_date(pay.invoice_date),
                "DUDT": f.m3_date(pay.due_date),
                "ACDT": f.m3_date(pay.pay_date),
                "CUCD": pay.currency,
                "CUAM": pay.amount,
                "APRV": "1",
                "LMDT": f.m3_date(pay.changed.date() if pay.changed else None),
                "PRPN": str(pay.proposal),
                "PYON": str(pay.order),
                "PDNB": str(pay.document),
                "PYDT": f.m3_date(pay.pay_date),
                "PYAM": pay.amount,
                "AIT1": pay.account,
                "AIT2": pay.cost_center,
            }
        )
    return rows


def _ap_column(name: str) -> tuple[str, Getter]:
    return name, lambda row, company: row.get(name, "")


FPLEDG = _table(
    "FPLEDG",
    [
        _ap_column(name)
        for name in (
            "CONO DIVI YEA4 JRNO JSNO TRCD SPYN SUNO SINO INYR VONO IVDT DUDT ACDT CUCD CUAM APRV LMDT "
            "PRPN PYON PDNB PYDT PYAM AIT1 AIT2"
        ).split()
    ],
    _ap_rows,
)


def _renamed(rows: list[dict[str, str]], names: dict[str, str]) -> list[Any]:
    return [{column: row.get(prop, "") for column, prop in names.items()} for row in rows]


def _every_site(backend: InforBackend) -> set[str]:
    return {i.division for i in backend.invoices} | {p.division for p in backend.payments}


# lake column -> SLAptrxps / SLAppmts property
APTRXP = {
    "site_ref": "Site",
    "vend_num": "VendNum",
    "voucher": "Voucher",
    "inv_num": "InvNum",
    "inv_date": "InvDate",
    "dist_date": "DistDate",
    "due_date": "DueDate",
    "inv_amt": "InvAmt",
    "curr_code": "CurrCode",
    "ap_acct": "ApAcct",
    "RecordDate": "RecordDate",
}
APPMT = {
    "site_ref": "Site",
    "vend_num": "VendNum",
    "check_num": "CheckNum",
    "check_seq": "CheckSeq",
    "check_date": "CheckDate",
    "check_amt": "CheckAmt",
    "dom_check_amt": "DomCheckAmt",
    "inv_num": "InvNum",
    "curr_code": "CurrCode",
    "RecordDate": "RecordDate",
}


def _rows_table(name: str, columns: list[str], records: Callable[[InforBackend, str], list[Any]]) -> LakeTable:
    return _table(name, [_ap_column(c) for c in columns], records)


APTRXP_CSI = _rows_table(
    "aptrxp", list(APTRXP), lambda b, company: _renamed(ido_views._vouchers(b, _every_site(b)), APTRXP)
)
APPMT_CSI = _rows_table(
    "appmt", list(APPMT), lambda b, company: _renamed(ido_views._payments(b, _every_site(b)), APPMT)
)
PAYABLES_INVOICE = _rows_table(
    "PayablesInvoice",
    ["Company", "Vendor", "Invoice", "InvoiceDate", "DueDate", "DistributionDate", "InvoiceAmount", "TaxAmount"]
    + ["CurrencyCode", "Status", "UpdateStamp"],
    lambda b, company: fsm_views._invoices(b),
)
CASH_LEDGER_PAYMENT = _rows_table(
    "CashLedgerPayment",
    ["Company", "Vendor", "Invoice", "PaymentDate", "PaymentAmount", "CurrencyCode", "CheckNumber", "UpdateStamp"],
    lambda b, company: fsm_views._payments(b),
)

TABLES = {
    t.name.upper(): t
    for t in (
        FGLEDG,
        LEDGER_CSI,
        GL_TRANSACTION_DETAIL,
        FPLEDG,
        APTRXP_CSI,
        APPMT_CSI,
        PAYABLES_INVOICE,
        CASH_LEDGER_PAYMENT,
    )
}
