"""GL lines from the Infor Data Lake: one Compass query per product line, the same canonical records as REST.

Each reader selects the fields its REST reader maps (`m3.py`, `csi.py`, `fsm.py`) from the table the lake
mirrors, and builds the same `RowFields`: same source key, ledger, amounts and change stamp, so a flow can
switch between `extract = "rest"` and `"bulk"` without a line counting twice or looking changed.

Tables (docs.infor.com says the lake holds the CloudSuites' published data under their object names; the
column names below are not in a public source):
- M3 `FGLEDG` (GL transactions, infor.md 2.4). ASSUMPTION: columns without the table prefix (EGACAM is
  ACAM), as public Compass queries on M3 tables select `PLPN, PLPS, FACI` from MMOPLP; numeric fields
  (CONO, ACDT, LMDT) compare as numbers.
- CSI `ledger`. ASSUMPTION: SyteLine's SQL table with its snake_case columns (trans_num, acct, acct_unit1,
  dom_amount, ...) and the Mongoose audit column RecordDate.
- FSM `GLTransactionDetail`. ASSUMPTION: the business class under its own name and field names.
Every query asks for `deleted = 'false'` (the lake keeps deletions as flagged variations).

M3 supplier invoices and payments come from the AP ledger `FPLEDG` (infor.md 2.4: TRCD 40 invoices, 50
payments; the AP ledger signs invoices negative, so their amount is turned back to APS200MI's sign). The
REST route's keys need the voucher (YEA4, JRNO, JSNO) of an invoice and the proposal, payment order and
document (PRPN, PYON, PDNB) of a payment. ASSUMPTION: FPLEDG's payment entries carry PRPN, PYON, PDNB, PYDT,
PYAM and AIT1/AIT2 as APS130MI shows them for the paid invoice (no public source lists FPLEDG's fields
beyond the EP* ones of infor.md 2.4).

CSI invoices and payments come from `aptrxp` and `appmt` (ASSUMPTION: SyteLine's tables behind the
SLAptrxps and SLAppmts IDOs, snake_case columns, RecordDate), FSM's from `PayablesInvoice` and
`CashLedgerPayment` (ASSUMPTION: the business classes under their own names and fields, as the REST route
reads them); each row is renamed to the REST route's property names and built by the same function.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from ml_connector.errors import ConfigurationError
from ml_connector.records import EntryKind, LedgerLine, RejectedRecord
from ml_connector.systems.infor.canonical import RowFields, to_ledger_line, within
from ml_connector.systems.infor.csi import SOURCE as CSI_SOURCE
from ml_connector.systems.infor.csi import invoice_fields as csi_invoice_fields
from ml_connector.systems.infor.csi import payment_fields as csi_payment_fields
from ml_connector.systems.infor.fsm import SOURCE as FSM_SOURCE
from ml_connector.systems.infor.fsm import gl_fields as fsm_gl_fields
from ml_connector.systems.infor.fsm import invoice_fields as fsm_invoice_fields
from ml_connector.systems.infor.fsm import payment_fields as fsm_payment_fields
from ml_connector.systems.infor.m3 import SOURCE as M3_SOURCE
from ml_connector.systems.infor.m3 import gl_fields as m3_gl_fields
from ml_connector.systems.infor.m3 import gl_key as m3_gl_key
from ml_connector.systems.infor.m3 import invoice_fields as m3_invoice_fields
from ml_connector.systems.infor.m3 import payment_fields as m3_payment_fields
from ml_connector.systems.infor.settings import InforSettings, ProductLine
from ml_connector.systems.infor.values import csi_stamp, m3_day, parse_csi_stamp, parse_day, parse_iso_stamp
from ml_connector.systems.own_journals import posted_by_us

Row = dict[str, str]
Rows = Callable[[str], Iterator[Row]]


def quote(value: str) -> str:
    """A Compass SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _number(value: str, what: str) -> str:
    if not value.strip().isdigit():
        raise ValueError(f"{what} must be digits, not {value!r}")
    return value.strip()


def m3_sql(settings: InforSettings, since: datetime | None, until: datetime | None) -> str:
    """FGLEDG lines of the company (and division) changed on the days of [since, until], as GLS200MI is read."""
    where = [f"CONO = {_number(settings.company, 'company')}", f"ACDT >= {m3_day(settings.history_from)}"]
    if settings.division:
        where.append(f"DIVI = {quote(settings.division)}")
    # LMDT is a day, like the REST reader's change date: both read whole days, inclusive.
    if since is not None:
        where.append(f"LMDT >= {m3_day(since.astimezone(UTC).date())}")
    if until is not None:
        where.append(f"LMDT <= {m3_day(until.astimezone(UTC).date())}")
    where.append("deleted = 'false'")
    columns = "CONO, DIVI, YEA4, JRNO, JSNO, ACDT, AIT1, AIT2, ACAM, CUCD, VTXT, LMDT, RGDT"
    return f"SELECT {columns} FROM FGLEDG WHERE {' AND '.join(where)}"  # noqa: S608 - literals quoted above


