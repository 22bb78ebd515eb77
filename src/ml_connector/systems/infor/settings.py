"""`InforSettings`: one Infor CloudSuite connection (the `.ionapi` credentials plus product-line options).

Validated before any network call, listing every problem at once:

    InforSettings(credentials=IonApiCredentials.from_file("acme.ionapi"), product="m3", company="100",
                  division="US1")
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import ConfigDict, Field, ValidationError, model_validator

from ml_connector.errors import ConfigurationError
from ml_connector.http.retry import RetrySettings
from ml_connector.systems.infor.ionapi import IonApiCredentials

INFOR_CLOUD_SUFFIX = ".inforcloudsuite.com"


class ProductLine(StrEnum):
    M3 = "m3"  # CloudSuite Industrial Enterprise: MI programs
    CSI = "csi"  # CloudSuite Industrial (SyteLine): Mongoose IDOs
    FSM = "fsm"  # CloudSuite Financials (Landmark)


class InforSettings(RetrySettings):
    """One Infor connection (with the retry options of `RetrySettings`). Secrets live in `credentials`
    (`SecretStr`), never in the plain fields."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, extra="forbid")

    credentials: IonApiCredentials
    product: ProductLine
    name: str = "infor"
    # M3: company (CONO) is required; division (DIVI) is where journals are posted and, when set, the only
    # division read. `divisions` names the ones read (GL lines, invoices, payments, balances, rates) when no
    # `division` is set; without either, GL lines and invoices of every division are read. Each is checked
    # against M3 (MNS100MI).
    company: str = ""
    division: str = ""
    divisions: tuple[str, ...] = ()
    # "months": a line's period is the calendar month of its accounting date; "erp": the ERP's own fiscal
    # period ("YYYY-Pnn"): M3's accounting period ACYP (YYYYPP), for 4-4-5 and 13-period calendars.
    calendar: Literal["months", "erp"] = "months"
    # CSI: the Mongoose configuration (X-Infor-MongooseConfig), typically {TENANT}_{SITE}.
    mongoose_config: str = ""
    csi_site: str = ""
    # CSI has no budget object plan-return can write, so plan figures go to a journal of their own (SLJournals
    # Id): once a reviewer posts it, its ledger rows carry it as FromId and actuals readers skip them.
    # ASSUMPTION: a journal named PLAN exists (made in CSI's Journals form); name another one here.
    csi_plan_journal: str = "PLAN"
    # FSM: finance enterprise group and accounting entity for journals.
    fsm_enterprise_group: str = "1"
    fsm_accounting_entity: str = ""
    # FSM has no budget business class either: plan journals carry a source system code of their own (the
    # documented GLTransactionDetail `System` field, set on each GLTransactionInterface record), and actuals
    # readers skip every GL line of that system, whoever journalized it.
    # ASSUMPTION: a system code PL exists for plan journals (FSM system codes are two letters: GL, AP, CB...);
    # name another one here, or "" to mark plan journals by their reference only.
    fsm_plan_system: str = "PL"
    # M3 journals: False leaves each GLS840MI batch validated in the interface file for a person to review and
    # update (GLS840 option 9); True also runs UpdBatch, so the figures land in the GL at once.
    m3_update_batch: bool = False
    m3_budget_number: str = "1"  # BUS100MI BUNO: the budget plan-return loads into with post_as = "budget"
    # GLS215MI BAKY: the balance key over accounting dimensions 1 (account) and 2 (cost center) that the
    # ledger check compares the lines read with.
    m3_balance_key: str = "1"
    # The AP account given to invoice lines when the source names none (M3 APS200MI and FSM invoices).
    ap_account: str = "2000"
    # The earliest accounting date read by M3 date-window lists (GLS200MI needs FRDT/TODT).
    history_from: date = date(2000, 1, 1)
    page_size: int = Field(500, ge=1, le=10_000)
    # Rows per Data Lake result call (extract = "bulk"); Compass pages hold at most 100,000 rows (10 MB).
    lake_page_rows: int = Field(50_000, ge=1, le=100_000)
    requests_per_minute: int = Field(600, ge=1)
    # Password grant needs the service-account keys; client credentials works with the app alone.
    grant: str = "password"
    # Emulators run on localhost; without this only https URLs on *.inforcloudsuite.com are accepted.
    allow_any_url: bool = False

    @model_validator(mode="after")
    def _check(self) -> InforSettings:
        problems = settings_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def tenant_key(self) -> str:
        """The budget key: one budget per Infor tenant, shared by every connection to it."""
        return f"infor:{self.credentials.tenant}"

    @classmethod
    def build(cls, **values: Any) -> InforSettings:
        """Like the constructor, but a `ConfigurationError` listing every problem instead of pydantic's."""
        try:
            return cls(**values)
        except ValidationError as exc:
            lines = []
            for error in exc.errors():
                where = ".".join(str(p) for p in error["loc"]) or "settings"
                message = error["msg"].removeprefix("Value error, ")
                lines.append(f"{where}: {message}")
            raise ConfigurationError(
                "Infor connection settings are not valid: " + "; ".join(lines),
                hint="Fix the named fields in the connection's configuration.",
            ) from None


def settings_problems(s: InforSettings) -> list[str]:
    """Every problem with a connection's settings, each naming the field and what to do."""
    problems = []
    if s.grant not in ("password", "client_credentials"):
        problems.append("grant must be 'password' or 'client_credentials'")
    if s.grant == "password" and not s.credentials.has_service_account:
        problems.append(
            "grant 'password' needs the service account keys (saak, sask) in the .ionapi file; "
            "download it with 'Create Service Account' ticked, or set grant = 'client_credentials'"
        )
    if s.product is ProductLine.M3 and not s.company.strip().isdigit():
        problems.append("company must be the M3 company number (CONO), e.g. '100'")
    if s.product is ProductLine.CSI and not s.mongoose_config.strip():
        problems.append("mongoose_config must name the Mongoose configuration, e.g. 'ACME_PRD_SITE1'")
    if not s.allow_any_url:
        for field, url in (("iu", s.credentials.gateway_url), ("pu", s.credentials.auth_url)):
            parts = urlsplit(url)
            host = parts.hostname or ""
            if parts.scheme != "https" or not host.endswith(INFOR_CLOUD_SUFFIX):
                problems.append(
                    f".ionapi field '{field}' must be an https URL on *{INFOR_CLOUD_SUFFIX} "
                    "(set allow_any_url for an emulator or a private gateway)"
                )
    return problems
