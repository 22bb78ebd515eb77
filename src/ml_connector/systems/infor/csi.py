"""CSI (CloudSuite Industrial / SyteLine) through Mongoose IDOs: `CSI/IDORequestService/ido/...`.

Every call carries `X-Infor-MongooseConfig` (infor.md 3.1). Reads: LoadCollection with a bookmark
(`loadtype=NEXT`) while `MoreRowsExist`; the change stamp is `RecordDate`. Writes: UpdateCollection
(`Action` 1 insert, 2 update) on SLJournals (journals, `Ref` = the reference) and SLVendors (suppliers).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from ml_connector.errors import ApiError, ConfigurationError, ConnectorError, RetriableError
from ml_connector.http import ApiSession
from ml_connector.records import (
    Account,
    CostCenter,
    CurrencyRate,
    EntryKind,
    JournalDraft,
    LedgerLine,
    PostResult,
    RejectedRecord,
    Supplier,
    SupplierWriteResult,
)
from ml_connector.systems.infor import csi_rates
from ml_connector.systems.infor.canonical import RowFields, fiscal_period, to_ledger_line
from ml_connector.systems.infor.errors import ido_error
from ml_connector.systems.infor.journals import check_draft, post_once
from ml_connector.systems.infor.paging import CursorGuard
from ml_connector.systems.infor.settings import InforSettings
from ml_connector.systems.infor.values import csi_day, csi_stamp, format_amount, parse_csi_stamp
from ml_connector.systems.own_journals import posted_by_us

SOURCE = "infor-csi"
BASE = "CSI/IDORequestService/ido"
CONFIG_HEADER = "X-Infor-MongooseConfig"
INSERT, UPDATE = 1, 2
Row = dict[str, str]
# ASSUMPTION: the cost-center IDO (unit code 1) is SLUnitcd1s; the notes name none.
COST_CENTER_IDO = "SLUnitcd1s"


def quote(value: str) -> str:
    """A filter literal: single quotes, doubled inside (infor.md 3.2 filter syntax)."""
    return "'" + value.replace("'", "''") + "'"


def stamp_filter(since: datetime | None, until: datetime | None, field: str = "RecordDate") -> list[str]:
    parts = []
    if since is not None:
        parts.append(f"{field} >= {quote(csi_stamp(since))}")
    if until is not None:
        parts.append(f"{field} < {quote(csi_stamp(until))}")
    return parts


def invoice_fields(row: Row, settings: InforSettings) -> RowFields:
    """An SLAptrxps row's canonical fields (the Data Lake reader builds the same from `aptrxp`, `lake_lines`)."""
    return RowFields(
        source_key=":".join(("csi", "inv", *(row.get(k, "") for k in ("Site", "VendNum", "InvNum", "Voucher")))),
        ledger=settings.company or row.get("Site", ""),
        day=row.get("DistDate", ""),
        account=row.get("ApAcct", "") or settings.ap_account,
        cost_center="",
        amount=row.get("InvAmt", ""),
        currency=row.get("CurrCode", ""),
        supplier=row.get("VendNum", ""),
        description=f"{row.get('VendNum', '')} {row.get('InvNum', '')}",
        updated_at=parse_csi_stamp(row.get("RecordDate")),
        amount_field="InvAmt",
        day_field="DistDate",
    )


def payment_fields(row: Row, settings: InforSettings) -> RowFields:
    """An SLAppmts row's canonical fields (the Data Lake reader builds the same from `appmt`, `lake_lines`)."""
    return RowFields(
        source_key=":".join(("csi", "pay", *(row.get(k, "") for k in ("Site", "CheckNum", "CheckSeq", "InvNum")))),
        ledger=settings.company or row.get("Site", ""),
        day=row.get("CheckDate", ""),
        account=settings.ap_account,
        cost_center="",
        amount=row.get("DomCheckAmt", ""),
        currency=row.get("CurrCode", ""),
        supplier=row.get("VendNum", ""),
        description=f"{row.get('VendNum', '')} {row.get('InvNum', '')}",
        updated_at=parse_csi_stamp(row.get("RecordDate")),
        amount_field="DomCheckAmt",
        day_field="CheckDate",
    )