def m3_record(settings: InforSettings, rec: Row) -> LedgerLine | RejectedRecord | None:
    if posted_by_us(rec.get("VTXT")):
        return None
    wanted = [d.strip() for d in settings.divisions if d.strip()]
    if not settings.division and wanted and rec.get("DIVI", "").strip() not in wanted:
        return None  # another division: the connection reads its `divisions` only, as the MI reader does
    changed = parse_day(rec.get("LMDT")) or parse_day(rec.get("RGDT"))
    stamp = datetime(changed.year, changed.month, changed.day, tzinfo=UTC) if changed else None
    return to_ledger_line(M3_SOURCE, EntryKind.GL, m3_gl_fields(rec, m3_gl_key(rec, settings.company), stamp), rec)


def csi_site(settings: InforSettings) -> str:
    """The site the connection reads: `csi_site`, else the one its Mongoose configuration names.

    The lake holds every site's rows; through the IDOs a configuration sees its own site's only.
    ASSUMPTION: configurations are named `{TENANT}_{SITE}` (infor.md 3.1); one named as the tenant sees all.
    """
    if settings.csi_site:
        return settings.csi_site
    config, tenant = settings.mongoose_config.strip(), settings.credentials.tenant
    return config.removeprefix(f"{tenant}_") if config.startswith(f"{tenant}_") else ""


def csi_sql(settings: InforSettings, since: datetime | None, until: datetime | None) -> str:
    where = []
    site = csi_site(settings)
    if site:
        where.append(f"site_ref = {quote(site)}")
    if since is not None:
        where.append(f"RecordDate >= {quote(csi_stamp(since))}")
    if until is not None:
        where.append(f"RecordDate < {quote(csi_stamp(until))}")
    where.append("deleted = 'false'")
    columns = (
        "trans_num, site_ref, acct, acct_unit1, trans_date, dom_amount, curr_code, ref, vend_num, from_id, RecordDate"
    )
    return f"SELECT {columns} FROM ledger WHERE {' AND '.join(where)}"  # noqa: S608 - literals quoted above


def csi_record(settings: InforSettings, row: Row) -> LedgerLine | RejectedRecord | None:
    plan = settings.csi_plan_journal.strip()
    if posted_by_us(row.get("ref")) or (plan and row.get("from_id", "").strip() == plan):
        return None  # plan, not actuals (own_journals; the plan journal, as the IDO reader skips it)
    site = row.get("site_ref", "")
    fields = RowFields(
        source_key=f"csi:{site}:{row.get('trans_num', '')}",
        ledger=settings.company or site,
        day=row.get("trans_date", ""),
        account=row.get("acct", ""),
        cost_center=row.get("acct_unit1", ""),
        amount=row.get("dom_amount", ""),
        currency=row.get("curr_code", ""),
        supplier=row.get("vend_num", ""),
        description=row.get("ref", ""),
        updated_at=parse_csi_stamp(row.get("RecordDate")),
        amount_field="dom_amount",
        day_field="trans_date",
    )
    return to_ledger_line(CSI_SOURCE, EntryKind.GL, fields, row)


def _iso(moment: datetime) -> str:
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def fsm_sql(settings: InforSettings, since: datetime | None, until: datetime | None) -> str:
    where = []
    if since is not None:
        where.append(f"UpdateStamp >= {quote(_iso(since))}")
    if until is not None:
        where.append(f"UpdateStamp < {quote(_iso(until))}")
    where.append("deleted = 'false'")
    columns = (
        "GLTransactionDetail, AccountingEntity, AccountingUnit, Account, PostingDate, TransactionAmount, "
        "CurrencyCode, Description, VendorGroupAndVendor, System, UpdateStamp"
    )
    return f"SELECT {columns} FROM GLTransactionDetail WHERE {' AND '.join(where)}"  # noqa: S608


