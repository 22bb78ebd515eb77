"""A sandbox: the three emulators running in this process, and a folder holding a config file, a
vault key, a store and connections that point at them. Used by `ml-connector demo` and the tests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from ml_connector import config as config_module
from ml_connector.demo import mappings
from ml_connector.emulators.anaplan import build_app as anaplan_app
from ml_connector.emulators.infor.app import build_app as infor_app
from ml_connector.emulators.infor.app import write_ionapi
from ml_connector.emulators.oracle.app import build_emulator as oracle_emulator
from ml_connector.engine.mappings import replace_mapping
from ml_connector.mapping.rules import parse_csv
from ml_connector.root import Root
from ml_connector.serving import RunningServer, start_in_thread
from ml_connector.store import Store, upgrade
from ml_connector.systems.infor import IonApiCredentials
from ml_connector.vault import new_key_file

ANAPLAN_USER = "integration@acme-components.example"
ANAPLAN_PASSWORD = "Emulator-Pass-1"  # noqa: S105 - the emulator's seeded demo credential
ORACLE_USER = "ACME.INTEGRATION"
ORACLE_PASSWORD = "Welcome1!"  # noqa: S105 - the emulator's seeded demo credential
# The emulators answer in milliseconds: a refused or failed request is retried after a short wait.
FAST_RETRY = {"retry_max_wait_seconds": 0.2, "retry_after_max_seconds": 1.0, "retry_deadline_seconds": 60.0}


@dataclass
class Emulators:
    """The three emulators, each served over HTTP from a thread of this process."""

    servers: dict[str, RunningServer] = field(default_factory=dict)
    emulators: dict[str, Any] = field(default_factory=dict)

    def url(self, system: str) -> str:
        return self.servers[system].url

    def reset(self) -> None:
        """Every emulator back to its seeded state, faults off, stats cleared (`POST /_emulator/reset`)."""
        for server in self.servers.values():
            httpx.post(f"{server.url}/_emulator/reset", timeout=30).raise_for_status()

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()
        self.servers.clear()


@dataclass
class Sandbox:
    folder: Path
    servers: dict[str, RunningServer] = field(default_factory=dict)
    emulators: dict[str, Any] = field(default_factory=dict)

    @property
    def config_path(self) -> Path:
        return self.folder / "ml-connector.toml"

    def url(self, system: str) -> str:
        return self.servers[system].url

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()
        self.servers.clear()


# The demo's two-level hierarchies (`start(..., hierarchies=True)`): the reference flows load the parent
# members first, then accounts and cost centers with their Parent. Oracle's come from its account and cost
# center trees; Infor publishes none the product reads, so the Infor flow names a parents file whose account
# groups are Oracle's (one GL Accounts list in Anaplan, one parent per account) and whose cost center groups
# are the Americas' own.
WITH_PARENTS = """account_groups_import = "Load Account Groups"
accounts_import = "Load GL Accounts with Parents"
cost_center_groups_import = "Load Cost Center Groups"
cost_centers_import = "Load Cost Centers with Parents"
"""
INFOR_PARENTS = """kind,code,parent,name
account_group,TBS,,Balance sheet
account_group,TREV,,Revenue
account_group,COGS,,Cost of goods sold
account_group,OPEX,,Operating expenses
account,1000,TBS,
account,2000,TBS,
account,4000,TREV,
account,4100,TREV,
account,5000,COGS,
account,5100,COGS,
account,5200,COGS,
account,6000,OPEX,
account,6100,OPEX,
account,6200,OPEX,
account,6300,OPEX,
account,6400,OPEX,
account,6500,OPEX,
account,7000,OPEX,
cost_center_group,AMPL,,Americas plants
cost_center_group,AMAD,,Americas administration
cost_center,1100,AMPL,
cost_center,1200,AMPL,
cost_center,1300,AMPL,
cost_center,1900,AMAD,
"""


def flows_toml(hierarchies: bool = False) -> str:
    common = 'workspace = "Acme Finance"\nmodel = "FP&A"\n'
    tree = WITH_PARENTS if hierarchies else ""
    infor_tree = f'{tree}parents_file = "parents.csv"\n' if hierarchies else ""
    return f"""
