"""The CSI (SyteLine) IDOs the emulator serves, as views over the shared backend.

Site = M3 division (US1 Detroit, MX1 Monterrey, US2 Toledo); `AcctUnit1` = cost center.
IDO names follow infor.md 3.4; property spellings there are partly inferred, as marked below.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ml_connector.emulators.infor.calendars import accounting_period
from ml_connector.emulators.infor.models import InforBackend

Row = dict[str, str]


def csi_date(moment: date | datetime | None) -> str:
    # ASSUMPTION: full format "yyyyMMdd HH:mm:ss.fff" (infor.md 3.2 only confirms the yyyyMMdd prefix).
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return moment.strftime("%Y%m%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
    return moment.strftime("%Y%m%d 00:00:00.000")


@dataclass(frozen=True)
class IdoView:
    """One IDO: its key properties, its properties, and how to list its rows for a set of sites."""

    name: str
    table: str
    keys: tuple[str, ...]
    properties: tuple[str, ...]
    rows: Callable[[InforBackend, set[str]], list[Row]]


def item_id(view: IdoView, row: Row) -> str:
    """`_ItemId` as Mongoose writes it: table, row timestamp and row pointer (stable per key)."""
    key = "|".join(row.get(k, "") for k in view.keys)
    row_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{view.table}/{key}")
    return f"PBT=[{view.table}] {view.table}.DT=[{_dt(row.get('RecordDate', ''))}] {view.table}.ID=[{row_id}]"


def _dt(stamp: str) -> str:
    return f"{stamp[0:4]}-{stamp[4:6]}-{stamp[6:8]}{stamp[8:]}" if len(stamp) >= 8 else stamp


def _ledgers(b: InforBackend, sites: set[str]) -> list[Row]:
    return [
        {
            "TransNum": str(ln.trans_num),
            "Site": ln.division,
            "Acct": ln.account,
            "AcctUnit1": ln.cost_center,
            "AcctUnit2": "",
            "AcctUnit3": "",
            "AcctUnit4": "",
            "TransDate": csi_date(ln.acct_date),
            "DomAmount": ln.amount,
            "ForAmount": ln.amount,
            "CurrCode": ln.currency,
            "ExchRate": "1",
            "Ref": ln.reference or ln.text,
            # ASSUMPTION: seeded rows came from no journal the API shows; a posted SLJournals entry keeps its Id.
            "FromId": ln.journal_id,
            "VendNum": ln.supplier,
            "Voucher": str(ln.voucher_no) if ln.trans_code == 40 else "",
            "RefType": {40: "V", 50: "P"}.get(ln.trans_code, "J"),
            "ControlPrefix": ln.voucher_series,
            "ControlSite": ln.division,
            # ASSUMPTION: the control number's year and period are the site's fiscal year and period.
            "ControlYear": str(accounting_period(ln.calendar, ln.acct_date)[0]),
            "ControlPeriod": str(accounting_period(ln.calendar, ln.acct_date)[1]),
            "ControlNumber": str(ln.journal_no),
            "CreateDate": csi_date(ln.created),
            "RecordDate": csi_date(ln.changed or ln.created),
        }
        for ln in b.lines
        if ln.division in sites
    ]


def _journals(b: InforBackend, sites: set[str]) -> list[Row]:
    return [dict(row) for row in b.csi_journal_rows.values() if row.get("Site", "") in sites]


def _charts(b: InforBackend, sites: set[str]) -> list[Row]:
    kinds = {"A": "A", "L": "L", "R": "I", "E": "E"}  # CSI chart types: Asset, Liability, Income, Expense
    return [
        {
            "Acct": a.code,
            "Description": a.name,
            "Type": kinds.get(a.account_type, "E"),
            "RecordDate": csi_date(a.changed),
        }
        for a in b.accounts[1].values()
    ]


def _unit_codes(b: InforBackend, sites: set[str]) -> list[Row]:
    return [
        {"UnitCode1": c.code, "Description": c.name, "RecordDate": csi_date(c.changed)} for c in b.accounts[2].values()
    ]


def _currates(b: InforBackend, sites: set[str]) -> list[Row]:
    """SLCurrates: the rates of each site's database, one foreign currency (FromCurrCode) in the site's domestic
    currency (ToCurrCode) from EffDate on (public code loads and writes them by ToCurrCode, FromCurrCode,
    EffDate, BuyRate, SellRate: "ToCurrCode = PEN (always), FromCurrCode = USD/EUR").
    ASSUMPTION: one unit of FromCurrCode is BuyRate (or SellRate) units of ToCurrCode; the seed's CRS055 rates
    serve as both (no spread), a divide-method rate as its multiply equivalent to 7 places (CSI keeps rates
    as decimals); RecordDate is the rate's date."""
    domestic = {d["code"]: d.get("currency") or b.currency for d in b.divisions}
    out: dict[tuple[str, str, str], Row] = {}
    for site in sorted(sites):
        local = domestic.get(site, b.currency)
        for entry in b.currency_rates:
            if str(entry.get("local") or b.currency) != local:
                continue
            factor = Decimal(10) ** int(entry["factor"])
            for day, quoted in dict(dict(entry["rates"]).get(1, {})).items():
                arat = Decimal(str(quoted))
                rate = arat / factor if str(entry["method"]) == "1" else (factor / arat).quantize(Decimal("1e-7"))
                when = date.fromisoformat(str(day))
                key = (str(entry["currency"]), local, when.isoformat())
                out[key] = {
                    "FromCurrCode": key[0],
                    "ToCurrCode": local,
                    "EffDate": csi_date(when),
                    "BuyRate": f"{rate:f}",
                    "SellRate": f"{rate:f}",
                    "RecordDate": csi_date(when),
                }
    return [out[k] for k in sorted(out)]


