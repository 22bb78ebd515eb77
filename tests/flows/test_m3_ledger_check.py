"""The ledger check on M3: after a load, the touched periods' cells are compared with M3's own balances
(GLS215MI LstPerBalances, dimensions named by GetBitFromPtid); a line the GL lists did not show is a
warning that names its cell."""

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

HIDDEN = {"division": "US1", "period": "2026-03", "account": "6300", "cost_center": "1100", "amount": "99.50"}


def on_us1(box: Sandbox) -> Root:
    """The connection reads Detroit (US1) alone: its periods are calendar months, as the flow reads them."""
    text = box.config_path.read_text(encoding="utf-8")
    box.config_path.write_text(text.replace('divisions = "US1,US2"', 'division = "US1"'), encoding="utf-8")
    return Root(config_module.load(box.config_path))


def test_a_hidden_m3_line_is_a_warning_naming_its_cell(sandbox: Sandbox) -> None:
    root = on_us1(sandbox)
    try:
        _hidden_line_is_caught(sandbox, root.flow_context())
    finally:
        root.close()


def _hidden_line_is_caught(sandbox: Sandbox, ctx: FlowContext) -> None:
    run_flow(ctx, "reference-infor")
    first = run_flow(ctx, "actuals-infor").detail["balance_check"]
    # 13 seeded months agree to the cent; the seeded bad lines (unmapped 1999, amount "12O.50") are
    # quarantined, and their cells are left out of the comparison or never reach M3's balance file.
    assert len(first["periods"]) == 13 and first["differing"] == 0, first["cells"][:3]
    httpx.post(f"{sandbox.url('infor')}/_emulator/m3/hidden", json=HIDDEN).raise_for_status()
    info = run_flow(ctx, "actuals-infor", since=datetime(2000, 1, 1, tzinfo=UTC))
    check = info.detail["balance_check"]
    assert check["differing"] == 1, check["cells"]
    (cell,) = check["cells"]
    assert cell["cell"].split("|")[2:5] == ["6300", "1100", "Mar 26"]
    assert Decimal(cell["erp"]) - Decimal(cell["loaded"]) == Decimal("99.50")
    since = "2000-01-01T00:00:00+00:00"
    result = invoke(sandbox, "run", "actuals-infor", "--since", since, "--period", "2026-03", width=200)
    assert "warning: 1 cell(s) differ from the ERP's own balances" in result.output
    assert f"{cell['cell']}: ERP {cell['erp']}, loaded {cell['loaded']}" in result.output


def test_on_calendar_months_a_division_on_a_fiscal_year_is_not_compared_cell_by_cell(
    sandbox: Sandbox, ctx: FlowContext
) -> None:
    """Read on calendar months, Monterrey's (4-4-5) and Toledo's (13 periods) lines are in their dates' months
    while GLS215MI keeps their fiscal periods: comparing them reported every cell of theirs as differing
    (155 cells). The check says it has no balances to compare instead."""
    run_flow(ctx, "reference-infor")
    info = run_flow(ctx, "actuals-infor")
    assert not info.error and info.detail.get("balance_check") is None


def test_a_hidden_line_in_a_division_not_read_is_not_compared(sandbox: Sandbox) -> None:
    """A connection with one division compares that division's balances only."""
    elsewhere = {**HIDDEN, "division": "MX1"}
    httpx.post(f"{sandbox.url('infor')}/_emulator/m3/hidden", json=elsewhere).raise_for_status()
    root = on_us1(sandbox)
    try:
        ctx = root.flow_context()
        run_flow(ctx, "reference-infor")
        check = run_flow(ctx, "actuals-infor").detail["balance_check"]
    finally:
        root.close()
    assert check["differing"] == 0, check["cells"][:3]


def test_balances_take_the_flows_sign_rule(sandbox: Sandbox) -> None:
    """With flip_signs, revenue is loaded positive; M3's balances (credits) are compared the same way, not
    reported as differing cells."""
    text = sandbox.config_path.read_text(encoding="utf-8")
    flow = "[flows.actuals-infor]\n"
    sandbox.config_path.write_text(text.replace(flow, flow + 'flip_signs = ["revenue"]\n'), encoding="utf-8")
    root = on_us1(sandbox)
    try:
        ctx = root.flow_context()
        run_flow(ctx, "reference-infor")
        check = run_flow(ctx, "actuals-infor", periods={"2026-03"}).detail["balance_check"]
    finally:
        root.close()
    assert check["periods"] == ["2026-03"] and check["differing"] == 0, check["cells"][:3]


def test_on_a_4_4_5_division_balances_are_compared_by_fiscal_period(sandbox: Sandbox, ctx: FlowContext) -> None:
    """Monterrey (MX1) keeps a 4-4-5 year and is read on it (`calendar = "erp"`): GLS215MI's YEA4/PERI are its
    fiscal year and period number, so the loaded fiscal periods agree to the cent (the 30 March accrual in
    P04 on both sides), and a line in P04 that no GL list shows is caught in the "Apr 26" cell."""
    run_flow(ctx, "reference-infor")
    first = run_flow(ctx, "actuals-mexico").detail["balance_check"]
    assert first is not None, "the check used to be skipped on a fiscal calendar"
    assert first["periods"] and all("-P" in p for p in first["periods"]), first["periods"]
    assert first["differing"] == 0, first["cells"][:3]
    hidden = {"division": "MX1", "period": "2026-04", "account": "6300", "cost_center": "1200", "amount": "77.25"}
    httpx.post(f"{sandbox.url('infor')}/_emulator/m3/hidden", json=hidden).raise_for_status()  # period 4
    check = run_flow(ctx, "actuals-mexico", since=datetime(2000, 1, 1, tzinfo=UTC)).detail["balance_check"]
    assert check["differing"] == 1, check["cells"]
    (cell,) = check["cells"]
    assert cell["cell"].split("|")[1:5] == ["MX1", "6300", "1200", "Apr 26"], cell
    assert Decimal(cell["erp"]) - Decimal(cell["loaded"]) == Decimal("77.25")
