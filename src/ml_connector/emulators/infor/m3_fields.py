"""M3 output records: backend records rendered with MI field names, every value a string (infor.md 2.1, B)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from ml_connector.emulators.infor.calendars import acyp
from ml_connector.emulators.infor.records import Account, LedgerLine, Payment, Supplier, SupplierInvoice

Record = dict[str, str]


def m3_date(day: date | None) -> str:
    return day.strftime("%Y%m%d") if day else ""


def m3_timestamp(moment: datetime | None) -> str:
    # ASSUMPTION: LMTS is yyyyMMddHHmmssfff (UTC); the notes give no format.
    return moment.strftime("%Y%m%d%H%M%S") + f"{moment.microsecond // 1000:03d}" if moment else ""


def debit_credit(amount: str) -> str:
    try:
        return "C" if Decimal(amount) < 0 else "D"
    except InvalidOperation:
        return "D"


def voucher_line(line: LedgerLine, company: str) -> Record:
    """GLS200MI LstVouchersByDt / LstVoucherLines record."""
    created = line.created
    changed = line.changed or created
    period = acyp(line.calendar, line.acct_date)
    rec: Record = {
        "CONO": company,
        "DIVI": line.division,
        "YEA4": str(line.year),
        "JRNO": str(line.journal_no),
        "JSNO": str(line.journal_seq),
        "TRCD": str(line.trans_code),
        "ACDT": m3_date(line.acct_date),
        "VSER": line.voucher_series,
        "VONO": str(line.voucher_no),
        "OCDT": m3_date(line.acct_date),
        "AIT1": line.account,
        "AIT2": line.cost_center,
        "AIT3": "",
        "AIT4": "",
        "AIT5": "",
        "AIT6": "",
        "AIT7": "",
        "CUCD": line.currency,
        "ACAM": line.amount,
        "CUAM": line.amount,
        "DCAM": "2",
        "DBCR": debit_credit(line.amount),
        "ARAT": "1",
        "VTXT": line.text[:40],
        "TDSC": line.text[:10],
        "ACYP": period,
        "CYP6": period,
        "RGDT": m3_date(created.date() if created else None),
        "RGTM": created.strftime("%H%M%S") if created else "",
        "LMDT": m3_date(changed.date() if changed else None),
        "CHNO": str(line.change_no),
        "CHID": "MLEMU",
    }
    return rec


def account_id(acc: Account, company: str) -> Record:
    """CRS630MI LstAccountID / GetAccountID record."""
    return {
        "CONO": company,
        "DIVI": "",
        "AITP": str(acc.dimension),
        "AITM": acc.code,
        "TX40": acc.name[:40],
        "TX15": acc.name[:15],
        "AICL": acc.account_type,
        "AT01": "1" if acc.account_type in ("A", "L") else "0",
        "AT02": "1" if acc.account_type in ("R", "E") else "0",
        "LCCD": "0",
        "VFDT": "20000101",
        "VTDT": "",
        "LMTS": m3_timestamp(acc.changed),
    }


def supplier(sup: Supplier, company: str) -> Record:
    """CRS620MI LstSuppliers / GetBasicData record."""
    return {
        "CONO": company,
        "SUNO": sup.id,
        "SUTY": "0",
        "SUNM": sup.name[:36],
        "ALSU": sup.name[:10].upper(),
        "STAT": sup.status,
        "CSCD": sup.country,
        "ECAR": sup.state,
        "LNCD": "GB",
        "CUCD": sup.currency,
        "TEPY": sup.terms,
        "PYME": "CHK",
        "VRNO": sup.tax_id,
        "TINO": sup.tax_id,
        "PRSU": sup.id,
        # ASSUMPTION: the main address comes along (CRS620MI keeps it in the address file, LstAddresses).
        "ADR1": sup.address,
        "TOWN": sup.city,
        "PONO": sup.zip,
        "LMTS": m3_timestamp(sup.changed),
    }


def invoice(inv: SupplierInvoice, company: str) -> Record:
    """APS200MI GetInvoice record."""
    return {
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
        "VSER": "AP",
        "VONO": str(inv.voucher_no),
        "CUCD": inv.currency,
        "ARAT": "1",
        "CUAM": inv.amount,
        "DCAM": "2",
        "VTAM": inv.vat,
        "IVDT": m3_date(inv.invoice_date),
        "DUDT": m3_date(inv.due_date),
        "ACDT": m3_date(inv.acct_date),
        "TEPY": inv.terms,
        "PYME": "CHK",
        "APRV": "1",
        "PYST": "9" if inv.paid else "0",
        "IVTP": "",
        "TDSC": "Invoice",
    }


def payment_line(pay: Payment, company: str) -> Record:
    """APS130MI LstInvByPayDate record."""
    return {
        "CONO": company,
        "DIVI": pay.division,
        "PRPN": str(pay.proposal),
        "PYON": str(pay.order),
        "PDNB": str(pay.document),
        "SPYN": pay.supplier,
        "SUNO": pay.supplier,
        "ODIV": pay.division,
        "SINO": pay.invoice_no,
        "INYR": str(pay.invoice_year),
        "IVDT": m3_date(pay.invoice_date),
        "DUDT": m3_date(pay.due_date),
        "PYDT": m3_date(pay.pay_date),
        "IVCU": pay.amount,
        "IVAM": pay.amount,
        "CUCD": pay.currency,
        "ARAT": "1",
        "PYCU": pay.amount,
        "PYAM": pay.amount,
        "AIT1": pay.account,
        "AIT2": pay.cost_center,
        "STCF": "9",
    }
