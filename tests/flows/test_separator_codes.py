"""A member code holding the key separator reaches Anaplan intact, and never shares a cell with the
code it used to be rewritten to (`12|00` was written `12/00`: both cost centers' amounts in one cell)."""

from __future__ import annotations

from decimal import Decimal

import httpx

from ml_connector.demo import mappings
from ml_connector.demo.sandbox import Sandbox
from ml_connector.engine.mappings import replace_mapping
from ml_connector.engine.states import RunState
from ml_connector.flows.context import FlowContext
from ml_connector.flows.reconcile import reconcile
from ml_connector.flows.runner import run_flow
from ml_connector.mapping.rules import parse_csv


def test_a_code_with_the_separator_loads_into_its_own_cell(sandbox: Sandbox, ctx: FlowContext) -> None:
    # Detroit (1100) and Toledo (1300): the US divisions actuals-infor reads.
    rules = mappings.INFOR.replace("cost_center,exact,1100,1100", "cost_center,exact,1100,12|00").replace(
        "cost_center,exact,1300,1300", "cost_center,exact,1300,12/00"
    )
    replace_mapping(ctx.store, "infor", parse_csv(rules, "test"))
    reference = run_flow(ctx, "reference-infor")
    assert reference.state in (RunState.SUCCEEDED, RunState.PARTIAL), reference.error
    members = httpx.get(f"{sandbox.url('anaplan')}/_emulator/models/FP&A/lists/Cost Centers/items").json()
    assert {"12|00", "12/00"} <= {m["code"] for m in members}
    actuals = run_flow(ctx, "actuals-infor")
    assert actuals.state == RunState.PARTIAL, actuals.error  # the seeded bad records
    cells = httpx.get(f"{sandbox.url('anaplan')}/_emulator/models/FP&A/modules/Actuals/cells").json()
    filled = {row["Cost Centers"] for row in cells if Decimal(str(row["value"]))}
    assert {"12|00", "12/00"} <= filled
    # Every cell holds what the ERP booked on the cost center mapped to it, not the sum of two.
    result = reconcile(ctx, "actuals-infor")
    assert result.differences == []
    assert {cell["cost_center"] for cell in result.erp} >= {"12|00", "12/00"}
