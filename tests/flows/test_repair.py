"""`reconcile --repair` puts the right numbers back after Anaplan lost them (a model restored from a
backup): `run --since` sent nothing (every record unchanged) and `replay` only resends failures."""

from __future__ import annotations

from decimal import Decimal

import httpx

from ml_connector.demo.sandbox import Sandbox
from ml_connector.engine.queries import audit_page
from ml_connector.engine.states import RecordState, Trigger
from ml_connector.flows.context import FlowContext
from ml_connector.flows.reconcile import reconcile, repair
from ml_connector.flows.runner import run_flow
from tests.support.cli import invoke

CELLS = "/_emulator/models/FP&A/modules/Actuals/cells"


def cells(box: Sandbox) -> dict[tuple[str, ...], Decimal]:
    rows = httpx.get(box.url("anaplan") + CELLS).json()
    return {tuple(str(v) for k, v in sorted(r.items()) if k != "value"): Decimal(str(r["value"])) for r in rows}


def test_repair_restores_wiped_cells_and_reconciles(sandbox: Sandbox, ctx: FlowContext) -> None:
    assert not run_flow(ctx, "reference-oracle").error
    run_flow(ctx, "actuals-oracle")
    loaded = cells(sandbox)
    assert reconcile(ctx, "actuals-oracle").differences == []
    httpx.delete(sandbox.url("anaplan") + CELLS).raise_for_status()
    lost = reconcile(ctx, "actuals-oracle").differences
    assert len(lost) > 50
    done = repair(ctx, "actuals-oracle")
    assert done.run is not None and done.run.trigger == Trigger.REPAIR
    assert done.after.differences == [] and done.after.matched == done.before.matched + len(lost)
    assert {k: v for k, v in cells(sandbox).items() if v} == {k: v for k, v in loaded.items() if v}
    records = audit_page(ctx.store, done.run.id)
    assert records and {r.state for r in records} == {RecordState.LOADED.value}
    assert {r.target_key for r in records} == {cell.encode() for cell, _e, _p in lost}


def test_repair_resends_only_the_differing_cells(sandbox: Sandbox, ctx: FlowContext) -> None:
    assert not run_flow(ctx, "reference-oracle").error
    run_flow(ctx, "actuals-oracle")
    httpx.delete(sandbox.url("anaplan") + CELLS).raise_for_status()
    march = repair(ctx, "actuals-oracle", ["2026-03"])
    assert march.run is not None and march.after.differences == []
    sent = march.run.detail["loads"][0]["rows"]
    assert sent == len(march.before.differences) > 0
    # Every other period is still missing, and only those: March's cells were the only ones sent.
    left = reconcile(ctx, "actuals-oracle").differences
    assert left and all(cell["period"] != "Mar 26" for cell, _e, _p in left)
    assert {cell["period"] for cell, _e, _p in left} >= {"Feb 26", "Apr 26"}
    # Nothing to repair is a no-op, not a run.
    again = repair(ctx, "actuals-oracle", ["2026-03"])
    assert again.run is None


def test_cli_repair_after_a_wipe(sandbox: Sandbox) -> None:
    assert invoke(sandbox, "run", "reference-oracle").exit_code == 0
    invoke(sandbox, "run", "actuals-oracle")
    httpx.delete(sandbox.url("anaplan") + CELLS).raise_for_status()
    assert invoke(sandbox, "reconcile", "actuals-oracle").exit_code == 10
    result = invoke(sandbox, "reconcile", "actuals-oracle", "--repair", width=200)
    assert result.exit_code == 0, result.output
    assert "repair run" in result.output and "0 differ" in result.output
    assert invoke(sandbox, "reconcile", "actuals-oracle").exit_code == 0
