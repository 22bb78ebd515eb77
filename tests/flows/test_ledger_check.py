"""The ledger check: after a load, the touched periods' cells are compared with Oracle's own balances
(`ledgerBalances`); a line the journals did not show is a warning that names its cell."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import httpx

from ml_connector.demo.sandbox import Sandbox
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow
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
