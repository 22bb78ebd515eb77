"""`OracleSettings`: one Oracle Fusion Cloud ERP connection, validated before any network call."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import ConfigDict, Field, SecretStr, ValidationError, model_validator

from ml_connector.errors import ConfigurationError
from ml_connector.http.retry import RetrySettings

# https://<servername>.fa.<dc>.oraclecloud.com (optionally .fa.ocs. or with -test/-dev pod suffixes).
POD_HOST = re.compile(r"^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*\.fa\.([a-z0-9-]+\.)*oraclecloud\.com$")
API_VERSION = "11.13.18.05"


class AuthKind(StrEnum):
    BASIC = "basic"
    OAUTH = "oauth"


class OracleSettings(RetrySettings):
    """A connection to one Fusion pod (with the retry options of `RetrySettings`). Secrets are `SecretStr`;
    `allow_any_url` admits emulators and proxies.

    Example::

        OracleSettings(pod_url="https://acme.fa.em2.oraclecloud.com", auth="basic",
                       user="INTEGRATION", password="...", ledger_name="Acme EU Ledger")
    """

    # hide_input_in_errors: pydantic would otherwise print the raw input, password included, in its error.
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    pod_url: str
    auth: AuthKind = AuthKind.BASIC
    user: str = ""
    password: SecretStr = SecretStr("")
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    token_url: str = ""
    scope: str = ""
    ledger_name: str = ""
    # "months": a line's period is the calendar month of its period name (Mon-YY) or accounting date;
    # "erp": the ledger's own fiscal period ("YYYY-Pnn", accountingPeriodStatusLOV), for 4-4-5 and
    # 13-period calendars.
    calendar: Literal["months", "erp"] = "months"
    # ASSUMPTION: the documented REST resources do not expose the chart of accounts' structure
    # (segment order, delimiter, qualifiers), so these default to the common Company-CostCenter-Account
    # layout and are set per connection when the structure differs.
    segment_delimiter: str = "-"
    cost_center_segment: int = Field(default=2, ge=1, le=30)
    account_segment: int = Field(default=3, ge=1, le=30)
    # Segment values a posted journal line needs besides cost center and account (e.g. {1: "300"} for the
    # company), by 1-based position.
    fixed_segments: dict[int, str] = Field(default_factory=dict)
    journal_source: str = "Spreadsheet"
    journal_category: str = "Adjustment"
    # The import process code of Validate and Upload Budgets, passed to the interface loader (budget route).
    budget_import_process: str = "GlBudgetInterface"
    # The procurement BU a supplier site is made in when suppliers-return gives a supplier its first site.
    supplier_site_bu: str = ""
    cost_center_value_set: str = ""
    account_value_set: str = ""
    # The account hierarchies (trees of the GL_ACCT_FLEX tree structure, by TreeCode) whose parents the
    # reference flow sends to Anaplan; empty: no hierarchy read. With several versions, tree_version picks one.
    account_tree: str = ""
    cost_center_tree: str = ""
    tree_version: str = ""
    requests_per_minute: int = Field(default=600, ge=1)
    page_size: int = Field(default=499, ge=1, le=500)
    # GETs sent at once while reading journals (the next batches' headers, the next journals' lines):
    # Oracle answers requests in parallel, so its time per request overlaps with ours. 1: one at a time.
    read_parallel: int = Field(default=4, ge=1, le=16)
    supplier_batch_size: int = Field(default=50, ge=1, le=500)
    ess_poll_seconds: float = Field(default=2.0, gt=0)
    ess_timeout_seconds: float = Field(default=1800.0, gt=0)
    # extract = "bulk": the ESS job (BI Publisher report) exportBulkData runs for journal lines, and how
    # many times a failed job or a broken download is tried in all.
    bulk_job_name: str = "/oracle/apps/ess/custom/mlconnector,JournalLinesExtract"
    # ... and for supplier invoices and payments (same arguments: ledger, updated from, updated before).
    bulk_invoice_job_name: str = "/oracle/apps/ess/custom/mlconnector,InvoicesExtract"
    bulk_payment_job_name: str = "/oracle/apps/ess/custom/mlconnector,PaymentsExtract"
    bulk_attempts: int = Field(default=3, ge=1, le=10)
    allow_any_url: bool = False

    @model_validator(mode="after")
    def _check(self) -> OracleSettings:
        problems = check_settings(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def rest_root(self) -> str:
        """`https://<pod>/fscmRestApi/resources/11.13.18.05`."""
        return f"{self.pod_url.rstrip('/')}/fscmRestApi/resources/{API_VERSION}"

    @property
    def tenant_key(self) -> str:
        """The budget key: one request budget per pod, shared by every flow that talks to it."""
        return f"oracle:{urlsplit(self.pod_url).netloc.lower()}"

    @classmethod
    def parse(cls, data: dict[str, object]) -> OracleSettings:
        """Validate `data`, raising `ConfigurationError` that lists every problem at once."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            lines = []
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"]) or "oracle connection"
                lines.append(f"{where}: {err['msg'].removeprefix('Value error, ')}")
            if not any(not err["loc"] for err in exc.errors()):
                # A field error stops pydantic before the cross-field checks; run them too, so the user
                # sees every problem in one go.
                lines.extend(_raw_problems(cls, data))
            raise ConfigurationError(
                "Oracle connection settings are invalid: " + "; ".join(lines),
                hint="Correct the fields named above in the connection's configuration.",
            ) from None


