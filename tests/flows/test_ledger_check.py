"""The ledger check: after a load, the touched periods' cells are compared with Oracle's own balances
(`ledgerBalances`); a line the journals did not show is a warning that names its cell."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import httpx

from ml_connector import config as config_module
from ml_connector.demo.sandbox import Sandbox
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow
from ml_connector.root import Root
from tests.support.cli import invoke

CELL = "GL||6300|3100|Mar 26|"


def test_loaded_cells_agree_with_the_ledger(sandbox: Sandbox, ctx: FlowContext) -> None:
    run_flow(ctx, "reference-oracle")
    info = run_flow(ctx, "actuals-oracle")
    check = info.detail["balance_check"]
    assert len(check["periods"]) >= 12 and check["differing"] == 0, check["cells"][:3]


def test_a_hidden_line_is_a_warning_naming_its_cell(sandbox: Sandbox, ctx: FlowContext) -> None:
    run_flow(ctx, "reference-oracle")
    run_flow(ctx, "actuals-oracle")
    hidden = {"period": "Mar-26", "account_combination": "300-3100-6300", "amount": 99.5}
    httpx.post(f"{sandbox.url('oracle')}/_emulator/journals/hidden", json=hidden).raise_for_status()
    info = run_flow(ctx, "actuals-oracle", since=datetime(2000, 1, 1, tzinfo=UTC))
    check = info.detail["balance_check"]
    assert check["differing"] == 1
    (cell,) = check["cells"]
    assert cell["cell"] == CELL and Decimal(cell["erp"]) - Decimal(cell["loaded"]) == Decimal("99.5")
    result = invoke(sandbox, "run", "actuals-oracle", "--since", "2000-01-01T00:00:00+00:00", width=200)
    assert "warning: 1 cell(s) differ from the ERP's own balances" in result.output
    assert f"{CELL}: ERP {cell['erp']}, loaded {cell['loaded']}" in result.output


def on_the_uk_ledger(box: Sandbox) -> None:
    """The Oracle connection reads the Acme UK Ledger (4-4-5, periods P01-26 ..) on its own calendar; the flow
    writes period n as the n-th month's label ("2026-P04" is "Apr 26")."""
    text = box.config_path.read_text(encoding="utf-8")
    text = text.replace('ledger_name = "Acme EU Ledger"\n', 'ledger_name = "Acme UK Ledger"\ncalendar = "erp"\n')
    flow = "\n[flows.actuals-oracle]\n"  # not the commented example at the top of the file
    box.config_path.write_text(text.replace(flow, flow + "months_of_periods = true\n"), encoding="utf-8")


def test_on_a_4_4_5_ledger_balances_are_compared_by_the_ledgers_period_names(sandbox: Sandbox) -> None:
    """ledgerBalances is asked for "P04-26", the name the ledger's calendar gives 2026-P04: the loaded periods
    agree to the cent (the 30 March line in P04 on both sides), and a line in P04 the journals do not show is
    caught in the "Apr 26" cell. Before, the check was skipped on a fiscal calendar."""
    on_the_uk_ledger(sandbox)
    root = Root(config_module.load(sandbox.config_path))
    try:
        ctx = root.flow_context()
        run_flow(ctx, "reference-oracle")
        first = run_flow(ctx, "actuals-oracle").detail["balance_check"]
        assert first is not None and "2026-P04" in first["periods"], first
        assert first["differing"] == 0, first["cells"][:3]
        hidden = {"period": "P04-26", "account_combination": "300-3200-6300", "amount": "41.17"}
        httpx.post(f"{sandbox.url('oracle')}/_emulator/journals/hidden", json=hidden).raise_for_status()
        check = run_flow(ctx, "actuals-oracle", since=datetime(2000, 1, 1, tzinfo=UTC)).detail["balance_check"]
    finally:
        root.close()
    assert check["differing"] == 1, check["cells"]
    (cell,) = check["cells"]
    assert cell["cell"] == "GL||6300|3200|Apr 26|" and Decimal(cell["erp"]) - Decimal(cell["loaded"]) == Decimal(
        "41.17"
    )