class CsiLines:
    """The CSI product line behind `InforClient`."""

    def __init__(self, settings: InforSettings, session: ApiSession) -> None:
        self.settings = settings
        self.session = session
        self.headers = {CONFIG_HEADER: settings.mongoose_config, "Accept": "application/json"}

    def load(self, ido: str, *, filters: Iterable[str] = (), orderby: str = "", cap: int = 0) -> Iterator[Row]:
        """Every row of an IDO that matches, page by page (`recordcap` rows each; FIRST, then NEXT)."""
        terms = list(filters)
        if self.settings.csi_site and ido not in ("SLCharts", COST_CENTER_IDO, "SLVendors", csi_rates.IDO):
            terms.append(f"Site = {quote(self.settings.csi_site)}")
        params = {
            "filter": " AND ".join(f"({t})" for t in terms),
            "recordcap": str(cap or self.settings.page_size),
            "readonly": "true",
            "loadtype": "FIRST",
        }
        if orderby:
            params["orderby"] = orderby
        guard = CursorGuard(f"{ido} bookmark")
        while True:
            body = self._get(f"load/{ido}", params, ido)
            items = body.get("Items") or []
            yield from ({str(k): "" if v is None else str(v) for k, v in item.items()} for item in items)
            bookmark = body.get("Bookmark")
            if not body.get("MoreRowsExist") or cap:
                return
            if not items or not isinstance(bookmark, str):
                raise ApiError(f"CSI {ido} said more rows exist but gave no page or bookmark to continue from")
            guard.check(bookmark)
            params = params | {"loadtype": "NEXT", "bookmark": bookmark}

    def _get(self, path: str, params: dict[str, str], ido: str) -> dict[str, Any]:
        response = self.session.request("GET", f"{BASE}/{path}", params=params, headers=self.headers)
        body = _json(response.text)
        if not isinstance(body, dict) or body.get("Success") is False:
            raise ido_error(ido, body, None, self.session.redactor)
        return body

    def ping(self) -> str:
        """Check the configuration and the site against CSI's configurations, then read one account."""
        self.check_site()
        rows = list(self.load("SLCharts", cap=1))
        return f"Infor CSI configuration {self.settings.mongoose_config}: {len(rows)} account read through the ION API"

    def _configurations(self) -> list[str]:
        body = self._get("configurations", {}, "configurations")
        return [str(c) for c in body.get("Configurations") or []]

    def check_site(self) -> None:
        """A configuration or `csi_site` CSI does not have is a configuration error (a site filter that matches
        nothing would otherwise read no line and succeed)."""
        configs = self._configurations()
        hint = "Set mongoose_config and csi_site on the Infor connection to ones `ml-connector discover` lists."
        if self.settings.mongoose_config not in configs:
            raise ConfigurationError(
                f"CSI has no Mongoose configuration {self.settings.mongoose_config!r} "
                f"(it has: {', '.join(configs) or 'none'})",
                hint=hint,
            )
        site = self.settings.csi_site
        # ASSUMPTION: each site has a configuration named {TENANT}_{SITE} (infor.md 3.1, inferred from the
        # observed configuration names): the sites are read from those names.
        prefix = f"{self.settings.credentials.tenant}_"
        sites = sorted(c.removeprefix(prefix) for c in configs if c.startswith(prefix))
        if site and site not in sites:
            raise ConfigurationError(
                f"CSI has no site {site!r} (sites with a configuration: {', '.join(sites) or 'none'})", hint=hint
            )

    def currency_rates(self, target: str, rate_type: str) -> list[CurrencyRate]:
        """SLCurrates of the configuration's site into `target` (`csi_rates`), `rate_type` Buy or Sell."""
        csi_rates.rate_column(rate_type)  # a rate type CSI does not keep fails before anything is read
        self.check_site()
        return csi_rates.to_target(self.load(csi_rates.IDO), target.strip().upper(), rate_type)

    def discover(self) -> dict[str, Any]:
        configs = self._configurations()
        return {
            "product": "csi",
            "companies": [{"id": c, "configuration": c} for c in configs],
            "ledgers": [{"id": self.settings.csi_site or self.settings.mongoose_config}],
        }

    def _ledger(self, row: Row) -> str:
        return self.settings.company or row.get("Site", "")

    def ledger_lines(self, since: datetime | None, until: datetime | None) -> Iterator[LedgerLine | RejectedRecord]:
        """SLLedgers rows whose `RecordDate` (last change) is in [since, until)."""
        # ASSUMPTION: `RecordDate` is the row's last-change stamp (Mongoose's audit column); the notes list
        # SLLedgers properties without saying which one changes on update.
        self.check_site()  # a site CSI lacks is a configuration error before anything is read
        for row in self.load("SLLedgers", filters=stamp_filter(since, until), orderby="TransNum"):
            if posted_by_us(row.get("Ref")) or self._plan_journal(row):  # plan, not actuals (own_journals)
                continue
            key = f"csi:{row.get('Site', '')}:{row.get('TransNum', '')}"
            period = ""
            if self.settings.calendar == "erp":
                # ASSUMPTION: ControlYear and ControlPeriod (the journal control number's) are the site's
                # fiscal year and period.
                year, number = row.get("ControlYear", "").strip(), row.get("ControlPeriod", "").strip()
                fiscal = fiscal_period(f"{year:0>4}{number:0>2}") if year.isdigit() and number.isdigit() else None
                if fiscal is None:
                    yield RejectedRecord(
                        SOURCE,
                        key,
                        EntryKind.GL.value,
                        f"ControlYear {year!r} and ControlPeriod {number!r} are not a fiscal period (1-13)",
                        "Check the ledger row's control number in CSI; the next run reads it again.",
                        dict(row),
                        parse_csi_stamp(row.get("RecordDate")),
                    )
                    continue
                period = str(fiscal)
            fields = RowFields(
                source_key=key,
                ledger=self._ledger(row),
                day=row.get("TransDate", ""),
                account=row.get("Acct", ""),
                cost_center=row.get("AcctUnit1", ""),
                amount=row.get("DomAmount", ""),
                currency=row.get("CurrCode", ""),
                supplier=row.get("VendNum", ""),
                description=row.get("Ref", ""),
                updated_at=parse_csi_stamp(row.get("RecordDate")),
                amount_field="DomAmount",
                day_field="TransDate",
                period=period,
            )
            yield to_ledger_line(SOURCE, EntryKind.GL, fields, row)

    def invoices(self, since: datetime | None) -> Iterator[LedgerLine | RejectedRecord]:
        """Posted vouchers (SLAptrxps) changed since `since`."""
        # Vendor and invoice number lead the order: (Site, Voucher) alone did not name one row in the
        # emulator (voucher numbers restarting each year), and a bookmark on a non-unique key skips rows.
        rows = self.load("SLAptrxps", filters=stamp_filter(since, None), orderby="VendNum,InvNum,Voucher")
        for row in rows:
            yield to_ledger_line(SOURCE, EntryKind.INVOICE, invoice_fields(row, self.settings), row)

    def payments(self, since: datetime | None) -> Iterator[LedgerLine | RejectedRecord]:
        """AP payments (SLAppmts) changed since `since`."""
        for row in self.load("SLAppmts", filters=stamp_filter(since, None), orderby="CheckNum,CheckSeq,InvNum"):
            yield to_ledger_line(SOURCE, EntryKind.PAYMENT, payment_fields(row, self.settings), row)

    def accounts(self) -> Iterator[Account]:
        for row in self.load("SLCharts", orderby="Acct"):
            yield Account(code=row.get("Acct", ""), name=row.get("Description", ""), account_type=row.get("Type", ""))

    def cost_centers(self) -> Iterator[CostCenter]:
        for row in self.load(COST_CENTER_IDO, orderby="UnitCode1"):
            yield CostCenter(code=row.get("UnitCode1", ""), name=row.get("Description", ""))

    def suppliers(self) -> Iterator[Supplier]:
        for row in self.load("SLVendors", orderby="VendNum"):
            yield Supplier(
                number=row.get("VendNum", ""),
                name=row.get("Name", ""),
                tax_id=row.get("TaxRegNum1", ""),
                payment_terms=row.get("TermsCode", ""),
                status="Active" if row.get("Stat", "A") == "A" else "Inactive",
            )

    # --- writes ------------------------------------------------------------------------------------

    def _update(self, ido: str, changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # Not repeated blindly: after a lost answer the caller looks the write up first.
        response = self.session.request(
            "POST",
            f"{BASE}/update/{ido}",
            params={"refresh": "true"},
            json={"Changes": changes},
            headers=self.headers,
            safe_to_repeat=False,
        )
        body = _json(response.text)
        if not isinstance(body, dict) or body.get("Success") is False:
            raise ido_error(ido, body, None, self.session.redactor)
        return [i for i in body.get("RefreshItems") or [] if isinstance(i, dict)]

    def _plan_journal(self, row: Row) -> bool:
        """A ledger row posted from the plan journal (`csi_plan_journal`), whoever entered it there."""
        journal = self.settings.csi_plan_journal.strip()
        return bool(journal) and row.get("FromId", "").strip() == journal

    def find_journal(self, reference: str) -> str | None:
        """The journal with this reference: still in SLJournals (for review), or posted by a reviewer, when its
        rows have left the journal for the ledger (SLLedgers, same Ref)."""
        rows = list(self.load("SLJournals", filters=[f"Ref = {quote(reference)}"], orderby="Id"))
        rows = [r for r in rows if r.get("Ref") == reference]
        if rows:
            first = min(rows, key=lambda r: int(r["SeqNo"]) if r.get("SeqNo", "").isdigit() else 0)
            return f"{first.get('Site', '')}:{first.get('Id', '')}:{first.get('SeqNo', '')}"
        posted = [r for r in self.load("SLLedgers", filters=[f"Ref = {quote(reference)}"]) if r.get("Ref") == reference]
        if posted:
            first = min(posted, key=lambda r: int(r["TransNum"]) if r.get("TransNum", "").isdigit() else 0)
            return f"{first.get('Site', '')}:{first.get('FromId', '')}:posted:{first.get('TransNum', '')}"
        return None

    def post_journal(self, draft: JournalDraft) -> PostResult:
        # ASSUMPTION: SLJournals `Ref` holds 30 characters; the notes give no length.
        check_draft(draft, max_reference=30)
        changes = []
        for line in draft.lines:
            values = {
                "TransDate": csi_day(draft.accounting_date),
                "Acct": line.account,
                "AcctUnit1": line.cost_center,
                "DomAmount": format_amount(line.amount),
                "CurrCode": draft.currency,
                "Ref": draft.reference,
            }
            if self.settings.csi_plan_journal.strip():
                values["Id"] = self.settings.csi_plan_journal.strip()
            if self.settings.csi_site:
                values["Site"] = self.settings.csi_site
            props = [{"Name": k, "Value": v, "Modified": True, "IsNull": False} for k, v in values.items()]
            changes.append({"Action": INSERT, "ItemId": "", "Properties": props, "UpdateLocking": 1})

        def write() -> str:
            self._update("SLJournals", changes)
            return self.find_journal(draft.reference) or draft.reference

        return post_once(draft.reference, lambda: self.find_journal(draft.reference), write)

    def upsert_suppliers(self, suppliers: Iterable[Supplier]) -> Iterator[SupplierWriteResult]:
        """SLVendors: update by key (no ItemId: "the key properties are used") or insert."""
        for sup in suppliers:
            values = {"VendNum": sup.number, "Name": sup.name}
            if sup.tax_id:
                values["TaxRegNum1"] = sup.tax_id
            if sup.payment_terms:
                values["TermsCode"] = sup.payment_terms
            try:
                exists = bool(list(self.load("SLVendors", filters=[f"VendNum = {quote(sup.number)}"], cap=1)))
                props = [{"Name": k, "Value": v, "Modified": True, "IsNull": False} for k, v in values.items()]
                self._write_vendor(exists, props, sup.number)
            except ConnectorError as exc:
                yield SupplierWriteResult(number=sup.number, ok=False, error=str(exc))
                continue
            yield SupplierWriteResult(number=sup.number, ok=True, action="updated" if exists else "created")

    def _write_vendor(self, exists: bool, props: list[dict[str, Any]], number: str) -> None:
        change = {"Action": UPDATE if exists else INSERT, "ItemId": "", "Properties": props, "UpdateLocking": 1}
        try:
            self._update("SLVendors", [change])
        except RetriableError:
            # A lost answer: an update repeats harmlessly; an insert only if the vendor is still missing.
            if not exists and list(self.load("SLVendors", filters=[f"VendNum = {quote(number)}"], cap=1)):
                return
            self._update("SLVendors", [change])


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None
