"""M3 (CloudSuite Industrial Enterprise) through MI programs: `GET M3/m3api-rest/v2/execute/{PGM}/{TRN}`.

Matrix (`;`) parameters carry options (maxrecs, cono, divi), the query string carries input fields
(infor.md 2.1). Readers: GLS200MI (GL lines), CRS630MI (accounts, cost centers), CRS620MI (suppliers),
APS200MI (supplier invoices), APS130MI (payments), GLS215MI (period balances), MNS100MI (divisions); what
changed since a watermark is asked for by change date (`m3_changes`). Journals: GLS840MI. Suppliers: CRS620MI.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ml_connector.errors import ApiError, ConfigurationError, ConnectorError, RetriableError
from ml_connector.failpoints import failpoint
from ml_connector.http import ApiSession
from ml_connector.records import (
    Account,
    AccountBalance,
    BudgetDraft,
    CostCenter,
    CurrencyRate,
    EntryKind,
    FiscalPeriod,
    JournalDraft,
    LedgerLine,
    PostResult,
    RejectedRecord,
    Supplier,
    SupplierWriteResult,
)
from ml_connector.systems.infor.canonical import RowFields, fiscal_period, to_ledger_line
from ml_connector.systems.infor.errors import M3TransactionError, m3_error, m3_failed
from ml_connector.systems.infor.journals import POST_ATTEMPTS, batch_key, check_draft, log
from ml_connector.systems.infor.m3_balances import division_balances
from ml_connector.systems.infor.m3_budgets import write_budget
from ml_connector.systems.infor.m3_changes import (
    InvoiceKey,
    changed_gl_lines,
    changed_invoice_keys,
    payments_changed,
)
from ml_connector.systems.infor.m3_divisions import check_divisions, company_divisions, local_currency
from ml_connector.systems.infor.m3_payments import payment_lines
from ml_connector.systems.infor.m3_periods import first_days, year_window
from ml_connector.systems.infor.m3_posting import interface_query, write_batch
from ml_connector.systems.infor.m3_rates import division_rates
from ml_connector.systems.infor.paging import DateWindow, DateWindowPager
from ml_connector.systems.infor.settings import InforSettings
from ml_connector.systems.infor.values import m3_day, parse_day
from ml_connector.systems.own_journals import posted_by_us

SOURCE = "infor-m3"
BASE = "M3/m3api-rest/v2/execute"
Record = dict[str, str]
ACTIVE_STATUS, BLOCKED_STATUS = "20", "90"


class M3Lines:
    """The M3 product line behind `InforClient`."""

    def __init__(self, settings: InforSettings, session: ApiSession) -> None:
        self.settings = settings
        self.session = session
        self.company = settings.company.strip()
        self._period_days: dict[int, dict[FiscalPeriod, date]] = {}  # by fiscal year, read once per client
        # Divisions whose lines, read on calendar months, showed an accounting period (ACYP) other than their
        # date's month: their GLS215MI balances are by fiscal period, not comparable with month totals.
        self._off_months: set[str] = set()

    # --- one MI call -------------------------------------------------------------------------------

    def call(
        self,
        program: str,
        transaction: str,
        inputs: dict[str, str] | None = None,
        *,
        maxrecs: int = 0,
        division: str = "",
    ) -> list[Record]:
        """Run one transaction (in `division`'s context when given); its records with values right-trimmed, or
        `M3TransactionError`."""
        options = f";maxrecs={maxrecs};cono={self.company}" + (f";divi={division}" if division else "")
        path = f"{BASE}/{program}/{transaction}{options}"
        try:
            response = self.session.request("GET", path, params=inputs or {}, safe_to_repeat=True)
        except ApiError as exc:
            if exc.context is not None and exc.context.status == 400:
                raise m3_error(
                    program,
                    transaction,
                    _excerpt_body(exc.context.body_excerpt),
                    exc.context,
                    self.session.redactor,
                ) from None
            raise
        try:
            body = response.json()
        except ValueError:
            raise ApiError(f"M3 {program}/{transaction} answered with something other than JSON") from None
        if m3_failed(body):
            raise m3_error(program, transaction, body if isinstance(body, dict) else {}, None, self.session.redactor)
        results = body.get("results") or [{}]
        records = results[0].get("records") or []
        return [{str(k): str(v).rstrip() for k, v in r.items()} for r in records if isinstance(r, dict)]

    def call_bulk(
        self, program: str, transactions: list[tuple[str, dict[str, str]]], *, maxrecs: int = 0
    ) -> list[list[Record] | M3TransactionError]:
        """Run many read transactions of one program in one `POST .../execute` (infor.md 2.1 bulk); each answer
        in order, its records right-trimmed, or the `M3TransactionError` of that transaction alone."""
        body = {
            "program": program,
            "cono": self.company,
            "excludeEmptyValues": False,
            "rightTrim": True,
            "maxReturnedRecords": maxrecs,
            "transactions": [{"transaction": name, "record": record} for name, record in transactions],
        }
        try:
            response = self.session.request("POST", BASE, json=body, safe_to_repeat=True)
        except ApiError as exc:
            if exc.context is not None and exc.context.status == 400:
                raise m3_error(
                    program, "bulk", _excerpt_body(exc.context.body_excerpt), exc.context, self.session.redactor
                ) from None
            raise
        try:
            answer = response.json()
        except ValueError:
            raise ApiError(f"M3 {program} bulk call answered with something other than JSON") from None
        results = answer.get("results") if isinstance(answer, dict) else None
        if not isinstance(results, list) or len(results) != len(transactions) or answer.get("wasTerminated"):
            raise ApiError(
                f"M3 {program} bulk call gave {len(results) if isinstance(results, list) else 'no'} results "
                f"for {len(transactions)} transactions",
                hint="Run again; report it if it repeats.",
            )
        out: list[list[Record] | M3TransactionError] = []
        for (name, _), result in zip(transactions, results, strict=True):
            result = result if isinstance(result, dict) else {}
            if "errorMessage" in result:
                out.append(m3_error(program, name, result, None, self.session.redactor))
                continue
            records = result.get("records") or []
            out.append([{str(k): str(v).rstrip() for k, v in r.items()} for r in records if isinstance(r, dict)])
        return out

    # --- reads -------------------------------------------------------------------------------------

    def ping(self) -> str:
        """Check the company and the configured divisions (MNS100MI), then read one account."""
        divisions = self.check_divisions()
        records = self.call("CRS630MI", "LstAccountID", {"AITP": "1"}, maxrecs=1)
        return (
            f"Infor M3 company {self.company} (divisions {', '.join(divisions) or 'none'}): "
            f"{len(records)} account read through the ION API"
        )

    def configured_divisions(self) -> list[str]:
        named = [self.settings.division, *self.settings.divisions]
        return list(dict.fromkeys(d.strip() for d in named if d.strip()))

    def read_divisions(self, known: list[str]) -> list[str]:
        """The divisions a read covers: the connection's `division`, else its `divisions`, else every one M3 has."""
        if self.settings.division.strip():
            return [self.settings.division.strip()]
        return [d for d in self.configured_divisions() if d in known] or known

    def _reads(self, rec: Record, divisions: list[str] | None) -> bool:
        """Whether a record of a company-wide read is of a division the connection reads."""
        return divisions is None or rec.get("DIVI", "").strip() in divisions

    def _filter(self) -> list[str] | None:
        """The divisions to keep when a read asks M3 for the whole company (the connection's `divisions`); None
        for all of them, or when the read asks for its one `division` already."""
        if self.settings.division.strip():
            return None
        return self.configured_divisions() or None

    def check_divisions(self) -> list[str]:
        """The company's divisions; a ConfigurationError when M3 lacks the company or a configured division."""
        return check_divisions(self._call_inputs, self.company, self.configured_divisions())

    def _call_inputs(self, program: str, transaction: str, inputs: dict[str, str]) -> list[Record]:
        return self.call(program, transaction, inputs)

    def discover(self) -> dict[str, Any]:
        """The company's divisions as M3 lists them (MNS100MI LstDivisions)."""
        divisions = company_divisions(self._call_inputs, self.company)
        return {
            "product": "m3",
            "companies": [{"id": self.company, "divisions": [code for code, _ in divisions]}],
            "ledgers": [{"id": code, "name": name, "company": self.company} for code, name in divisions],
        }

    def period_balances(self, periods: Collection[str]) -> dict[str, list[AccountBalance]] | None:
        """GLS215MI balances of the divisions read (the connection's division, else every one), by period; None on
        calendar months when a division read keeps a fiscal calendar (its lines' ACYP is not their month)."""
        divisions = self.read_divisions(self.check_divisions())
        off = sorted(self._off_months & set(divisions))
        if self.settings.calendar != "erp" and off:
            # ASSUMPTION: a division on its own 4-4-5 or 13-period year keeps GLS215MI balances by fiscal period;
            # on calendar months they are not comparable with month totals, and the cells (without an entity
            # column) cannot be told apart by division: None, "no balances to compare", not every cell differing.
            log.info("ledger check skipped: divisions %s keep fiscal periods; read them with calendar = erp", off)
            return None
        out: dict[str, list[AccountBalance]] = {p: [] for p in periods}
        for division in divisions:
            currency = local_currency(self._call_inputs, self.company, division)
            found = division_balances(self._call_inputs, division, currency, self.settings.m3_balance_key, periods)
            for period, rows in found.items():
                out[period].extend(rows)
        return out

    def _history_end(self) -> date:
        return datetime.now(UTC).date() + timedelta(days=366)

    def ledger_lines(self, since: datetime | None, until: datetime | None) -> Iterator[LedgerLine | RejectedRecord]:
        """GL lines whose change date (LMDT) is in range.

        Without `since` (a first run, a repair) the whole history is read by accounting date (GLS200MI
        LstVouchersByDt from `history_from`) and kept when LMDT is in range. With `since` only the lines changed
        since are asked for: GLS200MI SearchGenLedger on an LMDT range (`m3_changes`), so a run with nothing new
        makes one call. LMDT is a day (GLS200MI has no LMTS), so `since`/`until` compare by day, inclusive; the
        engine's overlap and de-duplication on the source key absorb the lines read twice.
        """
        # A company or division M3 lacks is a configuration error before anything is read.
        self.check_divisions()
        keep = self._filter()
        low = since.astimezone(UTC).date() if since else None
        high = until.astimezone(UTC).date() if until else None
        if low is None:
            records = self._gl_by_accounting_date()
        else:
            records = changed_gl_lines(self.call, low, high or self._history_end(), self.settings)
        for rec in records:
            if posted_by_us(rec.get("VTXT")) or not self._reads(rec, keep):  # plan (own_journals), or not read
                continue
            changed = parse_day(rec.get("LMDT")) or parse_day(rec.get("RGDT"))
            if changed is not None and ((low and changed < low) or (high and changed > high)):
                continue
            key = gl_key(rec, self.company)
            stamp = datetime(changed.year, changed.month, changed.day, tzinfo=UTC) if changed else None
            period = ""
            if self.settings.calendar != "erp" and not _in_its_month(rec):
                self._off_months.add(rec.get("DIVI", ""))
            if self.settings.calendar == "erp":
                # ASSUMPTION: ACYP (N6 "Accounting period") is the division's fiscal year and period, YYYYPP.
                fiscal = fiscal_period(rec.get("ACYP", ""))
                if fiscal is None:
                    yield RejectedRecord(
                        SOURCE,
                        key,
                        EntryKind.GL.value,
                        f"ACYP {rec.get('ACYP', '')!r} is not an accounting period (YYYYPP, period 01-13)",
                        "Check the voucher's accounting period in M3 (GLS200); the next run reads it again.",
                        dict(rec),
                        stamp,
                    )
                    continue
                period = str(fiscal)
            yield to_ledger_line(SOURCE, EntryKind.GL, gl_fields(rec, key, stamp, period), rec)

    def currency_rates(self, target: str, rate_type: str) -> list[CurrencyRate]:
        """CRS055MI rates from each division's local currency into `target` (`m3_rates`)."""
        divisions = self.read_divisions(self.check_divisions())

        def rates(division: str, inputs: dict[str, str]) -> list[Record]:
            return self.call("CRS055MI", "LstRatesPerType", inputs, division=division)

        out: list[CurrencyRate] = []
        for division in divisions:
            local = local_currency(self._call_inputs, self.company, division)
            out.extend(division_rates(rates, division, local, target.strip().upper(), rate_type))
        return out

    def posting_day(self, period: str) -> date | None:
        """A day M3 placed in the division's fiscal period `period` ("YYYY-Pnn"): the earliest accounting date
        of its voucher lines in that period (`m3_periods`); None without `calendar = "erp"` or lines there."""
        fiscal = FiscalPeriod.parse(period)
        if fiscal is None or self.settings.calendar != "erp":
            return None
        if fiscal.year not in self._period_days:
            self._period_days[fiscal.year] = first_days(self._gl_by_accounting_date(*year_window(fiscal.year)))
        return self._period_days[fiscal.year].get(fiscal)

    def _gl_by_accounting_date(self, start: date | None = None, end: date | None = None) -> Iterator[Record]:
        def fetch(window: DateWindow, maxrecs: int) -> list[Record]:
            inputs = {"FRDT": m3_day(window.start), "TODT": m3_day(window.end)}
            if self.settings.division:
                inputs["DIVI"] = self.settings.division
            return self.call("GLS200MI", "LstVouchersByDt", inputs, maxrecs=maxrecs)

        pager = DateWindowPager(fetch, self.settings.page_size, lambda rec: parse_day(rec.get("ACDT")))
        yield from pager.read(start or self.settings.history_from, end or self._history_end())

    def invoices(self, since: datetime | None) -> Iterator[LedgerLine | RejectedRecord]:
        """Supplier invoices: all of them by accounting-date windows (APS200MI SearchSupInvoic), or with `since`
        only those whose AP ledger entry changed since (`m3_changes.changed_invoice_keys`), each read with
        APS200MI GetInvoice. APS200MI outputs carry no change date, so the lines have no `updated_at`."""
        keep = self._filter()
        if since is None:
            records = self._all_invoices()
        else:
            keys = changed_invoice_keys(self.call, since.astimezone(UTC).date(), self.settings)
            records = (rec for key in keys for rec in self._invoice(key))
        for rec in records:
            if not self._reads(rec, keep):
                continue  # another division's invoice: the connection reads only its `divisions`
            yield to_ledger_line(SOURCE, EntryKind.INVOICE, invoice_fields(rec, self.company, self.settings), rec)

    def _all_invoices(self) -> Iterator[Record]:
        # ASSUMPTION: SQRY takes Lucene-style ranges, `ACDT:[20250101 TO 20250131]`; the notes name SQRY only.
        def fetch(window: DateWindow, maxrecs: int) -> list[Record]:
            query = f"ACDT:[{m3_day(window.start)} TO {m3_day(window.end)}]"
            if self.settings.division:
                query += f" DIVI:{self.settings.division}"
            try:
                return self.call("APS200MI", "SearchSupInvoic", {"SQRY": query}, maxrecs=maxrecs)
            except M3TransactionError as exc:
                if "does not exist" in exc.message or "no records" in exc.message.lower():
                    return []
                raise

        pager = DateWindowPager(fetch, self.settings.page_size, lambda rec: parse_day(rec.get("ACDT")))
        yield from pager.read(self.settings.history_from, self._history_end())

    def _invoice(self, key: InvoiceKey) -> list[Record]:
        inputs = {"DIVI": key.division, "YEA4": key.year, "JRNO": key.journal, "JSNO": key.sequence}
        try:
            return self.call("APS200MI", "GetInvoice", inputs)
        except M3TransactionError as exc:
            if exc.field in ("JRNO", "JSNO", "YEA4"):
                # The AP ledger names an entry APS200MI does not know (deleted since): nothing to read.
                log.warning("M3 invoice %s is in the AP ledger but not in APS200MI: %s", key, exc.message)
                return []
            raise

    def payments(self, since: datetime | None) -> Iterator[LedgerLine | RejectedRecord]:
        """APS130MI: every payment proposal of each division, then its invoices paid (LstInvByPayDate).

        APS130MI has no change date and takes one proposal number per transaction, so a run with `since` first
        asks the AP ledger whether any payment changed since (`m3_changes.payments_changed`, one call); only
        then are the proposals read, all of them, in bulk calls (`m3_payments`; the engine marks
        the ones read before `unchanged`).
        """
        divisions = list(self.settings.divisions) or ([self.settings.division] if self.settings.division else [])
        if not divisions:
            raise ConfigurationError(
                "Reading M3 payments needs the division(s): APS130MI requires DIVI",
                hint="Set `division` or `divisions` on the Infor connection.",
            )
        if since is not None and not payments_changed(self.call, since.astimezone(UTC).date(), self.settings):
            return
        for divi, rec in payment_lines(self.call_bulk, divisions):
            yield to_ledger_line(SOURCE, EntryKind.PAYMENT, payment_fields(rec, self.company, divi), rec)

    def _dimension(self, dimension: int) -> Iterator[Record]:
        """CRS630MI LstAccountID from a start key (AITM), page by page; the start row is not read twice."""
        yield from self._keyed_pages("CRS630MI", "LstAccountID", {"AITP": str(dimension)}, "AITM", "AITM")

    def _keyed_pages(
        self, program: str, transaction: str, inputs: dict[str, str], start_field: str, key: str
    ) -> Iterator[Record]:
        # The start key is inclusive, so a page asks for one more than it keeps: the row it starts from.
        start, last = "", None
        size = self.settings.page_size
        while True:
            page = self.call(program, transaction, inputs | ({start_field: start} if start else {}), maxrecs=size + 1)
            fresh = [r for r in page if last is None or r.get(key, "") > last]
            yield from fresh
            if len(page) <= size or not fresh:
                return
            last = fresh[-1].get(key, "")
            start = last

    def accounts(self) -> Iterator[Account]:
        for rec in self._dimension(1):
            yield Account(
                code=rec.get("AITM", ""),
                name=rec.get("TX40", ""),
                account_type=rec.get("AICL", ""),
                enabled=rec.get("LCCD", "0") != "1",
            )

    def cost_centers(self) -> Iterator[CostCenter]:
        for rec in self._dimension(2):
            yield CostCenter(code=rec.get("AITM", ""), name=rec.get("TX40", ""), enabled=rec.get("LCCD", "0") != "1")

    def suppliers(self) -> Iterator[Supplier]:
        """LstSuppliers for the numbers, names and terms; GetBasicData for status and VAT number, which
        LstSuppliers does not return (its documented outputs have TINO but no STAT or VRNO)."""
        for rec in self._keyed_pages("CRS620MI", "LstSuppliers", {"CONO": self.company}, "FRSU", "SUNO"):
            number = rec.get("SUNO", "")
            try:
                basic = self.call("CRS620MI", "GetBasicData", {"CONO": self.company, "SUNO": number})
            except M3TransactionError as exc:
                if exc.field == "SUNO":  # deleted since it was listed
                    continue
                raise
            yield _supplier(rec, basic[0] if basic else {})

    # --- writes ------------------------------------------------------------------------------------

    def find_journal(self, reference: str) -> str | None:
        """The journal's id: updated into the GL (found by voucher text) or still in the GLS840 interface file."""
        return self._find_posted(reference) or self._find_in_interface(reference)

    def _find_posted(self, reference: str) -> str | None:
        """GLS200MI SearchGenLedger on the voucher text (VTXT), which GLS840MI takes from the batch DESC."""
        quoted = reference.replace('"', "")
        try:
            records = self.call("GLS200MI", "SearchGenLedger", {"SQRY": f'VTXT:"{quoted}"'}, maxrecs=0)
        except M3TransactionError as exc:
            if "does not exist" in exc.message:
                return None
            raise
        division = self.settings.division
        for rec in records:
            if rec.get("VTXT", "") == reference and (not division or rec.get("DIVI") == division):
                return f"{rec.get('DIVI', '')}-{rec.get('YEA4', '')}-{rec.get('JRNO', '')}"
        return None

    def _find_in_interface(self, reference: str) -> str | None:
        """EXPORTMI Select on FGLINH by the batch's KEY1: a batch added but not updated (waiting for review)."""
        query = interface_query(self.company, self.settings.division, batch_key(reference))
        try:
            rows = self.call("EXPORTMI", "Select", {"QERY": query, "SEPC": ";"}, maxrecs=0)
        except M3TransactionError as exc:
            # Posting does not depend on this read (AddBatchHead meets an existing batch), so a tenant where the
            # export is refused only loses the read-out of batches under review.
            log.warning("M3 interface batches cannot be read with EXPORTMI: %s", exc.message)
            return None
        for row in rows:
            divi, key, desc = (row.get("REPL", "").split(";", 2) + ["", ""])[:3]
            if desc.strip() == reference:
                return f"{divi.strip()}-{key.strip()}"
        return None

    def post_journal(self, draft: JournalDraft) -> PostResult:
        """Add and validate a GLS840MI batch for review (updated too with `m3_update_batch`), at most once.

        The GL is looked up first (an updated batch has left the interface file, so its KEY1 is free again); a
        batch still in the interface is met by AddBatchHead itself and completed (`m3_posting.write_batch`).
        """
        # VTXT is A40 and AIT1..AIT7 are A10 (infor.md appendix B). ASSUMPTION: GLS840MI gives the batch DESC
        # to every updated line as its voucher text, which is where the reference is found again.
        check_draft(draft, max_reference=40, max_account=10)
        division = self.settings.division
        if not division:
            raise ConfigurationError(
                "Posting an M3 journal needs the division (DIVI) of the Infor connection",
                hint="Set `division` on the Infor connection.",
            )
        key = batch_key(draft.reference)
        base = {"CONO": self.company, "DIVI": division, "KEY1": key}
        created = False
        for attempt in range(1, POST_ATTEMPTS + 1):
            posted = self._find_posted(draft.reference)
            if posted is not None:
                return PostResult(reference=draft.reference, document_id=posted, created=created)
            try:
                created = write_batch(self.call, draft, base) or created
                if not self.settings.m3_update_batch:
                    return PostResult(reference=draft.reference, document_id=f"{division}-{key}", created=created)
                return PostResult(reference=draft.reference, document_id=self._update(draft, base), created=True)
            except RetriableError:
                # The lost answer may have been to a write that was applied: count the journal as ours.
                created = True
                if attempt == POST_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def post_budget(self, budget: BudgetDraft) -> PostResult:
        """Replace the period's BUS100MI budget lines with the draft's (see `m3_budgets`)."""
        division = self.settings.division
        if not division:
            raise ConfigurationError(
                "Loading an M3 budget needs the division (DIVI) of the Infor connection",
                hint="Set `division` on the Infor connection.",
            )
        number = self.settings.m3_budget_number
        write_budget(self.call, budget, division=division, number=number)
        return PostResult(budget.reference, f"{division}-{number}-{budget.budget}-{budget.period}", created=True)

    def _update(self, draft: JournalDraft, base: dict[str, str]) -> str:
        """UpdBatch (GLS840 option 9): the batch leaves the interface file and becomes GL vouchers."""
        try:
            self.call("GLS840MI", "UpdBatch", base)
        except M3TransactionError as exc:
            # A repeated UpdBatch after a lost answer: the batch already left the interface file.
            found = self._find_posted(draft.reference) if exc.field == "KEY1" else None
            if found is None:
                raise
            return found
        return self._find_posted(draft.reference) or f"{base['DIVI']}-{base['KEY1']}"

    def upsert_suppliers(self, suppliers: Iterable[Supplier]) -> Iterator[SupplierWriteResult]:
        """CRS620MI GetBasicData, then UpdSupplier or AddSupplier; one result per supplier."""
        for sup in suppliers:
            inputs = {"SUNO": sup.number, "SUNM": sup.name[:36]}
            if sup.tax_id:
                inputs["VRNO"] = sup.tax_id
            if sup.payment_terms:
                inputs["TEPY"] = sup.payment_terms
            # CRS620MI address fields: ADR1 (A36), TOWN (A20), PONO (A10), CSCD (country).
            for field, value, width in (
                ("ADR1", sup.address, 36),
                ("TOWN", sup.city, 20),
                ("PONO", sup.postal_code, 10),
                ("CSCD", sup.country, 3),
            ):
                if value:
                    inputs[field] = value[:width]
            inputs["STAT"] = ACTIVE_STATUS if sup.status.lower() in ("active", "20", "") else BLOCKED_STATUS
            try:
                exists = self._supplier_exists(sup.number)
                self._write_supplier(exists, inputs)
                failpoint("m3.after_supplier_write")
            except ConnectorError as exc:
                yield SupplierWriteResult(number=sup.number, ok=False, error=str(exc))
                continue
            yield SupplierWriteResult(number=sup.number, ok=True, action="updated" if exists else "created")

    def _write_supplier(self, exists: bool, inputs: dict[str, str]) -> None:
        if exists:
            self.call("CRS620MI", "UpdSupplier", inputs)
            return
        try:
            self.call("CRS620MI", "AddSupplier", inputs)
        except M3TransactionError as exc:
            # A repeated AddSupplier after a lost answer finds its own supplier: apply the values as an update.
            if exc.field != "SUNO" or "already exists" not in exc.message:
                raise
            self.call("CRS620MI", "UpdSupplier", inputs)

    def _supplier_exists(self, number: str) -> bool:
        try:
            self.call("CRS620MI", "GetBasicData", {"SUNO": number, "CONO": self.company})
        except M3TransactionError as exc:
            if exc.field == "SUNO":
                return False
            raise
        return True


def gl_key(rec: Record, company: str) -> str:
    """A GL voucher line's source key, `m3:CONO:DIVI:YEA4:JRNO:JSNO` (the REST and the Data Lake routes alike)."""
    return ":".join(("m3", rec.get("CONO") or company, rec.get("DIVI", ""), *_keys(rec)))


def gl_fields(rec: Record, key: str, stamp: datetime | None, period: str = "") -> RowFields:
    """A GLS200MI voucher line, or its FGLEDG row in the Data Lake (the same field names), as `RowFields`."""
    return RowFields(
        source_key=key,
        ledger=rec.get("DIVI", ""),
        day=rec.get("ACDT", ""),
        account=rec.get("AIT1", ""),
        cost_center=rec.get("AIT2", ""),
        amount=rec.get("ACAM", ""),
        currency=rec.get("CUCD", ""),
        description=rec.get("VTXT", ""),
        updated_at=stamp,
        amount_field="ACAM",
        day_field="ACDT",
        period=period,
    )


def invoice_fields(rec: Record, company: str, settings: InforSettings) -> RowFields:
    """An APS200MI invoice record's canonical fields (the Data Lake reader builds the same, `lake_lines`)."""
    return RowFields(
        source_key=":".join(("m3", "inv", rec.get("CONO", company), rec.get("DIVI", ""), *_keys(rec))),
        ledger=rec.get("DIVI", ""),
        day=rec.get("ACDT", ""),
        account=settings.ap_account,
        cost_center="",
        amount=rec.get("CUAM", ""),
        currency=rec.get("CUCD", ""),
        supplier=rec.get("SUNO", ""),
        description=f"{rec.get('SUNO', '')} {rec.get('SINO', '')}",
        amount_field="CUAM",
        day_field="ACDT",
    )


PAYMENT_KEY = ("PRPN", "PYON", "PDNB", "SUNO", "SINO", "INYR")


def payment_fields(rec: Record, company: str, division: str) -> RowFields:
    """An APS130MI paid invoice record's canonical fields (the Data Lake reader builds the same, `lake_lines`)."""
    return RowFields(
        source_key=":".join(("m3", "pay", rec.get("CONO", company), division, *(rec.get(k, "") for k in PAYMENT_KEY))),
        ledger=division,
        day=rec.get("PYDT", ""),
        account=rec.get("AIT1", ""),
        cost_center=rec.get("AIT2", ""),
        amount=rec.get("PYAM", ""),
        currency=rec.get("CUCD", ""),
        supplier=rec.get("SUNO", ""),
        description=f"{rec.get('SUNO', '')} {rec.get('SINO', '')}",
        amount_field="PYAM",
        day_field="PYDT",
    )


def _keys(rec: Record) -> tuple[str, ...]:
    return tuple(rec.get(k, "") for k in ("YEA4", "JRNO", "JSNO"))


def _supplier(listed: Record, basic: Record) -> Supplier:
    """A supplier from its LstSuppliers record and its GetBasicData record (STAT, VRNO live only there)."""
    return Supplier(
        number=listed.get("SUNO", ""),
        name=listed.get("SUNM", "") or basic.get("SUNM", ""),
        tax_id=basic.get("VRNO", "") or listed.get("TINO", ""),
        payment_terms=listed.get("TEPY", "") or basic.get("TEPY", ""),
        status="Active" if basic.get("STAT", ACTIVE_STATUS) == ACTIVE_STATUS else "Inactive",
    )


_FIELD = re.compile(r'"(errorMessage|errorCode|errorField|terminationReason)"\s*:\s*"((?:[^"\\]|\\.)*)"')


def _in_its_month(rec: Record) -> bool:
    """Whether a voucher line's accounting period (ACYP, YYYYPP) is its accounting date's month (ACDT)."""
    period, day = rec.get("ACYP", "").strip(), rec.get("ACDT", "").strip()
    return not period or not day or period == day.replace("-", "")[:6]


def _excerpt_body(excerpt: str) -> dict[str, Any]:
    """The error keys of an M3 400 answer, from the (possibly cut) body excerpt."""
    try:
        body = json.loads(excerpt)
        if isinstance(body, dict):
            return body
    except ValueError:
        pass
    return {name: value for name, value in _FIELD.findall(excerpt)}
