"""`OracleClient`: the Oracle Fusion Cloud ERP as the flows see it (`ml_connector.ports.ErpClient`)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from ml_connector.errors import ApiError, ConfigurationError
from ml_connector.failpoints import failpoint
from ml_connector.http import ApiSession, BudgetRegistry, Redactor, Traffic
from ml_connector.http.cancel import BulkRead, CancelToken
from ml_connector.http.in_order import in_order
from ml_connector.records import (
    Account,
    AccountBalance,
    BudgetDraft,
    CostCenter,
    CurrencyRate,
    FiscalPeriod,
    Hierarchy,
    JournalDraft,
    LedgerLine,
    PeriodStatus,
    PostResult,
    RejectedRecord,
    Supplier,
    SupplierWriteResult,
)
from ml_connector.systems.oracle import budgets, coa, journals, payables, posting
from ml_connector.systems.oracle.amounts import period_from_name
from ml_connector.systems.oracle.auth import authenticator_for
from ml_connector.systems.oracle.bulk import BulkExtract
from ml_connector.systems.oracle.calendar import CLOSING_STATUS, GL_APPLICATION, LedgerCalendar, read_calendar
from ml_connector.systems.oracle.coa import SegmentLayout
from ml_connector.systems.oracle.errors import BudgetLoadError
from ml_connector.systems.oracle.paging import read_collection
from ml_connector.systems.oracle.rates import read_rates
from ml_connector.systems.oracle.settings import OracleSettings
from ml_connector.systems.oracle.suppliers import SupplierWriter, complete_supplier, read_suppliers

if TYPE_CHECKING:
    from ml_connector.ports import SubmitLog

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class OracleClient:
    """One Oracle Fusion connection: reads actuals and reference data, posts journals, upserts suppliers.

    Every request goes through `ApiSession` with the pod's shared budget; `budgets` and `redactor` come
    from the composition root (`ml_connector.root`), or the client keeps its own. Example::

        with OracleClient(settings) as oracle:
            for line in oracle.ledger_lines(since=watermark - overlap):
                ...
    """

    # A create with a taken name is refused (POZ-2130212, "A supplier with the name ... already exists").
    supplier_names_unique = True
    bulk_route = "one exportBulkData extract"  # ports.BulkLedger: reads the ERP itself, so no lag
    bulk_lags = False
    bulk_payables = True  # ports.BulkPayables: invoices and payments have their own extract jobs

    system = "oracle"

    def __init__(
        self,
        settings: OracleSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        budgets: BudgetRegistry | None = None,
        redactor: Redactor | None = None,
        traffic: Traffic | None = None,
    ) -> None:
        self.settings = settings
        self.redactor = redactor if redactor is not None else Redactor()
        self.redactor.register(settings.password.get_secret_value(), settings.client_secret.get_secret_value())
        registry = budgets if budgets is not None else BudgetRegistry()
        budget = registry.get(settings.tenant_key, settings.requests_per_minute)
        token_session = ApiSession(
            self.system,
            settings.token_url or settings.pod_url,
            budget=budget,
            policy=settings.retry_policy,
            transport=transport,
            redactor=self.redactor,
            traffic=traffic,
        )
        self.auth = authenticator_for(settings, token_session)
        self._token_session = token_session
        self.session = ApiSession(
            self.system,
            settings.rest_root,
            auth=self.auth,
            budget=budget,
            policy=settings.retry_policy,
            transport=transport,
            redactor=self.redactor,
            traffic=traffic,
        )
        self.layout = SegmentLayout.of(settings)
        self.journal_source = settings.journal_source
        self.journal_category = settings.journal_category
        self.fixed_segments = dict(settings.fixed_segments)
        self.poster = posting.JournalPoster(
            self.session, poll_seconds=settings.ess_poll_seconds, timeout_seconds=settings.ess_timeout_seconds
        )
        self.bulk = BulkExtract(
            self.session,
            job_name=settings.bulk_job_name,
            poll_seconds=settings.ess_poll_seconds,
            timeout_seconds=settings.ess_timeout_seconds,
            attempts=settings.bulk_attempts,
        )
        self._ledger: dict[str, Any] | None = None
        self._calendar: LedgerCalendar | None = None

    def __enter__(self) -> OracleClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP connections (the kept token goes with them)."""
        self.session.close()
        self._token_session.close()

    # -- connection ---------------------------------------------------------------------------------

    def ping(self) -> str:
        """Authenticate and read the ledgers; one line naming the pod and what answered."""
        if self.settings.ledger_name:
            self._ledger = None  # a ping always asks Oracle
            ledger = self._ledger_named(self.settings.ledger_name)  # a ledger Oracle lacks is an error
            return (
                f"Oracle Fusion {urlsplit(self.settings.pod_url).netloc}: ledger {ledger.get('Name')} "
                f"({ledger.get('CurrencyCode')})"
            )
        ledgers = self._ledgers()
        names = ", ".join(str(x.get("Name")) for x in ledgers) or "no ledgers visible"
        return f"Oracle Fusion {urlsplit(self.settings.pod_url).netloc}: {names}"

    def discover(self) -> dict[str, Any]:
        """Ledgers, charts of accounts and their segment value sets."""
        page = self.settings.page_size
        charts = list(read_collection(self.session, "chartOfAccountsLOV", {"onlyData": "true"}, page_size=page))
        sets = coa.value_sets(self.session, page)
        return {
            "system": self.system,
            "pod": self.settings.pod_url,
            "ledgers": [
                {
                    "id": x.get("LedgerId"),
                    "name": x.get("Name"),
                    "currency": x.get("CurrencyCode"),
                    "chart_of_accounts_id": x.get("ChartOfAccountsId"),
                    "period_set": x.get("PeriodSetName"),
                }
                for x in self._ledgers()
            ],
            "charts_of_accounts": [
                {"id": c.get("StructureInstanceId"), "code": c.get("StructureInstanceCode"), "name": c.get("Name")}
                for c in charts
            ],
            "segments": {
                "delimiter": self.layout.delimiter,
                "cost_center": self.layout.cost_center,
                "account": self.layout.account,
                "value_sets": [{"code": v.get("ValueSetCode"), "description": v.get("Description")} for v in sets],
            },
        }

    # -- reads ----------------------------------------------------------------------------------------

    def ledger_lines(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[LedgerLine | RejectedRecord]:
        """GL lines of posted journals updated in [since, until); the engine passes since = watermark - overlap.
        A `ledger_name` Oracle does not have is a configuration error here, before anything is read (it
        would otherwise read no line and succeed)."""
        if self.settings.ledger_name:
            self._ledger_named(self.settings.ledger_name)
        return journals.read_ledger_lines(
            self.session,
            self.layout,
            ledger_name=self.settings.ledger_name,
            since=since,
            until=until,
            page_size=self.settings.page_size,
            calendar=self.fiscal_calendar(),
            parallel=self.settings.read_parallel,
        )

    def estimate_lines(self, since: datetime | None = None) -> int:
        """About how many GL lines a read since `since` meets (one `totalResults` read of batches)."""
        return self.bulk.estimate_lines(since)

    def bulk_ledger_lines(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[LedgerLine | RejectedRecord]:
        """The lines `ledger_lines` yields, through one exportBulkData extract instead of page-by-page REST."""
        if self.settings.ledger_name:
            self._ledger_named(self.settings.ledger_name)
        return BulkRead(
            lambda token: self.bulk.lines(
                self.layout, ledger_name=self.settings.ledger_name, since=since, until=until, cancel=token
            )
        )

    def bulk_invoices(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[LedgerLine | RejectedRecord]:
        """The invoices `invoices` yields, through one exportBulkData extract (`bulk_invoice_job_name`)."""

        def read(token: CancelToken) -> Iterator[LedgerLine | RejectedRecord]:
            rows = self.bulk.table(
                self.settings.bulk_invoice_job_name,
                ledger_name=self.settings.ledger_name,
                since=since,
                until=until,
                what="supplier invoices",
                cancel=token,
            )
            return self._on_calendar(payables.bulk_invoices(rows, self.layout, self.settings.ledger_name))

        return BulkRead(read)

    def bulk_payments(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[LedgerLine | RejectedRecord]:
        """The payments `payments` yields, through one exportBulkData extract (`bulk_payment_job_name`)."""

        def read(token: CancelToken) -> Iterator[LedgerLine | RejectedRecord]:
            rows = self.bulk.table(
                self.settings.bulk_payment_job_name,
                ledger_name=self.settings.ledger_name,
                since=since,
                until=until,
                what="supplier payments",
                cancel=token,
            )
            return self._on_calendar(payables.bulk_payments(rows, self.settings.ledger_name))

        return BulkRead(read)

    def fiscal_calendar(self) -> LedgerCalendar | None:
        """The ledger's calendar when the connection reads periods from it (`calendar = "erp"`), else None."""
        if self.settings.calendar != "erp":
            return None
        if self._calendar is None:
            ledger = self._ledger_named(self.settings.ledger_name)
            self._calendar = read_calendar(self.session, ledger.get("LedgerId"), self.settings.page_size)
        return self._calendar

    def posting_day(self, period: str) -> date | None:
        """The first day of the ledger's fiscal period `period` ("YYYY-Pnn"), from its calendar
        (accountingPeriodStatusLOV StartDate); None without `calendar = "erp"` or for a period it lacks."""
        calendar = self.fiscal_calendar()
        fiscal = FiscalPeriod.parse(period)
        if calendar is None or fiscal is None:
            return None
        return next((start for start, _, p in calendar.spans if p == fiscal), None)

    def _on_calendar(self, records: Iterator[LedgerLine | RejectedRecord]) -> Iterator[LedgerLine | RejectedRecord]:
        """Invoices and payments carry a date, not a period name: on the ledger's calendar, the period
        whose dates hold it; a date outside every period is rejected, never guessed."""
        calendar = self.fiscal_calendar()
        for record in records:
            if calendar is None or not isinstance(record, LedgerLine):
                yield record
                continue
            period = calendar.period_on(record.posted_on)
            if period is None:
                yield RejectedRecord(
                    record.source,
                    record.source_key,
                    record.kind.value,
                    f"{record.posted_on} is in no period of the ledger's calendar",
                    "Check the accounting date in Oracle, or open the period in the ledger's calendar.",
                    {"period": record.period, "posted_on": str(record.posted_on)},
                    record.updated_at,
                )
                continue
            yield replace(record, period=str(period))

    def period_balances(self, periods: Collection[str]) -> dict[str, list[AccountBalance]] | None:
        """ledgerBalances of each period (see `_period_balances`): a month by its name "Mar-26", or with
        `calendar = "erp"` a fiscal period by the name the ledger's calendar gives it ("2026-P04" is "P04-26").
        None when a period has no name to ask for: "no balances to compare", never "zero"."""
        calendar = self.fiscal_calendar()
        names: dict[str, str] = {}
        for period in periods:
            fiscal = FiscalPeriod.parse(period)
            if fiscal is None and calendar is None:
                year, month = int(period[:4]), int(period[5:])
                names[period] = f"{MONTH_NAMES[month - 1]}-{year % 100:02d}"
            elif fiscal is not None and calendar is not None and fiscal in calendar.names:
                names[period] = calendar.names[fiscal]
            else:
                return None
        self._ledger_named(self.settings.ledger_name)  # once, before the periods are read at once
        periods_read = in_order(
            names.items(), lambda named: self._period_balances(*named), workers=self.settings.read_parallel
        )
        return {period: balances for (period, _name), balances in periods_read}

    def _period_balances(self, period: str, name: str) -> list[AccountBalance]:
        """ledgerBalances (AccountBalanceFinder, mode=Detail) of the period named `name`: the period activity of
        every account combination of the ledger, in its currency, by account and cost center."""
        ledger = self._ledger_named(self.settings.ledger_name)
        segments = max([self.layout.cost_center, self.layout.account, *self.fixed_segments])
        combination = self.layout.delimiter.join(["%"] * segments)
        finder = (
            f"AccountBalanceFinder;accountCombination={combination},accountingPeriod={name},"
            f"currency={ledger.get('CurrencyCode')},ledgerName={ledger.get('Name')},mode=Detail"
        )
        out: list[AccountBalance] = []
        params = {"finder": finder, "onlyData": "true"}
        for row in read_collection(self.session, "ledgerBalances", params, page_size=self.settings.page_size):
            try:
                account, cost_center = self.layout.split(str(row.get("DetailAccountCombination") or ""))
                amount = Decimal(str(row.get("PeriodActivity") or "0"))
            except (ValueError, ArithmeticError):
                continue  # a combination of another structure, or a figure that is no number: not comparable
            currency = str(row.get("Currency") or ledger.get("CurrencyCode") or "")
            out.append(AccountBalance(str(ledger.get("Name") or ""), period, account, cost_center, amount, currency))
        return out

    def period_statuses(self) -> dict[str, PeriodStatus]:
        """The General Ledger statuses of the ledger's periods (accountingPeriodStatusLOV), by "YYYY-MM" (or
        by fiscal period "YYYY-Pnn" with `calendar = "erp"`)."""
        calendar = self.fiscal_calendar()
        if calendar is not None:
            return {str(period): status for period, status in calendar.statuses.items()}
        ledger = self._ledger_named(self.settings.ledger_name)
        params = {"q": f"LedgerId={ledger.get('LedgerId')} and ApplicationId={GL_APPLICATION}", "onlyData": "true"}
        out: dict[str, PeriodStatus] = {}
        for row in read_collection(
            self.session, "accountingPeriodStatusLOV", params, page_size=self.settings.page_size
        ):
            period = period_from_name(row.get("PeriodNameId"))
            status = CLOSING_STATUS.get(str(row.get("ClosingStatus") or ""))
            if period and status and str(row.get("AdjustmentPeriodFlag") or "N") != "Y":
                out[period] = status
        return out

    def currency_rates(self, target: str, rate_type: str) -> list[CurrencyRate] | None:
        """General Ledger daily rates into `target` of the user conversion type `rate_type` (currencyRates)."""
        return read_rates(self.session, target, rate_type, self.settings.page_size)

    def hierarchy(self, dimension: str) -> Hierarchy | None:
        """The account or cost center tree the connection names (account_tree, cost_center_tree), if any."""
        return coa.read_hierarchy(self.session, self.settings, dimension)

    def invoices(self, since: datetime | None = None) -> Iterator[LedgerLine | RejectedRecord]:
        """Supplier invoices updated since `since`, as ledger lines of kind `invoice`."""
        return self._on_calendar(
            payables.read_invoices(self.session, self.layout, self.settings.ledger_name, since, self.settings.page_size)
        )

    def payments(self, since: datetime | None = None) -> Iterator[LedgerLine | RejectedRecord]:
        """Supplier payments updated since `since`, as ledger lines of kind `payment`."""
        return self._on_calendar(
            payables.read_payments(self.session, self.settings.ledger_name, since, self.settings.page_size)
        )

    def accounts(self) -> Iterator[Account]:
        """Natural account segment values (the account value set)."""
        return coa.read_accounts(self.session, self.settings)

    def cost_centers(self) -> Iterator[CostCenter]:
        """Cost center segment values (the cost center value set)."""
        return coa.read_cost_centers(self.session, self.settings)

    def suppliers(self) -> Iterator[Supplier]:
        """Every supplier, as canonical records."""
        return read_suppliers(self.session, self.settings.page_size)

    # -- writes ---------------------------------------------------------------------------------------

    def find_journal(self, reference: str) -> str | None:
        """The JeBatchId of the journal batch imported with `reference`, or None."""
        return self.poster.find(reference)

    def post_journal(self, journal: JournalDraft, submits: SubmitLog | None = None) -> PostResult:
        """Import the journal for review unless one with its reference exists; wait for the ESS job.

        With `submits`, the import is remembered before it is submitted (and its ESS request id once known),
        and an import an earlier run submitted is resolved first: its job is waited for, or, when its answer
        was lost, the journal is looked for until it appears. Only a job that ended without the journal lets
        it be submitted again, so a run that dies after the submit never leads to a second journal."""
        reference = posting.check_reference(journal.reference)
        existing = self.poster.find(reference)
        if existing is not None:
            return PostResult(reference, existing, created=False)
        if submits is not None:
            found = self._resolve_earlier_submit(reference, submits)
            if found is not None:
                return PostResult(reference, found, created=True)
        if not journal.lines:
            raise ConfigurationError(f"journal {reference} has no lines")
        ledger = self._ledger_named(journal.ledger or self.settings.ledger_name)
        rows = posting.interface_rows(
            journal,
            ledger_id=int(ledger["LedgerId"]),
            source=self.journal_source,
            category=self.journal_category,
            layout_positions=self._fixed_segments(),
            cost_center_segment=self.layout.cost_center,
            account_segment=self.layout.account,
            now=posting.now_utc(),
        )
        body = posting.import_request(
            posting.zipped_csv(rows),
            source=self.journal_source,
            ledger_id=int(ledger["LedgerId"]),
            group=posting.group_id(reference),
        )
        if submits is not None:
            submits.submitting(reference)
        request_id = self.poster.submit(body, reference)
        failpoint("oracle.after_submit")
        if request_id.startswith("journal:"):
            return PostResult(reference, request_id.removeprefix("journal:"), created=True)
        if submits is not None:
            submits.submitted(reference, request_id)
        status = self.poster.wait(request_id)
        failpoint("oracle.after_import_job")
        found = self.poster.find(reference)
        if found is None:
            if submits is not None:
                submits.forget(reference)
            raise self.poster.failure(request_id, status, reference)
        return PostResult(reference, found, created=True)

    def post_budget(self, budget: BudgetDraft, submits: SubmitLog | None = None) -> PostResult:
        """Load the period's budget amounts (GL_BUDGET_INTERFACE through erpintegrations) and wait for the job.

        A load an earlier run submitted is waited for first; since a load replaces amounts, submitting the same
        figures again after a lost answer is harmless."""
        reference = posting.check_reference(budget.reference)
        if not budget.lines:
            raise ConfigurationError(f"budget load {reference} has no lines")
        if submits is not None:
            earlier = submits.submitted_request(reference)
            if earlier:
                status = self.poster.wait(earlier)
                if status in posting.TERMINAL_OK:
                    return PostResult(reference, earlier, created=True)
        ledger = self._ledger_named(budget.ledger or self.settings.ledger_name)
        rows = budgets.budget_rows(
            budget,
            ledger_id=int(ledger["LedgerId"]),
            layout_positions=self._fixed_segments(),
            cost_center_segment=self.layout.cost_center,
            account_segment=self.layout.account,
        )
        body = budgets.budget_request(
            posting.zipped_csv(rows, "GlBudgetInterface.csv"), self.settings.budget_import_process
        )
        if submits is not None:
            submits.submitting(reference)
        response = self.poster.session.request("POST", "erpintegrations", safe_to_repeat=False, json=body)
        request_id = str(response.json()["ReqstId"])
        if submits is not None:
            submits.submitted(reference, request_id)
        status = self.poster.wait(request_id)
        if status not in posting.TERMINAL_OK:
            if submits is not None:
                submits.forget(reference)
            log = " ".join(self.poster.log(request_id).split())[:800]
            raise BudgetLoadError(f"Oracle budget load {request_id} for {reference} ended {status}: {log}")
        return PostResult(reference, request_id, created=True)

    def _resolve_earlier_submit(self, reference: str, submits: SubmitLog) -> str | None:
        """The journal an earlier run's import created, once its job ended; None when it may be submitted."""
        request_id = submits.submitted_request(reference)
        if request_id is None:
            return None
        if request_id:
            self.poster.wait(request_id)  # still running after the timeout: JournalImportPendingError, try later
            found = self.poster.find(reference)
        else:
            # The submit's answer was lost: the job may exist. Give it the time a lost answer gets.
            found = self.poster.wait_for_journal(reference, self.poster.lost_answer_seconds)
        if found is None:
            submits.forget(reference)
        return found

    def upsert_suppliers(self, suppliers: Iterable[Supplier]) -> Iterator[SupplierWriteResult]:
        """Upsert in all-or-none batches; a failing supplier is reported and the rest of its batch retried."""
        existing = {s.number for s in self.suppliers()}
        writer = SupplierWriter(
            self.session, self.settings.rest_root, self.settings.supplier_batch_size, existing, posting.now_utc().date()
        )
        return self._with_site_terms(writer, suppliers)

    def _with_site_terms(self, writer: SupplierWriter, suppliers: Iterable[Supplier]) -> Iterator[SupplierWriteResult]:
        """The writer's results, with each upserted supplier's payment terms put on its sites."""
        sent: dict[str, Supplier] = {}

        def remember(items: Iterable[Supplier]) -> Iterator[Supplier]:
            for supplier in items:
                sent[supplier.number] = supplier
                yield supplier

        for result in writer.write(remember(suppliers)):
            supplier = sent.get(result.number)
            if result.ok and supplier is not None and (supplier.payment_terms or supplier.address):
                try:
                    note = complete_supplier(
                        self.session,
                        supplier,
                        site_bu=self.settings.supplier_site_bu,
                        page_size=self.settings.page_size,
                    )
                except ApiError as exc:
                    note = f"address and payment terms not set: {exc}"
                if note:
                    result = SupplierWriteResult(result.number, ok=True, action=f"{result.action}; {note}")
            yield result

    # -- helpers ----------------------------------------------------------------------------------------

    def _ledgers(self) -> list[dict[str, Any]]:
        return list(
            read_collection(self.session, "ledgersLOV", {"onlyData": "true"}, page_size=self.settings.page_size)
        )

    def _ledger_named(self, name: str) -> dict[str, Any]:
        if self._ledger is not None and self._ledger.get("Name") == name:
            return self._ledger
        ledgers = self._ledgers()
        for ledger in ledgers:
            if not name or ledger.get("Name") == name:
                self._ledger = ledger
                return ledger
        known = ", ".join(str(x.get("Name")) for x in ledgers) or "none"
        raise ConfigurationError(
            f"Oracle has no ledger named {name!r} (visible: {known})",
            hint="Set ledger_name on the Oracle connection to one listed by `ml-connector discover`.",
        )

    def _fixed_segments(self) -> dict[int, str]:
        needed = max(self.layout.cost_center, self.layout.account)
        fixed = {
            p: v for p, v in self.fixed_segments.items() if p not in (self.layout.cost_center, self.layout.account)
        }
        missing = [
            p
            for p in range(1, needed + 1)
            if p not in fixed and p not in (self.layout.cost_center, self.layout.account)
        ]
        if missing:
            raise ConfigurationError(
                f"posting a journal needs values for segment(s) {missing} of the account combination",
                hint="Pass fixed_segments (e.g. the company segment) for the Oracle connection.",
            )
        return fixed