[flows.reference-infor]
kind = "reference"
source = "infor"
target = "anaplan"
mapping = "infor"
{infor_tree}{common}
[flows.reference-oracle]
kind = "reference"
source = "oracle"
target = "anaplan"
mapping = "oracle"
{tree}{common}
[flows.actuals-infor]
kind = "actuals"
source = "infor"
target = "anaplan"
mapping = "infor"
include = ["gl", "invoice", "payment"]
supplier_import = "Load Supplier Spend"
schedule = "0 6 * * *"
{common}
[flows.actuals-oracle]
kind = "actuals"
source = "oracle"
target = "anaplan"
mapping = "oracle"
include = ["gl", "invoice", "payment"]
supplier_import = "Load Supplier Spend"
schedule = "15 6 * * *"
{common}
[flows.actuals-mexico]
kind = "actuals"
source = "infor-mx1"
target = "anaplan"
mapping = "infor-entities"
actuals_import = "Load Entity Actuals"
reconcile_export = "Export Entity Actuals"
columns = {{entity = "Entity", currency = "Currency"}}
months_of_periods = true
{common}
[flows.plan-return-infor]
kind = "plan-return"
source = "anaplan"
target = "infor-us1"
mapping = "infor"
export = "Export Approved Budget"
only = "1*"
currency = "USD"
post_as = "journal"                      # journals for review (the default on M3 is its budget, BUS100MI)
balancing_account = "1000"
balancing_cost_center = "1900"
{common}
[flows.plan-return-oracle]
kind = "plan-return"
source = "anaplan"
target = "oracle"
mapping = "oracle"
export = "Export Approved Budget"
only = "3*"
currency = "EUR"
ledger = "Acme EU Ledger"
post_as = "journal"                      # journals for review (the default on Oracle is its GL budget)
balancing_account = "1000"
balancing_cost_center = "3900"
{common}
[flows.suppliers-return-oracle]
kind = "suppliers-return"
source = "anaplan"
target = "oracle"
mapping = "oracle"
export = "Export Supplier List"
only = "5*"
{common}
[flows.suppliers-return-infor]
kind = "suppliers-return"
source = "anaplan"
target = "infor-us1"
mapping = "infor"
export = "Export Supplier List"
only = "S*"
{common}"""


def start_emulators(*, task_seconds: float = 0.05, ess_seconds: float = 0.1) -> Emulators:
    """Start the three emulators in threads of this process, with the seeded company."""
    anaplan = anaplan_app(task_seconds=task_seconds)
    oracle = oracle_emulator(ess_seconds=ess_seconds)
    infor = infor_app()
    emulators = Emulators(emulators={"anaplan": anaplan, "oracle": oracle, "infor": infor})
    try:
        emulators.servers["anaplan"] = start_in_thread(anaplan)
        emulators.servers["oracle"] = start_in_thread(oracle.asgi)
        emulators.servers["infor"] = start_in_thread(infor)
    except BaseException:
        emulators.stop()
        raise
    return emulators


def configure(emulators: Emulators, folder: Path, *, hierarchies: bool = False) -> Sandbox:
    """A ready folder (config, key, migrated store, vault, mappings) pointing at running emulators; with
    `hierarchies`, the reference flows send parents (the demo's)."""
    folder.mkdir(parents=True, exist_ok=True)
    box = Sandbox(folder, emulators.servers, emulators.emulators)
    _configure(box, hierarchies)
    return box


def start(folder: Path, *, task_seconds: float = 0.05, ess_seconds: float = 0.1, hierarchies: bool = False) -> Sandbox:
    """Start the emulators and write a ready configuration into `folder`."""
    emulators = start_emulators(task_seconds=task_seconds, ess_seconds=ess_seconds)
    try:
        return configure(emulators, folder, hierarchies=hierarchies)
    except BaseException:
        emulators.stop()
        raise


def _configure(box: Sandbox, hierarchies: bool = False) -> None:
    path = box.config_path
    # Absolute: the folder may be given relative to where the command runs (`make demo`: `.demo`).
    store_url = f"sqlite:///{box.folder.resolve() / 'ml-connector.db'}"
    text = config_module.skeleton(store_url, "ml-connector.key")
    path.write_text(text + flows_toml(hierarchies), encoding="utf-8")
    if hierarchies:
        (box.folder / "parents.csv").write_text(INFOR_PARENTS, encoding="utf-8")
    trees = (
        {"account_tree": "ACME_EU_ACCOUNT_HIERARCHY", "cost_center_tree": "ACME_EU_COST_CENTER_HIERARCHY"}
        if hierarchies
        else {}
    )
    a, o = box.url("anaplan"), box.url("oracle")
    config_module.append_connection(
        path,
        "anaplan",
        "anaplan",
        {
            "auth_url": a,
            "api_url": f"{a}/2/0",
            "oauth_url": a,
            "user": ANAPLAN_USER,
            "allow_any_url": True,
            "poll_initial_seconds": 0.05,
            "poll_max_seconds": 0.5,
            **FAST_RETRY,
        },
    )
    config_module.append_connection(
        path,
        "oracle",
        "oracle",
        {
            "pod_url": o,
            "user": ORACLE_USER,
            "ledger_name": "Acme EU Ledger",
            **trees,
            "allow_any_url": True,
            # The emulators answer in milliseconds; a real pod's budget is set per tenant.
            "requests_per_minute": 6000,
            "ess_poll_seconds": 0.1,
            **FAST_RETRY,
        },
    )
    # The US side (Detroit US1, Toledo US2, both in USD) is read together; journals are posted in one division
    # (M3 posts per division).
    infor = {"product": "m3", "company": "100", "allow_any_url": True, "requests_per_minute": 6000, **FAST_RETRY}
    config_module.append_connection(path, "infor", "infor", {**infor, "divisions": "US1,US2"})
    config_module.append_connection(path, "infor-us1", "infor", {**infor, "division": "US1"})
    # Monterrey (MX1) is the Mexican entity: it books in MXN on a 4-4-5 year, read on its own calendar into the
    # entity-and-currency module, so pesos never meet dollars in a cell.
    config_module.append_connection(path, "infor-mx1", "infor", {**infor, "division": "MX1", "calendar": "erp"})
    # The Oracle journal import needs the company segment value on posted lines.
    with path.open("a", encoding="utf-8") as handle:
        handle.write('\n[connections.oracle.fixed_segments]\n1 = "300"\n')
    key_file = box.folder / "ml-connector.key"
    if not key_file.exists():
        new_key_file(key_file)
    store = Store(store_url)  # the sandbox's own store, whatever ML_CONNECTOR_STORE_URL says
    root = Root(config_module.load(path), store)
    try:
        upgrade(store)
        vault = root.vault()
        vault.put("anaplan", "anaplan", {"password": ANAPLAN_PASSWORD})
        vault.put("oracle", "oracle", {"password": ORACLE_PASSWORD})
        ionapi = write_ionapi(box.folder / "acme.ionapi", box.url("infor"))
        secrets = IonApiCredentials.from_file(ionapi).to_vault()
        vault.put("infor", "infor", secrets)
        vault.put("infor-us1", "infor", secrets)
        vault.put("infor-mx1", "infor", secrets)
        ionapi.unlink()  # its secrets now live only in the vault
        replace_mapping(store, "infor", parse_csv(mappings.INFOR, "demo mapping infor"))
        replace_mapping(store, "oracle", parse_csv(mappings.ORACLE, "demo mapping oracle"))
        replace_mapping(store, "infor-entities", parse_csv(mappings.INFOR_ENTITIES, "demo mapping infor-entities"))
    finally:
        root.close()
        store.dispose()


def facts(box: Sandbox) -> str:
    return json.dumps({name: server.url for name, server in box.servers.items()})


def copy_to_store(box: Sandbox, store_url: str) -> None:
    """Migrate another store (a PostgreSQL one, for workers) and give it the sandbox's vault entries and
    demo mappings, encrypted with the same key."""
    cfg = config_module.load(box.config_path)
    source, target = Store(cfg.store_url), Store(store_url)
    old, new = Root(cfg, source), Root(cfg, target)
    try:
        upgrade(target)
        for name, section in cfg.connections.items():
            new.vault().put(name, section.system, old.vault().get(name))
        replace_mapping(target, "infor", parse_csv(mappings.INFOR, "demo mapping infor"))
        replace_mapping(target, "oracle", parse_csv(mappings.ORACLE, "demo mapping oracle"))
        replace_mapping(target, "infor-entities", parse_csv(mappings.INFOR_ENTITIES, "demo mapping infor-entities"))
    finally:
        old.close()
        new.close()
        source.dispose()
        target.dispose()
