"""`run --since` later than the watermark reads a window with a gap before it: it must not move the
watermark over the records in the gap, or no run would ever read them."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx

from ml_connector.demo.sandbox import Sandbox
from ml_connector.engine import watermarks
from ml_connector.engine.states import RecordState
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow


def touch(box: Sandbox, count: int) -> None:
    httpx.post(f"{box.url('oracle')}/_emulator/journals/touch", json={"count": count}).raise_for_status()


def test_a_since_run_past_the_watermark_does_not_skip_the_gap(sandbox: Sandbox, ctx: FlowContext) -> None:
    run_flow(ctx, "reference-oracle")
    run_flow(ctx, "actuals-oracle")
    mark = watermarks.read(ctx.store, "actuals-oracle", "oracle")
    ctx.config.flow("actuals-oracle").overlap_minutes = 0
    touch(sandbox, 3)  # changed in the gap
    time.sleep(1.1)
    middle = datetime.now(UTC)
    time.sleep(1.1)
    touch(sandbox, 3)  # changed after --since
    run_flow(ctx, "actuals-oracle", since=middle)
    assert watermarks.read(ctx.store, "actuals-oracle", "oracle") == mark
    after = run_flow(ctx, "actuals-oracle")
    assert after.counts.get(RecordState.LOADED.value, 0) >= 3  # the gap's lines, read at last
