"""Amounts of different currencies never meet in one cell; each entity has its own cells.

The ERP side is a fake (the seeded emulators have one currency per company); the Anaplan side is the
emulator over HTTP, read back from its cells.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

import httpx
import pytest

from ml_connector import config as config_module
from ml_connector.demo.sandbox import Sandbox
from ml_connector.engine.mappings import replace_mapping
from ml_connector.engine.queries import audit_page
from ml_connector.engine.states import RecordState, RunState
from ml_connector.errors import ConfigurationError
from ml_connector.flows.context import FlowContext
from ml_connector.flows.reconcile import reconcile
from ml_connector.flows.runner import run_flow
from ml_connector.mapping.rules import parse_csv
from ml_connector.ports import ErpClient, PlanningModel
from ml_connector.records import LedgerLine, PeriodStatus
from ml_connector.root import Root
from tests.support.records import gl_line

US = gl_line("1000.00", source_key="us-1", ledger="US1", account="6100", cost_center="1100", period="2026-03")
MX = gl_line(
    "20000.00", source_key="mx-1", ledger="MX1", account="6100", cost_center="1100", period="2026-03", currency="MXN"
)
RATES = "from,to,type,date,rate\nMXN,USD,Corporate,2026-02-28,0.0500\nMXN,USD,Corporate,2026-03-31,0.0542\n"
MAPPING = "dimension,kind,source,target\naccount,pattern,*,=\ncost_center,pattern,*,=\nentity,pattern,*,=\n"
COMMON = 'source = "infor"\ntarget = "anaplan"\nworkspace = "Acme Finance"\nmodel = "FP&A"\nmapping = "entities"\n'
FLOWS = f"""
[flows.plain]
kind = "actuals"
{COMMON}
[flows.entities]
kind = "actuals"
{COMMON}actuals_import = "Load Entity Actuals"
reconcile_export = "Export Entity Actuals"
columns = {{entity = "Entity", currency = "Currency"}}

[flows.reporting]
kind = "actuals"
amounts = "reporting"
reporting_currency = "USD"
rates_file = "rates.csv"
{COMMON}actuals_import = "Load Entity Actuals"
reconcile_export = "Export Entity Actuals"
columns = {{entity = "Entity", currency = "Currency"}}

[flows.entered]
kind = "actuals"
amounts = "entered"
{COMMON}actuals_import = "Load Entity Actuals"
reconcile_export = "Export Entity Actuals"
columns = {{entity = "Entity", currency = "Currency"}}
"""


class FakeErp:
    """An ERP that holds exactly `lines`."""

    system = "infor"

    def __init__(self) -> None:
        self.lines: list[LedgerLine] = []

    def ledger_lines(self, since: object = None, until: object = None) -> Iterator[LedgerLine]:
        return iter(list(self.lines))

    def period_statuses(self) -> dict[str, PeriodStatus]:
        return {}

    def period_balances(self, periods: object) -> None:
        return None

    def close(self) -> None:
        return None


class ErpSwapped:
    """The context's clients, with the ERP replaced."""

    def __init__(self, clients: Any, erp: FakeErp) -> None:
        self.clients = clients
        self.fake = erp

    def erp(self, name: str) -> ErpClient:
        return self.fake  # type: ignore[return-value]

    def anaplan(self, name: str) -> PlanningModel:
        return self.clients.anaplan(name)  # type: ignore[no-any-return]

    def close(self) -> None:
        self.clients.close()


@pytest.fixture()
def world(sandbox: Sandbox) -> Iterator[tuple[FlowContext, FakeErp]]:
    with sandbox.config_path.open("a", encoding="utf-8") as handle:
        handle.write(FLOWS)
    (sandbox.config_path.parent / "rates.csv").write_text(RATES, encoding="utf-8")
    root = Root(config_module.load(sandbox.config_path))
    ctx = root.flow_context()
    replace_mapping(ctx.store, "entities", parse_csv(MAPPING, "test mapping"))
    erp = FakeErp()
    yield replace(ctx, clients=ErpSwapped(ctx.clients, erp)), erp
    root.close()


def cells(box: Sandbox, module: str) -> dict[tuple[str, ...], Decimal]:
    rows = httpx.get(f"{box.url('anaplan')}/_emulator/models/FP&A/modules/{module}/cells").json()
    dims = ("Entities", "Currencies", "GL Accounts", "Cost Centers", "Time")
    return {tuple(str(r[d]) for d in dims if d in r): Decimal(str(r["value"])) for r in rows}


def states(ctx: FlowContext, run_id: str) -> dict[str, tuple[str, str]]:
    return {r.source_key: (r.state, r.reason) for r in audit_page(ctx.store, run_id)}


def test_usd_and_mxn_lines_never_add_up_in_one_cell(sandbox: Sandbox, world: tuple[FlowContext, FakeErp]) -> None:
    """The issue's bug: USD 1,000.00 (US1) and MXN 20,000.00 (MX1) made one cell of 21000."""
    ctx, erp = world
    erp.lines = [US, MX]
    info = run_flow(ctx, "plain")
    assert info.state in (RunState.PARTIAL, RunState.FAILED)
    assert ("6100", "1100", "Mar 26") not in cells(sandbox, "Actuals")
    found = states(ctx, info.id)
    for key in ("us-1", "mx-1"):
        state, reason = found[key]
        assert state == RecordState.FAILED.value and "MXN and USD" in reason


