"""`OracleClient`: the Oracle Fusion Cloud ERP as the flows see it (`ml_connector.ports.ErpClient`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from ml_connector.errors import ConfigurationError
from ml_connector.failpoints import failpoint
from ml_connector.http import ApiSession, BudgetRegistry, Redactor
from ml_connector.records import (
    Account,
    CostCenter,
    JournalDraft,
    LedgerLine,
    PostResult,
    RejectedRecord,
    Supplier,
    SupplierWriteResult,
)
from ml_connector.systems.oracle import coa, journals, payables, posting
from ml_connector.systems.oracle.auth import authenticator_for
from ml_connector.systems.oracle.coa import SegmentLayout
from ml_connector.systems.oracle.paging import read_collection
from ml_connector.systems.oracle.settings import OracleSettings
from ml_connector.systems.oracle.suppliers import SupplierWriter, read_suppliers


class OracleClient:
    """One Oracle Fusion connection: reads actuals and reference data, posts journals, upserts suppliers.

    Every request goes through `ApiSession` with the pod's shared budget; `budgets` and `redactor` come
    from the composition root (`ml_connector.root`), or the client keeps its own. Example::

        with OracleClient(settings) as oracle:
            for line in oracle.ledger_lines(since=watermark - overlap):
                ...
    """

    system = "oracle"

    def __init__(
        self,
        settings: OracleSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        budgets: BudgetRegistry | None = None,
        redactor: Redactor | None = None,
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
        )
        self.layout = SegmentLayout.of(settings)
        self.journal_source = settings.journal_source
        self.journal_category = settings.journal_category
        self.fixed_segments = dict(settings.fixed_segments)
        self.poster = posting.JournalPoster(
            self.session, poll_seconds=settings.ess_poll_seconds, timeout_seconds=settings.ess_timeout_seconds
        )
        self._ledger: dict[str, Any] | None = None

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
        """GL lines of posted journals updated in [since, until); the engine passes since = watermark - overlap."""
        return journals.read_ledger_lines(
            self.session,
            self.layout,
            ledger_name=self.settings.ledger_name,
            since=since,
            until=until,
            page_size=self.settings.page_size,
        )

    def invoices(self, since: datetime | None = None) -> Iterator[LedgerLine | RejectedRecord]:
        """Supplier invoices updated since `since`, as ledger lines of kind `invoice`."""
        return payables.read_invoices(
            self.session, self.layout, self.settings.ledger_name, since, self.settings.page_size
        )

    def payments(self, since: datetime | None = None) -> Iterator[LedgerLine | RejectedRecord]:
        """Supplier payments updated since `since`, as ledger lines of kind `payment`."""
        return payables.read_payments(self.session, self.settings.ledger_name, since, self.settings.page_size)

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

    def post_journal(self, journal: JournalDraft) -> PostResult:
        """Import the journal for review unless one with its reference exists; wait for the ESS job."""
        reference = posting.check_reference(journal.reference)
        existing = self.poster.find(reference)
        if existing is not None:
            return PostResult(reference, existing, created=False)
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
        request_id = self.poster.submit(body, reference)
        failpoint("oracle.after_submit")
        if request_id.startswith("journal:"):
            return PostResult(reference, request_id.removeprefix("journal:"), created=True)
        status = self.poster.wait(request_id)
        failpoint("oracle.after_import_job")
        found = self.poster.find(reference)
        if found is None:
            raise self.poster.failure(request_id, status, reference)
        return PostResult(reference, found, created=True)

    def upsert_suppliers(self, suppliers: Iterable[Supplier]) -> Iterator[SupplierWriteResult]:
        """Upsert in all-or-none batches; a failing supplier is reported and the rest of its batch retried."""
        existing = {s.number for s in self.suppliers()}
        writer = SupplierWriter(
            self.session, self.settings.rest_root, self.settings.supplier_batch_size, existing, posting.now_utc().date()
        )
        return writer.write(suppliers)

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
