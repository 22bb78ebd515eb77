"""Configuration: a TOML file plus environment variables, validated before any network call.

Every problem is reported at once, each with its place in the file (`flows.actuals.source: ...`).
Secrets never live here: they are in the vault (`ml-connector connection add`).

Environment: `ML_CONNECTOR_CONFIG` (the file; `--config` wins), `ML_CONNECTOR_STORE_URL` (overrides
`[store] url`), `ML_CONNECTOR_LEASE_TTL_SECONDS` (overrides `[store] lease_ttl_seconds`), `ML_CONNECTOR_KEY`
(the vault key, instead of the key file).
"""

from __future__ import annotations

import csv
import io
import tomllib
from datetime import UTC
from pathlib import Path
from typing import Any, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ml_connector.errors import ConfigurationError
from ml_connector.mapping.periods import PeriodFormat

DEFAULT_FILE = "ml-connector.toml"
SYSTEMS = ("anaplan", "infor", "oracle")
ERP_SYSTEMS = ("infor", "oracle")
EntryKindName = Literal["gl", "invoice", "payment"]
FlowKind = Literal["reference", "actuals", "plan-return", "suppliers-return"]
# What the service does with schedules missed while it was down: one run, none, or one per period.
MisfirePolicy = Literal["once", "skip", "all"]
AmountsName = Literal["ledger", "entered", "reporting"]
RateDateName = Literal["period-end", "accounting-date"]
PeriodsName = Literal["closed", "open-and-closed"]
ExtractName = Literal["rest", "bulk", "auto"]
AlertKindName = Literal["failed", "quarantined", "missed", "expiring"]
CALENDARS = ("months", "erp")


class Environment(BaseSettings):
    """What the environment can set."""

    model_config = SettingsConfigDict(env_prefix="ML_CONNECTOR_", extra="ignore")
    config: Path | None = None
    store_url: str | None = None
    # Text, so a bad value is reported with the file's other problems (as `store.lease_ttl_seconds`).
    lease_ttl_seconds: str | None = None


DEFAULT_LEASE_TTL = 30.0


class StoreSection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = "sqlite:///ml-connector.db"
    # How long a flow or model lease outlives its holder's last heartbeat: a run killed without a word
    # (SIGKILL, power loss) keeps the next run of its flow waiting this long. Heartbeats come every third.
    lease_ttl_seconds: float = Field(DEFAULT_LEASE_TTL, ge=1.0, le=3600.0)


class VaultSection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key_file: str = "ml-connector.key"


class ConnectionSection(BaseModel):
    """A connection: its system, and the non-secret settings that system's client takes."""

    model_config = ConfigDict(extra="allow")
    system: Literal["anaplan", "infor", "oracle"]

    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class ActualsColumns(BaseModel):
    model_config = ConfigDict(extra="forbid")
    account: str = "GL Account"
    cost_center: str = "Cost Center"
    period: str = "Period"
    amount: str = "Amount"
    # Empty: the import has no such column (every entity, or currency, adds up in one cell).
    entity: str = ""
    currency: str = ""


