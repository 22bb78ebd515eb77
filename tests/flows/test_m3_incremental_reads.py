"""M3 reads incrementally: a run with nothing changed asks Infor for a handful of requests, counted by the
emulator itself, and a line changed after the last run (even on the watermark's own day) is read and loaded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from ml_connector.demo.sandbox import Sandbox
from ml_connector.engine import watermarks
from ml_connector.engine.states import RecordState
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow


def infor_requests(box: Sandbox) -> int:
    stats: dict[str, Any] = httpx.get(f"{box.url('infor')}/_emulator/stats", timeout=10).json()
    return int(stats["total"])


def test_a_run_with_no_change_makes_at_most_ten_infor_requests(sandbox: Sandbox, ctx: FlowContext) -> None:
    run_flow(ctx, "reference-infor")
    first = run_flow(ctx, "actuals-infor")
    assert first.counts.get(RecordState.LOADED.value, 0) > 500
    before = infor_requests(sandbox)
    again = run_flow(ctx, "actuals-infor")
    made = infor_requests(sandbox) - before
    assert made <= 10, f"a run with nothing changed made {made} Infor requests"
    assert again.counts.get(RecordState.LOADED.value, 0) == 0


def loadable_lines(box: Sandbox, count: int) -> list[int]:
    """Positions of posted lines the demo mapping loads (seeded GL lines of a plant, numeric amounts)."""
    backend = box.emulators["infor"].backend
    picked = []
    for n, line in enumerate(backend.lines):
        if line.cost_center in ("1100", "1200", "1300") and line.text and not line.reference:
            try:
                Decimal(line.amount)
            except ArithmeticError:
                continue
            picked.append(n)
        if len(picked) == count:
            return picked
    raise AssertionError("the seed has no such lines")


def test_lines_changed_at_the_watermark_and_just_before_it_are_read_again(sandbox: Sandbox, ctx: FlowContext) -> None:
    run_flow(ctx, "reference-infor")
    run_flow(ctx, "actuals-infor")
    mark = watermarks.read(ctx.store, "actuals-infor", "infor")
    assert mark is not None
    at_mark, late = loadable_lines(sandbox, 2)
    changes = [(at_mark, mark), (late, mark - timedelta(minutes=30))]  # late-arriving: stamped before the mark
    for line, when in changes:
        body = {"line": line, "amount": "4321.09", "changed": when.isoformat()}
        httpx.post(f"{sandbox.url('infor')}/_emulator/ledger/change", json=body, timeout=10).raise_for_status()
    again = run_flow(ctx, "actuals-infor")
    assert again.counts.get(RecordState.LOADED.value, 0) == 2
    after = watermarks.read(ctx.store, "actuals-infor", "infor")
    assert after is not None and after >= mark
    assert after <= datetime.now(UTC)