def _vendors(b: InforBackend, sites: set[str]) -> list[Row]:
    last_paid: dict[str, date] = {}
    for p in b.payments:
        last_paid[p.supplier] = max(last_paid.get(p.supplier, p.pay_date), p.pay_date)
    return [
        {
            "VendNum": s.id,
            "Name": s.name,
            "TaxRegNum1": s.tax_id,
            "TermsCode": s.terms,
            "CurrCode": s.currency,
            "Stat": "A" if s.status == "20" else "I",
            "Phone": "",  # ASSUMPTION: the seeded suppliers have no phone number on file
            "LastPaid": csi_date(last_paid.get(s.id)),
            "VadAddr_1": s.address,
            "VadCity": s.city,
            "VadState": s.state,
            "VadZip": s.zip,
            "VadCountry": s.country,
            "PayType": "C",
            "RecordDate": csi_date(s.changed),
        }
        for s in b.suppliers.values()
    ]


def _vouchers(b: InforBackend, sites: set[str]) -> list[Row]:
    names = {s.id: s.name for s in b.suppliers.values()}
    return [
        {
            "Site": i.division,
            "VendNum": i.supplier,
            "VadName": names.get(i.supplier, ""),
            "Voucher": str(i.voucher_no),
            "VouchSeq": "1",
            "InvNum": i.invoice_no,
            "InvDate": csi_date(i.invoice_date),
            "DistDate": csi_date(i.acct_date),
            "DueDate": csi_date(i.due_date),
            "Type": "V",
            "InvAmt": i.amount,
            # ASSUMPTION: the seeded terms carry no prompt-payment discount.
            "DiscPct": "0",
            "CurrCode": i.currency,
            "TermsCode": i.terms,
            "ExchRate": "1",
            "ApAcct": "2000",
            "PreRegister": "0",
            "InWorkflow": "0",
            "PostFromPo": "0",
            "RecordDate": csi_date(i.changed),
        }
        for i in b.invoices
        if i.division in sites
    ]


def _payments(b: InforBackend, sites: set[str]) -> list[Row]:
    return [
        {
            "Site": p.division,
            "VendNum": p.supplier,
            "CheckNum": f"{p.proposal:04d}{p.document:03d}",
            "CheckSeq": "1",
            "CheckDate": csi_date(p.pay_date),
            "CheckAmt": p.amount,
            "DomCheckAmt": p.amount,
            "InvNum": p.invoice_no,
            "BankCode": "BK1",
            "Type": "C",
            "CurrCode": p.currency,
            "RecordDate": csi_date(p.changed),
        }
        for p in b.payments
        if p.division in sites
    ]


JOURNAL_PROPERTIES = (
    "Id",
    "SeqNo",
    "Site",
    "TransDate",
    "Acct",
    "AcctUnit1",
    "AcctUnit2",
    "DomAmount",
    "ForAmount",
    "CurrCode",
    "ExchRate",
    "Ref",
    "VendNum",
    "RefType",
    "CreateDate",
    "RecordDate",
)