def fsm_record(
    settings: InforSettings, row: Row, since: datetime | None, until: datetime | None
) -> LedgerLine | RejectedRecord | None:
    stamp = parse_iso_stamp(row.get("UpdateStamp"))
    plan = settings.fsm_plan_system.strip()
    if not within(stamp, since, until) or posted_by_us(row.get("Description")):
        return None
    if plan and row.get("System", "").strip() == plan:
        return None  # plan, not actuals: the plan journals' system code, as the REST reader skips it
    return to_ledger_line(FSM_SOURCE, EntryKind.GL, fsm_gl_fields(row, stamp), row)


def lake_ledger_lines(
    settings: InforSettings, rows: Rows, since: datetime | None, until: datetime | None
) -> Iterator[LedgerLine | RejectedRecord]:
    """The GL lines changed in [since, until) read from the lake, as the product line's REST reader gives them."""
    product = settings.product
    if settings.calendar == "erp":
        # ASSUMPTION: the lake's columns for the fiscal period (M3 ACYP, CSI control year and period) are not
        # in a public source, so a bulk read would place lines by date: refused rather than put in a wrong period.
        raise ConfigurationError(
            'the Data Lake route does not read fiscal periods yet (the connection has calendar = "erp")',
            hint='Set extract = "rest" on the flow, or read this connection on calendar months.',
        )
    if product is ProductLine.M3:
        sql = m3_sql(settings, since, until)
        made = (m3_record(settings, r) for r in rows(sql))
    elif product is ProductLine.CSI:
        made = (csi_record(settings, r) for r in rows(csi_sql(settings, since, until)))
    else:
        made = (fsm_record(settings, r, since, until) for r in rows(fsm_sql(settings, since, until)))
    for record in made:
        if record is not None:
            yield record


AP_COLUMNS = "CONO, DIVI, YEA4, JRNO, JSNO, TRCD, SUNO, SINO, INYR, ACDT, CUCD, CUAM, LMDT"
PAY_COLUMNS = "PRPN, PYON, PDNB, PYDT, PYAM, AIT1, AIT2"


def _changed_days(since: datetime | None, until: datetime | None) -> list[str]:
    where = []
    if since is not None:
        where.append(f"LMDT >= {m3_day(since.astimezone(UTC).date())}")
    if until is not None:
        where.append(f"LMDT <= {m3_day(until.astimezone(UTC).date())}")
    return where


def m3_invoice_sql(settings: InforSettings, since: datetime | None, until: datetime | None) -> str:
    """FPLEDG invoices (TRCD 40) of the company (and division) changed on the days of [since, until]."""
    where = [f"CONO = {_number(settings.company, 'company')}", "TRCD = 40"]
    if since is None:  # a full read starts at `history_from`, as the REST route's windows do; a change read does not
        where.append(f"ACDT >= {m3_day(settings.history_from)}")
    wanted = [d.strip() for d in settings.divisions if d.strip()]
    if settings.division:
        where.append(f"DIVI = {quote(settings.division)}")
    elif wanted:  # the connection reads its `divisions` only, as the MI reader does
        where.append(f"DIVI IN ({', '.join(quote(d) for d in wanted)})")
    where += [*_changed_days(since, until), "deleted = 'false'"]
    return f"SELECT {AP_COLUMNS} FROM FPLEDG WHERE {' AND '.join(where)}"  # noqa: S608 - literals quoted above


def m3_payment_divisions(settings: InforSettings) -> list[str]:
    divisions = list(settings.divisions) or ([settings.division] if settings.division else [])
    if not divisions:
        raise ConfigurationError(
            "Reading M3 payments needs the division(s): APS130MI requires DIVI",
            hint="Set `division` or `divisions` on the Infor connection.",
        )
    return divisions


def m3_payment_sql(settings: InforSettings, since: datetime | None, until: datetime | None) -> str:
    """FPLEDG payments (TRCD 50) of the connection's divisions changed on the days of [since, until]."""
    divisions = ", ".join(quote(d) for d in m3_payment_divisions(settings))
    where = [f"CONO = {_number(settings.company, 'company')}", "TRCD = 50", f"DIVI IN ({divisions})"]
    where += [*_changed_days(since, until), "deleted = 'false'"]
    columns = f"{AP_COLUMNS}, {PAY_COLUMNS}"
    return f"SELECT {columns} FROM FPLEDG WHERE {' AND '.join(where)}"  # noqa: S608 - literals quoted above


def _ap_sign(amount: str) -> str:
    """The AP ledger's amount of an invoice in APS200MI's sign (the ledger books invoices negative)."""
    text = amount.strip()
    return text[1:] if text.startswith("-") else f"-{text}" if text else text


