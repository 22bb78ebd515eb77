"""`InforClient`: the Infor CloudSuite connection the flows use, one facade over M3, CSI and FSM.

    client = InforClient(settings)             # settings: InforSettings
    client.ping()                              # "Infor M3 company 100: ..."
    for line in client.ledger_lines(since=watermark - overlap):
        ...                                    # LedgerLine or RejectedRecord
    client.post_journal(draft)                 # looked up by draft.reference first

Every request goes through one `ApiSession` on `iu/ti` with the tenant's shared budget and retry; the
token comes from one kept `InforAuth` per client.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from ml_connector.errors import ConfigurationError
from ml_connector.http import ApiSession, BudgetRegistry, Redactor, Traffic, make_client
from ml_connector.http.cancel import BulkRead, CancelToken
from ml_connector.records import (
    Account,
    AccountBalance,
    BudgetDraft,
    CostCenter,
    CurrencyRate,
    Hierarchy,
    JournalDraft,
    LedgerLine,
    PeriodStatus,
    PostResult,
    RejectedRecord,
    Supplier,
    SupplierWriteResult,
)
from ml_connector.systems.infor.auth import InforAuth
from ml_connector.systems.infor.csi import CsiLines
from ml_connector.systems.infor.datalake import CompassQuery
from ml_connector.systems.infor.errors import SYSTEM
from ml_connector.systems.infor.fsm import FsmLines
from ml_connector.systems.infor.lake_lines import lake_invoices, lake_ledger_lines, lake_payments
from ml_connector.systems.infor.m3 import M3Lines
from ml_connector.systems.infor.settings import InforSettings, ProductLine

if TYPE_CHECKING:
    from ml_connector.ports import SubmitLog


class ProductLineStrategy(Protocol):
    """What each product line (M3, CSI, FSM) does behind the facade."""

    def ping(self) -> str: ...

    def discover(self) -> dict[str, Any]: ...

    def ledger_lines(self, since: datetime | None, until: datetime | None) -> Iterator[LedgerLine | RejectedRecord]: ...

    def invoices(self, since: datetime | None) -> Iterator[LedgerLine | RejectedRecord]: ...

    def payments(self, since: datetime | None) -> Iterator[LedgerLine | RejectedRecord]: ...

    def accounts(self) -> Iterator[Account]: ...

    def cost_centers(self) -> Iterator[CostCenter]: ...

    def suppliers(self) -> Iterator[Supplier]: ...

    def find_journal(self, reference: str) -> str | None: ...

    def post_journal(self, draft: JournalDraft) -> PostResult: ...

    def upsert_suppliers(self, suppliers: Iterable[Supplier]) -> Iterator[SupplierWriteResult]: ...


STRATEGIES: dict[ProductLine, type[M3Lines] | type[CsiLines] | type[FsmLines]] = {
    ProductLine.M3: M3Lines,
    ProductLine.CSI: CsiLines,
    ProductLine.FSM: FsmLines,
}


class InforClient:
    """An Infor CloudSuite connection; implements `ml_connector.ports.ErpClient` for M3, CSI and FSM.

    `transport` swaps the network for tests; the retry patience is the settings' (`retry_*`).
    `budgets` and `redactor` come from the composition root (`ml_connector.root`), or the client keeps
    its own.
    """

    system = SYSTEM
    bulk_route = "one Data Lake (Compass) query"  # ports.BulkLedger: a copy of the ERP, minutes behind it
    bulk_lags = True

    def __init__(
        self,
        settings: InforSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        budgets: BudgetRegistry | None = None,
        redactor: Redactor | None = None,
        traffic: Traffic | None = None,
    ) -> None:
        self.settings = settings
        self.redactor = redactor if redactor is not None else Redactor()
        registry = budgets if budgets is not None else BudgetRegistry()
        budget = registry.get(settings.tenant_key, settings.requests_per_minute)
        # One httpx client for the authorization server and the gateway (connections are pooled per host).
        http = make_client(transport=transport)
        policy = settings.retry_policy
        auth_session = ApiSession(
            SYSTEM,
            settings.credentials.auth_url,
            budget=budget,
            policy=policy,
            client=http,
            redactor=self.redactor,
            traffic=traffic,
        )
        self.auth = InforAuth(settings.credentials, auth_session, grant=settings.grant)
        self.session = ApiSession(
            SYSTEM,
            settings.credentials.api_base,
            auth=self.auth,
            budget=budget,
            policy=policy,
            client=http,
            redactor=self.redactor,
            traffic=traffic,
        )
        self.line: ProductLineStrategy = STRATEGIES[settings.product](settings, self.session)

    @property
    def product(self) -> ProductLine:
        return self.settings.product

    def ping(self) -> str:
        """Log in (or reuse the kept token) and read one account."""
        return self.line.ping()

    def discover(self) -> dict[str, Any]:
        """Companies, divisions or configurations, and ledgers of the connection."""
        return {"system": SYSTEM, "tenant": self.settings.credentials.tenant} | self.line.discover()

    def ledger_lines(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[LedgerLine | RejectedRecord]:
        """GL lines changed in [since, until), as `LedgerLine`s of kind gl (bad rows as `RejectedRecord`)."""
        return self.line.ledger_lines(since, until)

    def bulk_ledger_lines(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[LedgerLine | RejectedRecord]:
        """The same GL lines as `ledger_lines`, read with one Data Lake (Compass) query instead of the ERP's API.

        The lake holds what the ERP posted some minutes ago: the caller reads behind its watermark to cover that.
        """
        return BulkRead(lambda token: lake_ledger_lines(self.settings, self._compass(token).rows, since, until))

    def _compass(self, token: CancelToken) -> CompassQuery:
        """One query's reader; the run cancels its job through `token` when it stops (`http.cancel`)."""
        return CompassQuery(self.session, page_rows=self.settings.lake_page_rows, cancel=token)

    bulk_payables = True  # ports.BulkPayables: the lake has every product line's AP tables (`lake_lines`)

    def bulk_invoices(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[LedgerLine | RejectedRecord]:
        """The invoices `invoices` yields, from one Compass query (M3 FPLEDG, CSI aptrxp, FSM PayablesInvoice)."""
        return BulkRead(lambda token: lake_invoices(self.settings, self._compass(token).rows, since, until))

    def bulk_payments(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[LedgerLine | RejectedRecord]:
        """The payments `payments` yields, from one Compass query (M3 FPLEDG, CSI appmt, FSM CashLedgerPayment)."""
        return BulkRead(lambda token: lake_payments(self.settings, self._compass(token).rows, since, until))

    def period_balances(self, periods: Collection[str]) -> dict[str, list[AccountBalance]] | None:
        """M3: GLS215MI balances by account and cost center (`m3_balances`), by calendar month or, with
        `calendar = "erp"`, by the division's fiscal period number. CSI and FSM balance objects are not in the
        notes: None."""
        if isinstance(self.line, M3Lines):
            return self.line.period_balances(periods)
        return None

    def currency_rates(self, target: str, rate_type: str) -> list[CurrencyRate] | None:
        """M3: CRS055MI LstRatesPerType (`m3_rates`), `rate_type` being M3's numeric rate type (CRTP). CSI: the
        site's SLCurrates (`csi_rates`), `rate_type` Buy or Sell.
        ASSUMPTION: FSM's rate business class is not in the notes: None (a flow takes a rates_file)."""
        if isinstance(self.line, M3Lines | CsiLines):
            return self.line.currency_rates(target, rate_type)
        return None

    def posting_day(self, period: str) -> date | None:
        """M3: a day the division's calendar places in the fiscal period (`m3_periods`).

        ASSUMPTION: CSI and FSM fiscal-period dates are not in the notes, so none is claimed (their plan figures
        for fiscal periods wait, quarantined with the reason)."""
        if isinstance(self.line, M3Lines):
            return self.line.posting_day(period)
        return None

    def hierarchy(self, dimension: str) -> Hierarchy | None:
        # ASSUMPTION: not read. M3's CRS630MI gives an account group (AICL) but no program lists the groups'
        # names or levels, and AICL is read as the account class of the sign rule; CSI's chart IDOs (SLCharts,
        # SLChartAlls, SLChartBps) carry no parent or group property; FSM shows no grouping business class.
        # A reference flow takes the parents from its parents_file.
        return None

    def period_statuses(self) -> dict[str, PeriodStatus]:
        # ASSUMPTION: the API notes document no period-status read for M3 (no GLS/CRS period program),
        # CSI or FSM, so none is claimed: a flow with periods = "closed" refuses an Infor source.
        return {}

    def invoices(self, since: datetime | None = None) -> Iterator[LedgerLine | RejectedRecord]:
        return self.line.invoices(since)

    def payments(self, since: datetime | None = None) -> Iterator[LedgerLine | RejectedRecord]:
        return self.line.payments(since)

    def accounts(self) -> Iterator[Account]:
        return self.line.accounts()

    def cost_centers(self) -> Iterator[CostCenter]:
        return self.line.cost_centers()

    def suppliers(self) -> Iterator[Supplier]:
        return self.line.suppliers()

    def find_journal(self, reference: str) -> str | None:
        return self.line.find_journal(reference)

    def post_journal(self, journal: JournalDraft, submits: SubmitLog | None = None) -> PostResult:
        """Post for review unless a journal with `journal.reference` exists (then `created=False`).

        Every Infor journal write takes effect before its answer (M3 and FSM transactions, CSI IDO updates), so
        a lost answer is settled by looking the reference up again (`journals.post_once`); `submits` is not needed.
        """
        return self.line.post_journal(journal)

    # ASSUMPTION: M3 CRS620MI, CSI SLVendors and FSM keep supplier numbers unique, not names.
    supplier_names_unique = False

    def post_budget(self, budget: BudgetDraft, submits: SubmitLog | None = None) -> PostResult:
        """M3: the budget lines of BUS100MI (`m3_budgets`). CSI and FSM budget objects are not in the notes, so
        there plan figures go as journals for review."""
        if not isinstance(self.line, M3Lines):
            raise ConfigurationError(
                f"plan-return cannot load budgets into Infor {self.settings.product.value.upper()}",
                hint='Set post_as = "journal" on the plan-return flow: the figures are posted as journals for review.',
            )
        return self.line.post_budget(budget)

    def upsert_suppliers(self, suppliers: Iterable[Supplier]) -> Iterator[SupplierWriteResult]:
        return self.line.upsert_suppliers(suppliers)

    def close(self) -> None:
        """Revoke the refresh token (best effort) and close the connections."""
        try:
            self.auth.revoke()
        finally:
            self.session.close()

    def __enter__(self) -> InforClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