VIEWS: dict[str, IdoView] = {
    v.name: v
    for v in (
        IdoView(
            "SLLedgers",
            "ledger",
            ("TransNum",),
            (
                "TransNum",
                "Site",
                "Acct",
                "AcctUnit1",
                "AcctUnit2",
                "AcctUnit3",
                "AcctUnit4",
                "TransDate",
                "DomAmount",
                "ForAmount",
                "CurrCode",
                "ExchRate",
                "Ref",
                "FromId",  # the journal the row was posted from (CHJournals column family, infor.md 3.4)
                "VendNum",
                "Voucher",
                "RefType",
                "ControlPrefix",
                "ControlSite",
                "ControlYear",
                "ControlPeriod",
                "ControlNumber",
                "CreateDate",
                "RecordDate",
            ),
            _ledgers,
        ),
        IdoView("SLJournals", "journal", ("Id", "SeqNo"), JOURNAL_PROPERTIES, _journals),
        IdoView("SLCharts", "chart", ("Acct",), ("Acct", "Description", "Type", "RecordDate"), _charts),
        # ASSUMPTION: the unit-code-1 (cost center) IDO name; infor.md does not name one.
        IdoView("SLUnitcd1s", "unitcd1", ("UnitCode1",), ("UnitCode1", "Description", "RecordDate"), _unit_codes),
        IdoView(
            "SLCurrates",
            "currate",
            ("ToCurrCode", "FromCurrCode", "EffDate"),
            ("FromCurrCode", "ToCurrCode", "EffDate", "BuyRate", "SellRate", "RecordDate"),
            _currates,
        ),
        # Properties: infor.md 3.4, the SLVendors list public code loads (VendNum Name RecordDate LastPaid CurrCode
        # TermsCode PayType Phone Stat VadAddr_1 VadCity VadState VadZip VadCountry), plus TaxRegNum1: the vendor's
        # tax registration number as CSI source names it (vendor.tax_reg_num1, e.g. @VendorTaxRegNum1 in voucher
        # posting; the IDO property follows the column, as TaxRegNum1 does on customers).
        IdoView(
            "SLVendors",
            "vendor",
            ("VendNum",),
            (
                "VendNum",
                "Name",
                "TaxRegNum1",
                "TermsCode",
                "CurrCode",
                "Stat",
                "Phone",
                "LastPaid",
                "VadAddr_1",
                "VadCity",
                "VadState",
                "VadZip",
                "VadCountry",
                "PayType",
                "RecordDate",
            ),
            _vendors,
        ),
        # Properties: infor.md 3.4, the SLVchHdrs property list "taken from a real successful sync URL" (public
        # code: VendNum VadName Voucher VouchSeq InvNum InvDate DistDate RecordDate Type InvAmt DiscPct TermsCode
        # ExchRate PreRegister InWorkflow PostFromPo ApAcct), plus Site, DueDate and CurrCode.
        IdoView(
            "SLVchHdrs",
            "vch_hdr",
            ("Site", "Voucher"),
            (
                "Site",
                "VendNum",
                "VadName",
                "Voucher",
                "VouchSeq",
                "InvNum",
                "InvDate",
                "DistDate",
                "DueDate",
                "Type",
                "InvAmt",
                "DiscPct",
                "CurrCode",
                "TermsCode",
                "ExchRate",
                "ApAcct",
                "PreRegister",
                "InWorkflow",
                "PostFromPo",
                "RecordDate",
            ),
            _vouchers,
        ),
        IdoView(
            "SLAppmts",
            "appmt",
            ("Site", "CheckNum", "CheckSeq"),
            (
                "Site",
                "VendNum",
                "CheckNum",
                "CheckSeq",
                "CheckDate",
                "CheckAmt",
                "DomCheckAmt",
                "InvNum",
                "BankCode",
                "Type",
                "CurrCode",
                "RecordDate",
            ),
            _payments,
        ),
    )
}
# ASSUMPTION: posted vouchers (SLAptrxps) show the same rows as the voucher headers.
VIEWS["SLAptrxps"] = IdoView("SLAptrxps", "aptrxp", VIEWS["SLVchHdrs"].keys, VIEWS["SLVchHdrs"].properties, _vouchers)
