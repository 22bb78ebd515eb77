"""M3 reads incrementally: a run with nothing changed asks Infor for a handful of requests, counted by the
emulator itself, and a line changed after the last run (even on the watermark's own day) is read and loaded."""

from __future__ import annotations

from datetime import UTC, datetime
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