class FlowSection(BaseModel):
    """One flow. Anaplan things are named (never ids): workspace, model, import, export."""

    model_config = ConfigDict(extra="forbid")
    kind: FlowKind
    source: str
    target: str
    workspace: str = ""
    model: str = ""
    mapping: str = ""
    schedule: str | None = None
    misfire: MisfirePolicy | None = Field(None, description="overrides [service] misfire for this flow")
    after: list[str] = Field(default_factory=list, description="flows that must have succeeded before this one")
    # Anaplan lists that hold the members (dry runs check rows against them)
    accounts_list: str = "GL Accounts"
    cost_centers_list: str = "Cost Centers"
    suppliers_list: str = "Suppliers"
    entities_list: str = "Entities"
    # reference
    accounts_import: str = "Load GL Accounts"
    cost_centers_import: str = "Load Cost Centers"
    suppliers_import: str = "Load Suppliers"
    # reference, hierarchies: the import that loads the parents of accounts (cost centers) into the parent
    # list of the accounts (cost centers) list, run first; the members then go with a Parent column.
    account_groups_import: str = ""
    cost_center_groups_import: str = ""
    parents_file: str = Field(
        "",
        description="CSV kind,code,parent,name: parents where the ERP publishes none (relative to the config file)",
    )
    # actuals
    actuals_import: str = "Load Actuals"
    columns: ActualsColumns = Field(default_factory=ActualsColumns)
    supplier_import: str | None = None
    include: list[EntryKindName] = Field(default_factory=lambda: list[EntryKindName](["gl"]))
    period_format: str = "%b %y"
    fiscal_year_start: int = Field(1, ge=1, le=12, description="the month a fiscal year starts in")
    # An explicit period table, ERP period -> Anaplan label ("2026-P04" = "FY26 P04"); it wins over period_format.
    period_labels: dict[str, str] = Field(default_factory=dict)
    period_labels_file: str = Field("", description="CSV erp_period,label (relative to the config file)")
    months_of_periods: bool = Field(
        False, description="the ERP's fiscal years have 12 periods (4-4-5): period n may be written as a month"
    )
    # "ledger": accounted amounts in each entity's functional currency; "entered": the transaction's
    # own amount and currency (needs columns.currency).
    amounts: AmountsName = "ledger"
    # "reporting": accounted amounts converted into reporting_currency with the ERP's daily rates of
    # rate_type, or with the rates of rates_file when it is set
    reporting_currency: str = ""
    rates_file: str = ""
    rate_type: str = "Corporate"
    rate_date: RateDateName = "period-end"
    # "closed": only periods the ERP has closed (lines of open ones wait, quarantined, for a replay);
    # "open-and-closed": open periods too, marked preliminary in the run summary.
    periods: PeriodsName = "open-and-closed"
    overlap_minutes: int = Field(60, ge=0, le=7 * 24 * 60)
    # actuals: how GL lines are read. "rest": the ERP's paged API; "bulk": the ERP's bulk route (Oracle: one
    # exportBulkData extract; Infor: one Data Lake Compass query); "auto": bulk when the lines estimated from a
    # totalResults read exceed bulk_above_lines (Oracle), or for a first read or a window over 7 days (Infor).
    # See flows/extract.py.
    extract: ExtractName = "rest"
    bulk_above_lines: int = Field(50_000, ge=0, description='extract = "auto": bulk above this many estimated lines')
    # Infor bulk: the Data Lake holds lines some minutes after the ERP posts them; a bulk read starts this much
    # earlier still, and its watermark stays this far behind the run's start.
    lake_lag_minutes: int = Field(30, ge=0, le=24 * 60)
    reconcile_export: str = "Export Actuals"
    # plan-return and suppliers-return
    export: str = ""
    only: str = Field("", description="glob on the cost center (plan-return) or supplier code to send")
    version: str = "Budget"
    ledger: str = ""
    currency: str = "USD"
    balancing_account: str = ""
    balancing_cost_center: str = ""
    flip_signs: list[Literal["revenue", "liability", "equity"]] = Field(
        default_factory=list,
        description="actuals, plan-return: account types whose sign differs between the GL and the plan",
    )
    account_types: dict[str, str] = Field(
        default_factory=dict, description="ERP account -> type (revenue, liability, equity, asset, expense)"
    )
    # None until the file is read: then "budget" where the target ERP has a budget route (Oracle, Infor M3),
    # else "journal" (`default_post_as`).
    post_as: Literal["journal", "budget"] | None = Field(
        None,
        description="plan-return: the ERP's budget route (default where there is one: Oracle budget balance "
        "import, M3 BUS100MI) or journals for review (the default elsewhere)",
    )
    budget_name: str = Field("", description="plan-return with post_as = budget: the ERP's budget (default: version)")
    revisions: Literal["reverse", "delta"] = Field(
        "reverse",
        description="plan-return: a changed figure is posted as a reversal plus a new journal, or one delta journal",
    )

    # Filled by `load`: the calendar of the flow's ERP connection and the rows of period_labels_file.
    _calendar: str = PrivateAttr("months")
    _file_labels: dict[str, str] = PrivateAttr(default_factory=dict)

    def period_mapping(self) -> PeriodFormat:
        """How this flow writes ERP periods as Anaplan time labels and reads them back."""
        labels = {**self._file_labels, **self.period_labels}
        return PeriodFormat(self.period_format, self.fiscal_year_start, self._calendar, labels, self.months_of_periods)

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None and len(value.split()) != 5:
            raise ValueError("a schedule is a 5-field cron expression, e.g. '0 6 * * *'")
        if value is not None:
            try:
                CronTrigger.from_crontab(value, timezone=UTC)
            except ValueError as exc:
                raise ValueError(f"the schedule {value!r} is not a valid cron expression: {exc}") from None
        return value


