"""Reference then actuals, Oracle and Infor into the Anaplan emulator, checked from the emulator's cells."""

from __future__ import annotations

from decimal import Decimal

import httpx

from ml_connector.demo.sandbox import Sandbox
from ml_connector.engine.states import RecordState, RunState
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow


def cells(box: Sandbox, module: str = "Actuals") -> dict[tuple[str, ...], Decimal]:
    url = f"{box.url('anaplan')}/_emulator/models/FP&A/modules/{module}/cells"
    rows = httpx.get(url).json()
    out: dict[tuple[str, ...], Decimal] = {}
    for row in rows:
        key = tuple(str(v) for k, v in sorted(row.items()) if k not in ("value",))
        out[key] = Decimal(str(row["value"]))
    return out


def test_oracle_reference_then_actuals(sandbox: Sandbox, ctx: FlowContext) -> None:
    ref = run_flow(ctx, "reference-oracle")
    assert ref.state in (RunState.SUCCEEDED, RunState.PARTIAL), ref.error
    first = run_flow(ctx, "actuals-oracle")
    assert first.state == RunState.PARTIAL, first.error  # the seeded bad records are quarantined
    assert first.counts.get(RecordState.LOADED.value, 0) > 100
    assert first.counts.get(RecordState.QUARANTINED.value, 0) >= 1
    loaded = cells(sandbox)
    assert loaded
    again = run_flow(ctx, "actuals-oracle")
    assert again.counts.get(RecordState.LOADED.value, 0) == 0  # nothing new: nothing re-sent
    assert cells(sandbox) == loaded