def test_a_later_line_in_another_currency_does_not_join_a_loaded_cell(
    sandbox: Sandbox, world: tuple[FlowContext, FakeErp]
) -> None:
    ctx, erp = world
    erp.lines = [US]
    assert run_flow(ctx, "plain").state == RunState.SUCCEEDED
    assert cells(sandbox, "Actuals")[("6100", "1100", "Mar 26")] == Decimal("1000")
    erp.lines = [US, MX]
    info = run_flow(ctx, "plain", since=None)
    assert states(ctx, info.id)["mx-1"][0] == RecordState.FAILED.value
    assert cells(sandbox, "Actuals")[("6100", "1100", "Mar 26")] == Decimal("1000")


def test_each_entity_has_its_own_cell_in_its_currency(sandbox: Sandbox, world: tuple[FlowContext, FakeErp]) -> None:
    ctx, erp = world
    erp.lines = [US, MX, replace(MX, source_key="mx-2", amount=Decimal("0.01"))]
    assert run_flow(ctx, "entities").state == RunState.SUCCEEDED
    assert cells(sandbox, "Entity Actuals") == {
        ("US1", "USD", "6100", "1100", "Mar 26"): Decimal("1000"),
        ("MX1", "MXN", "6100", "1100", "Mar 26"): Decimal("20000.01"),
    }
    result = reconcile(ctx, "entities")
    assert result.differences == [] and result.matched == 2
    # A second company's flow writing into the same module keeps the first one's cells.
    erp.lines = [replace(US, source_key="us2-1", ledger="US2", amount=Decimal("5"))]
    assert run_flow(ctx, "entities").state == RunState.SUCCEEDED
    held = cells(sandbox, "Entity Actuals")
    assert held[("US1", "USD", "6100", "1100", "Mar 26")] == Decimal("1000")
    assert held[("US2", "USD", "6100", "1100", "Mar 26")] == Decimal("5")


def test_entered_amounts_load_in_the_transaction_currency(sandbox: Sandbox, world: tuple[FlowContext, FakeErp]) -> None:
    """A US1 invoice entered in MXN: accounted USD 1,000.00 in "ledger", MXN 20,000.00 in "entered"."""
    ctx, erp = world
    erp.lines = [replace(US, entered_amount=Decimal("20000.00"), entered_currency="MXN")]
    assert run_flow(ctx, "entered").state == RunState.SUCCEEDED
    assert cells(sandbox, "Entity Actuals") == {("US1", "MXN", "6100", "1100", "Mar 26"): Decimal("20000")}
    assert reconcile(ctx, "entered").differences == []
    assert run_flow(ctx, "entities").state == RunState.SUCCEEDED
    assert cells(sandbox, "Entity Actuals") == {
        ("US1", "USD", "6100", "1100", "Mar 26"): Decimal("1000"),
        ("US1", "MXN", "6100", "1100", "Mar 26"): Decimal("20000"),
    }


def test_entered_amounts_without_a_currency_column_are_a_configuration_error(sandbox: Sandbox) -> None:
    with sandbox.config_path.open("a", encoding="utf-8") as handle:
        handle.write(f'\n[flows.bad]\nkind = "actuals"\namounts = "entered"\n{COMMON}')
    with pytest.raises(ConfigurationError, match=r"flows.bad.columns.currency"):
        config_module.load(sandbox.config_path)


def test_an_entity_no_mapping_covers_is_quarantined(sandbox: Sandbox, world: tuple[FlowContext, FakeErp]) -> None:
    ctx, erp = world
    replace_mapping(
        ctx.store, "entities", parse_csv(MAPPING.replace("entity,pattern,*,=", "entity,exact,US1,US1"), "m")
    )
    erp.lines = [US, MX]
    info = run_flow(ctx, "entities")
    found = states(ctx, info.id)
    assert found["mx-1"][0] == RecordState.QUARANTINED.value and "MX1" in found["mx-1"][1]
    assert cells(sandbox, "Entity Actuals") == {("US1", "USD", "6100", "1100", "Mar 26"): Decimal("1000")}


def test_reporting_currency_converts_with_the_rate_and_keeps_it_in_the_audit(
    sandbox: Sandbox, world: tuple[FlowContext, FakeErp]
) -> None:
    ctx, erp = world
    erp.lines = [US, MX, replace(MX, source_key="mx-old", period="2026-01", amount=Decimal("100.00"))]
    info = run_flow(ctx, "reporting")
    assert cells(sandbox, "Entity Actuals") == {
        ("US1", "USD", "6100", "1100", "Mar 26"): Decimal("1000"),
        ("MX1", "USD", "6100", "1100", "Mar 26"): Decimal("1084"),  # 20,000.00 MXN at 0.0542
    }
    records = {r.source_key: r for r in audit_page(ctx.store, info.id)}
    conversion = records["mx-1"].payload["conversion"]
    assert conversion == {
        "amount": "20000.00",
        "currency": "MXN",
        "rate": "0.0542",
        "rate_type": "Corporate",
        "rate_date": "2026-03-31",
        "converted": "1084.00",
        "to": "USD",
    }
    old = records["mx-old"]  # January: the file's first MXN rate is of February
    assert old.state == RecordState.QUARANTINED.value
    assert "no Corporate rate from MXN to USD on or before 2026-01-31" in old.reason
    assert reconcile(ctx, "reporting").differences == []