class ServiceSection(BaseModel):
    """`ml-connector serve`: how schedules are read, caught up and stopped."""

    model_config = ConfigDict(extra="forbid")
    timezone: str = "UTC"
    misfire: MisfirePolicy = "once"
    catchup_limit: int = Field(100, ge=1, le=10_000, description="most runs one flow catches up with 'all'")
    workers: int = Field(2, ge=1, le=32, description="flows run at once (one run per flow at a time)")
    stop_grace_seconds: float = Field(300.0, ge=0, description="how long a stop waits for runs to finish")
    web_host: str = Field("127.0.0.1", description="where the web console listens (loopback unless TLS is set)")
    web_port: int = Field(8700, ge=0, le=65535, description="the web console's port; 0 turns it off")
    web_tls_cert: str = Field("", description="PEM certificate file: the console serves HTTPS")
    web_tls_key: str = Field("", description="PEM private key file of web_tls_cert")

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as 'Europe/Berlin'") from None
        return value


class AlertsSection(BaseModel):
    """Where alerts go. The SMTP password is in the vault (entry `smtp_vault_entry`), never here."""

    model_config = ConfigDict(extra="forbid")
    webhook_url: str | None = None
    # "text": {"text": ...} for Slack and classic Teams incoming webhooks; "teams-workflow": an Adaptive
    # Card message, the only body a Teams Workflows ("when a Teams webhook request is received") takes.
    webhook_format: Literal["text", "teams-workflow"] = "text"
    webhook_timeout_seconds: float = Field(10.0, gt=0, le=120)
    smtp_host: str | None = None
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_from: str = "ml-connector@localhost"
    smtp_to: list[str] = Field(default_factory=list)
    smtp_user: str | None = None
    smtp_vault_entry: str = "alerts-smtp"
    expiry_warning_days: int = Field(14, ge=0, le=365)
    on: list[AlertKindName] = Field(
        default_factory=lambda: list[AlertKindName](["failed", "quarantined", "missed", "expiring"])
    )

    @field_validator("webhook_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("the webhook URL must start with https:// (or http:// for a local receiver)")
        return value

    @model_validator(mode="after")
    def _smtp(self) -> Self:
        if self.smtp_host and not self.smtp_to:
            raise ValueError("smtp_to: list who receives alert e-mails when smtp_host is set")
        if self.smtp_starttls and self.smtp_ssl:
            raise ValueError("smtp_starttls and smtp_ssl: choose one")
        return self


class Config(BaseModel):
    """The whole file."""

    model_config = ConfigDict(extra="forbid")
    store: StoreSection = Field(default_factory=StoreSection)
    vault: VaultSection = Field(default_factory=VaultSection)
    connections: dict[str, ConnectionSection] = Field(default_factory=dict)
    flows: dict[str, FlowSection] = Field(default_factory=dict)
    service: ServiceSection = Field(default_factory=ServiceSection)
    alerts: AlertsSection = Field(default_factory=AlertsSection)
    path: Path = Path(DEFAULT_FILE)

    @model_validator(mode="after")
    def _post_as_defaults(self) -> Config:
        for flow in self.flows.values():
            if flow.kind == "plan-return" and flow.post_as is None:
                flow.post_as = default_post_as(self.connections.get(flow.target))
        return self

    def connection(self, name: str) -> ConnectionSection:
        try:
            return self.connections[name]
        except KeyError:
            known = ", ".join(sorted(self.connections)) or "none"
            raise ConfigurationError(
                f"no connection named {name!r} in {self.path} (known: {known})",
                hint="Add it with `ml-connector connection add`.",
            ) from None

    def flow(self, name: str) -> FlowSection:
        try:
            return self.flows[name]
        except KeyError:
            known = ", ".join(sorted(self.flows)) or "none"
            raise ConfigurationError(
                f"no flow named {name!r} in {self.path} (known: {known})",
                hint=f"Add a [flows.{name}] table to {self.path}.",
            ) from None

    def resolve(self, relative: str) -> Path:
        """A path from the file, relative to the file's folder."""
        path = Path(relative).expanduser()
        return path if path.is_absolute() else self.path.parent / path

    @property
    def store_url(self) -> str:
        """`[store] url` with a relative SQLite path read from the config's folder, as the key file is
        (so a command run from another folder opens the same store, never a new empty one)."""
        return resolve_sqlite_url(self.store.url, self.path.parent)


SQLITE_PREFIX = "sqlite:///"


def resolve_sqlite_url(url: str, folder: Path) -> str:
    """`sqlite:///x.db` → `sqlite:////<folder>/x.db`; absolute paths, memory and other databases unchanged."""
    if not url.startswith(SQLITE_PREFIX):
        return url
    rest = url[len(SQLITE_PREFIX) :]
    path_part, sep, query = rest.partition("?")
    if not path_part or path_part == ":memory:" or path_part.startswith("/"):
        return url
    return SQLITE_PREFIX + str((folder / Path(path_part).expanduser()).resolve()) + sep + query


def config_path(explicit: Path | None = None) -> Path:
    return explicit or Environment().config or Path(DEFAULT_FILE)


def load(explicit: Path | None = None, *, must_exist: bool = True) -> Config:
    """Read, merge with the environment and validate; raise one error listing every problem."""
    path = config_path(explicit)
    data: dict[str, Any] = {}
    if path.is_dir():
        raise ConfigurationError(
            f"the configuration {path} is a folder, not a file",
            hint=f"Give the TOML file itself, e.g. --config {path / DEFAULT_FILE}.",
        )
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigurationError(f"{path} is not valid TOML: {exc}", hint="Fix the syntax at that line.") from exc
        except UnicodeDecodeError as exc:
            raise ConfigurationError(
                f"{path} is not UTF-8 text (byte {exc.start} cannot be read)",
                hint="Save the file as UTF-8 (TOML files are always UTF-8).",
            ) from None
    elif must_exist:
        raise ConfigurationError(f"no configuration file at {path}", hint="Run `ml-connector init` to make one.")
    env = Environment()
    if env.store_url:
        data.setdefault("store", {})["url"] = env.store_url
    if env.lease_ttl_seconds:
        data.setdefault("store", {})["lease_ttl_seconds"] = env.lease_ttl_seconds
    data["path"] = path
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        # One list of every problem: the sections that do validate are cross-checked too.
        problems = [_describe(e, env) for e in exc.errors()]
        problems += [f"  {p}" for p in cross_check(*_valid_parts(data))]
        raise ConfigurationError(
            f"{path} has {len(problems)} problem(s):\n" + "\n".join(problems), hint="Fix each listed setting."
        ) from None
    problems = calendar_problems(config)
    problems += cross_check(config.flows, config.connections)
    if problems:
        raise ConfigurationError(
            f"{path} has {len(problems)} problem(s):\n" + "\n".join(f"  {p}" for p in problems),
            hint="Fix each listed setting.",
        )
    return config


def calendar_problems(config: Config) -> list[str]:
    """Give each flow its ERP connection's `calendar` and its period_labels_file; the problems found."""
    problems = []
    for name, section in config.connections.items():
        calendar = section.options().get("calendar", "months")
        if section.system in ERP_SYSTEMS and calendar not in CALENDARS:
            problems.append(
                f"connections.{name}.calendar: {calendar!r} is not one of {', '.join(CALENDARS)} "
                "(\"erp\" reads each line's period from the ERP's fiscal calendar)"
            )
    for name, flow in config.flows.items():
        erp = config.connections.get(flow.target if flow.kind in ("plan-return", "suppliers-return") else flow.source)
        calendar = erp.options().get("calendar", "months") if erp is not None else "months"
        flow._calendar = calendar if calendar in CALENDARS else "months"
        if flow.period_labels_file:
            try:
                flow._file_labels = read_period_labels(config.resolve(flow.period_labels_file))
            except ConfigurationError as exc:
                problems.append(f"flows.{name}.period_labels_file: {exc.message}")
    return problems


def read_period_labels(path: Path) -> dict[str, str]:
    """A period table file: CSV with the header `erp_period,label`, one ERP period per row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigurationError(f"cannot read {path}: {exc.strerror or exc}") from None
    rows = csv.DictReader(io.StringIO(text))
    if rows.fieldnames is None or [f.strip() for f in rows.fieldnames] != ["erp_period", "label"]:
        raise ConfigurationError(f"{path} must start with the header erp_period,label")
    out: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        period, label = (row.get("erp_period") or "").strip(), (row.get("label") or "").strip()
        if period in out:
            raise ConfigurationError(f"{path} line {number}: period {period} is listed twice")
        out[period] = label
    return out


def _describe(error: Any, env: Environment) -> str:
    where = ".".join(str(part) for part in error["loc"])
    if where == "store.lease_ttl_seconds" and env.lease_ttl_seconds:
        where += " (from ML_CONNECTOR_LEASE_TTL_SECONDS)"
    elif where == "store.url" and env.store_url:
        where += " (from ML_CONNECTOR_STORE_URL)"
    return f"  {where}: {error['msg']}"


def _valid_parts(data: dict[str, Any]) -> tuple[dict[str, FlowSection], dict[str, ConnectionSection]]:
    """The flows and connections of a file that does not validate as a whole, each that does on its own.
    A flow naming a connection whose own table is broken is then not also reported as naming none."""
    raw_flows, raw_connections = data.get("flows"), data.get("connections")
    flows: dict[str, FlowSection] = {}
    connections: dict[str, ConnectionSection] = {}
    for name, raw in (raw_connections if isinstance(raw_connections, dict) else {}).items():
        try:
            connections[name] = ConnectionSection.model_validate(raw)
        except ValidationError:
            continue
    broken = set(raw_connections if isinstance(raw_connections, dict) else {}) - set(connections)
    for name, raw in (raw_flows if isinstance(raw_flows, dict) else {}).items():
        try:
            flow = FlowSection.model_validate(raw)
        except ValidationError:
            continue
        if not {flow.source, flow.target} & broken:
            flows[name] = flow
    return flows, connections


def cross_check(flows: dict[str, FlowSection], connections: dict[str, ConnectionSection]) -> list[str]:
    """Problems no single field shows: a flow naming an unknown connection or the wrong system."""
    problems = []
    for name, flow in flows.items():
        where = f"flows.{name}"
        ends = {"source": flow.source, "target": flow.target}
        wanted = {
            "reference": ("erp", "anaplan"),
            "actuals": ("erp", "anaplan"),
            "plan-return": ("anaplan", "erp"),
            "suppliers-return": ("anaplan", "erp"),
        }[flow.kind]
        for (end, connection), kind in zip(ends.items(), wanted, strict=True):
            section = connections.get(connection)
            if section is None:
                problems.append(f"{where}.{end}: no connection named {connection!r}")
                continue
            ok = section.system in ERP_SYSTEMS if kind == "erp" else section.system == "anaplan"
            if not ok:
                expected = "an ERP (infor or oracle)" if kind == "erp" else "anaplan"
                problems.append(
                    f"{where}.{end}: {connection!r} is {section.system}, a {flow.kind} flow needs {expected}"
                )
        anaplan_end = "target" if wanted[1] == "anaplan" else "source"
        if not flow.model:
            problems.append(f"{where}.model: name the Anaplan model ({anaplan_end} side)")
        if flow.kind in ("plan-return", "suppliers-return") and not flow.export:
            problems.append(f"{where}.export: name the Anaplan export action")
        try:
            flow.period_mapping()
        except ConfigurationError as exc:
            setting = "period_labels" if exc.message.startswith("period_labels") else "period_format"
            problems.append(f"{where}.{setting}: {exc.message.removeprefix('period_labels: ')}")
        for before in flow.after:
            if before not in flows:
                problems.append(f"{where}.after: no flow named {before!r}")
        if _comes_after(flows, name, name):
            problems.append(f"{where}.after: the flow comes after itself (a cycle of `after`)")
        if flow.kind == "actuals" and flow.amounts == "reporting":
            if len(flow.reporting_currency) != 3 or not flow.reporting_currency.isupper():
                problems.append(f'{where}.reporting_currency: amounts = "reporting" needs a currency code such as USD')
        if flow.kind == "actuals" and flow.amounts == "entered" and not flow.columns.currency:
            problems.append(
                f'{where}.columns.currency: amounts = "entered" needs the import\'s currency column, '
                "or lines of different currencies would add up in one cell"
            )
        if flow.kind == "plan-return":
            problems += return_problems(where, flow, connections.get(flow.target))
    return problems


def has_budget_route(target: ConnectionSection | None) -> bool:
    """Whether plan-return can load budgets into the target: Oracle (GL budget balance import) and Infor M3
    (BUS100MI). CSI and FSM document no budget object the product can write, so they take journals."""
    if target is None:
        return False
    return target.system == "oracle" or (target.system == "infor" and target.options().get("product") == "m3")


def default_post_as(target: ConnectionSection | None) -> Literal["journal", "budget"]:
    """Budget figures go to the ERP's budget where it has a route, else to journals for review."""
    return "budget" if has_budget_route(target) else "journal"


def return_problems(where: str, flow: FlowSection, target: ConnectionSection | None) -> list[str]:
    """What a plan-return flow lacks, by setting name, before any network call."""
    problems = []
    post_as = flow.post_as or default_post_as(target)
    if post_as == "journal":
        if not flow.balancing_account:
            problems.append(f"{where}.balancing_account: a journal for review needs a balancing account")
        if not flow.balancing_cost_center:
            problems.append(f"{where}.balancing_cost_center: the balancing line needs a cost center")
    elif target is not None and not has_budget_route(target):
        problems.append(f'{where}.post_as: "budget" is built for Oracle and Infor M3; use "journal" for this target')
    elif target is not None and target.system == "infor":
        version = flow.budget_name or flow.version
        if not 1 <= len(version) <= 4:  # BVER(A4), infor.md appendix B
            what = repr(flow.budget_name) if flow.budget_name else f"the default, the version {flow.version!r},"
            problems.append(
                f"{where}.budget_name: M3 loads budget figures into a budget version of 1-4 characters (BUS100MI "
                f'BVER) and {what} is not one: set budget_name = "PLN" (your budget version), or post_as = '
                '"journal" to post journals for review'
            )
    if target is not None and target.system == "oracle":
        options = target.options()
        used = {int(options.get("cost_center_segment", 2)), int(options.get("account_segment", 3))}
        if not options.get("fixed_segments") and 1 not in used:  # segment 1 exists and nothing fills it
            problems.append(
                f"connections.{flow.target}.fixed_segments: {where} posts to Oracle, whose lines need every other "
                'segment (e.g. [connections.oracle.fixed_segments] 1 = "300" for the company)'
            )
    return problems


def _comes_after(flows: dict[str, FlowSection], name: str, target: str, seen: frozenset[str] = frozenset()) -> bool:
    """Whether `name`, through its `after` chain, comes after `target`."""
    for before in flows[name].after if name in flows else []:
        if before == target:
            return True
        if before not in seen and _comes_after(flows, before, target, seen | {before}):
            return True
    return False


def skeleton(store_url: str, key_file: str) -> str:
    """The file `ml-connector init` writes: the store and vault, and commented examples of the rest."""
    return (
        "# ml-connector configuration. Secrets are not kept here: see `ml-connector connection add`.\n"
        f"[store]\nurl = {_toml_str(store_url)}\n\n[vault]\nkey_file = {_toml_str(key_file)}\n" + EXAMPLES
    )


EXAMPLES = """
# Connections are added by `ml-connector connection add` / `connection import-ionapi`.
#
# [flows.actuals-oracle]
# kind = "actuals"                 # reference | actuals | plan-return | suppliers-return
# source = "oracle"
# target = "anaplan"
# workspace = "Acme Finance"
# model = "FP&A"
# mapping = "oracle"               # `ml-connector mapping import oracle mapping.csv`
# schedule = "15 6 * * *"
#
# [flows.plan-return-oracle]       # approved budget figures back to the ERP, for review
# kind = "plan-return"
# source = "anaplan"
# target = "oracle"
# workspace = "Acme Finance"
# model = "FP&A"
# export = "Export Approved Budget"
# mapping = "oracle"               # read in reverse: Anaplan codes back to ERP codes
# only = "3*"                      # only these cost centers go to this ERP
# currency = "EUR"
# ledger = "Acme EU Ledger"
# post_as = "budget"               # the default on Oracle and M3: the ERP's budget; or "journal" for review
# budget_name = "Budget"           # Oracle budget / M3 budget version (1-4 characters); default: version
# balancing_account = "1000"       # journals only: the balancing line
# balancing_cost_center = "3900"
# revisions = "reverse"            # journals only: or "delta"
# flip_signs = ["revenue"]         # revenue planned positive, booked as a credit
#
# [flows.suppliers-return-oracle]
# kind = "suppliers-return"
# source = "anaplan"
# target = "oracle"
# model = "FP&A"
# export = "Export Supplier List"
#
# [connections.oracle.fixed_segments]  # after `connection add oracle`: the segments a journal line needs
# 1 = "300"                            # besides cost center and account
#
# [service]                        # `ml-connector serve`
# timezone = "UTC"
# misfire = "once"                 # once | skip | all
#
# [alerts]
# webhook_url = "https://hooks.slack.com/services/..."
# on = ["failed", "quarantined", "missed", "expiring"]
"""


def append_connection(path: Path, name: str, system: str, options: dict[str, Any]) -> None:
    """Add a `[connections.NAME]` table to the file (never with secrets)."""
    lines = [f"\n[connections.{_toml_key(name)}]", f"system = {_toml_str(system)}"]
    lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in options.items()]
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def _toml_key(key: str) -> str:
    return key if key.replace("-", "").replace("_", "").isalnum() else _toml_str(key)


def _toml_str(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return _toml_str(str(value))