def _raw_problems(cls: type[OracleSettings], data: dict[str, object]) -> list[str]:
    raw: dict[str, Any] = {k: v for k, v in data.items() if k in cls.model_fields}
    for secret in ("password", "client_secret"):
        if isinstance(raw.get(secret), str):
            raw[secret] = SecretStr(str(raw[secret]))
    if isinstance(raw.get("auth"), str) and raw["auth"] in {k.value for k in AuthKind}:
        raw["auth"] = AuthKind(str(raw["auth"]))
    try:
        return check_settings(cls.model_construct(**raw))
    except (AttributeError, TypeError, ValueError):
        return []


def check_pod_url(url: str, *, allow_any_url: bool) -> str | None:
    """None when `url` is acceptable as a pod URL, else what is wrong and what to do."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return f"pod_url {url!r} is not a URL; use https://<servername>.fa.<dc>.oraclecloud.com"
    if allow_any_url:
        return None
    if parts.scheme != "https":
        return "pod_url must use https (set allow_any_url for an emulator or proxy)"
    host = (parts.hostname or "").lower()
    if not POD_HOST.match(host):
        return (
            f"pod_url host {host!r} is not an Oracle Fusion pod (<servername>.fa.<dc>.oraclecloud.com); "
            "set allow_any_url for an emulator or proxy"
        )
    if parts.path.strip("/") or parts.query:
        return "pod_url must be the pod root only (no /fscmRestApi/... path or query)"
    return None


def check_settings(s: OracleSettings) -> list[str]:
    """Every problem with a connection, so the user fixes them in one go."""
    problems = []
    url_problem = check_pod_url(s.pod_url, allow_any_url=s.allow_any_url)
    if url_problem:
        problems.append(url_problem)
    if s.auth is AuthKind.BASIC:
        if not s.user or not s.password.get_secret_value():
            problems.append("basic auth needs user and password")
    else:
        if not s.client_id or not s.client_secret.get_secret_value():
            problems.append("oauth needs client_id and client_secret (the IDCS confidential application)")
        if not s.token_url:
            problems.append("oauth needs token_url (https://idcs-<id>.identity.oraclecloud.com/oauth2/v1/token)")
        elif not s.allow_any_url and urlsplit(s.token_url).scheme != "https":
            problems.append("token_url must use https")
        if not s.scope:
            problems.append("oauth needs scope (urn:opc:resource:fa:instanceid=<N>urn:opc:resource:consumer::all)")
    if s.cost_center_segment == s.account_segment:
        problems.append("cost_center_segment and account_segment must name different segments")
    if not s.segment_delimiter:
        problems.append("segment_delimiter must not be empty")
    return problems