# lake column -> the IDO property the REST route reads (SLAptrxps, SLAppmts)
CSI_INVOICE = {
    "site_ref": "Site",
    "vend_num": "VendNum",
    "voucher": "Voucher",
    "inv_num": "InvNum",
    "dist_date": "DistDate",
    "inv_amt": "InvAmt",
    "curr_code": "CurrCode",
    "ap_acct": "ApAcct",
    "RecordDate": "RecordDate",
}
CSI_PAYMENT = {
    "site_ref": "Site",
    "vend_num": "VendNum",
    "check_num": "CheckNum",
    "check_seq": "CheckSeq",
    "check_date": "CheckDate",
    "dom_check_amt": "DomCheckAmt",
    "inv_num": "InvNum",
    "curr_code": "CurrCode",
    "RecordDate": "RecordDate",
}
FSM_INVOICE = "Company, Vendor, Invoice, InvoiceDate, DistributionDate, InvoiceAmount, CurrencyCode, UpdateStamp"
FSM_PAYMENT = "Company, Vendor, Invoice, CheckNumber, PaymentDate, PaymentAmount, CurrencyCode, UpdateStamp"


def csi_ap_sql(table: str, columns: dict[str, str], settings: InforSettings, since: datetime | None) -> str:
    """The rows of a CSI AP table (the connection's site) changed since `since`, as the IDO route reads them."""
    where = []
    site = csi_site(settings)
    if site:
        where.append(f"site_ref = {quote(site)}")
    if since is not None:
        where.append(f"RecordDate >= {quote(csi_stamp(since))}")
    where.append("deleted = 'false'")
    return f"SELECT {', '.join(columns)} FROM {table} WHERE {' AND '.join(where)}"  # noqa: S608 - quoted above


def fsm_ap_sql(business_class: str, columns: str, since: datetime | None) -> str:
    where = [f"UpdateStamp >= {quote(_iso(since))}"] if since is not None else []
    where.append("deleted = 'false'")
    return f"SELECT {columns} FROM {business_class} WHERE {' AND '.join(where)}"  # noqa: S608 - quoted above


def _as_ido(row: Row, columns: dict[str, str]) -> Row:
    return {prop: row.get(column, "") for column, prop in columns.items()}


def lake_invoices(
    settings: InforSettings, rows: Rows, since: datetime | None, until: datetime | None
) -> Iterator[LedgerLine | RejectedRecord]:
    """Supplier invoices changed since `since` from the lake, as the product line's REST reader gives them.
    M3 reads whole days up to `until`'s; CSI and FSM, like their REST readers, read from `since` on."""
    if settings.product is ProductLine.CSI:
        for row in rows(csi_ap_sql("aptrxp", CSI_INVOICE, settings, since)):
            rec = _as_ido(row, CSI_INVOICE)
            yield to_ledger_line(CSI_SOURCE, EntryKind.INVOICE, csi_invoice_fields(rec, settings), rec)
        return
    if settings.product is ProductLine.FSM:
        for row in rows(fsm_ap_sql("PayablesInvoice", FSM_INVOICE, since)):
            yield to_ledger_line(FSM_SOURCE, EntryKind.INVOICE, fsm_invoice_fields(row, settings), row)
        return
    for row in rows(m3_invoice_sql(settings, since, until)):
        rec = {**row, "CUAM": _ap_sign(row.get("CUAM", ""))}
        fields = m3_invoice_fields(rec, settings.company.strip(), settings)
        yield to_ledger_line(M3_SOURCE, EntryKind.INVOICE, fields, rec)


def lake_payments(
    settings: InforSettings, rows: Rows, since: datetime | None, until: datetime | None
) -> Iterator[LedgerLine | RejectedRecord]:
    """Supplier payments changed since `since` from the lake, as the product line's REST reader gives them."""
    if settings.product is ProductLine.CSI:
        for row in rows(csi_ap_sql("appmt", CSI_PAYMENT, settings, since)):
            rec = _as_ido(row, CSI_PAYMENT)
            yield to_ledger_line(CSI_SOURCE, EntryKind.PAYMENT, csi_payment_fields(rec, settings), rec)
        return
    if settings.product is ProductLine.FSM:
        for row in rows(fsm_ap_sql("CashLedgerPayment", FSM_PAYMENT, since)):
            yield to_ledger_line(FSM_SOURCE, EntryKind.PAYMENT, fsm_payment_fields(row, settings), row)
        return
    for row in rows(m3_payment_sql(settings, since, until)):
        fields = m3_payment_fields(row, settings.company.strip(), row.get("DIVI", ""))
        yield to_ledger_line(M3_SOURCE, EntryKind.PAYMENT, fields, row)
