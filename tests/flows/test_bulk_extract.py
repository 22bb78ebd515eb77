"""`extract = "bulk"` for Oracle actuals: the same cells as REST, auto above the threshold, failed jobs and
broken files handled, nothing doubled when a flow switches route. All over real HTTP, read from the
emulators' own read-outs."""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from ml_connector import config as config_module
from ml_connector.demo.sandbox import Emulators, Sandbox, configure
from ml_connector.engine import watermarks
from ml_connector.engine.runs import RunInfo
from ml_connector.engine.states import RecordState, RunState
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow
from ml_connector.root import Root
from ml_connector.service.shutdown import ServiceStopping, StopFlag, StoppableProgress
from tests.support.cli import invoke

FLOW = "actuals-oracle"
EXTRA_LINES = 600


def cells(box: Sandbox, module: str = "Actuals") -> dict[tuple[str, ...], Decimal]:
    rows = httpx.get(f"{box.url('anaplan')}/_emulator/models/FP&A/modules/{module}/cells").json()
    return {tuple(str(v) for k, v in sorted(row.items()) if k != "value"): Decimal(str(row["value"])) for row in rows}


def export_jobs(box: Sandbox, report: str = "JournalLinesExtract") -> list[dict[str, object]]:
    """The extract jobs of one report (by its job definition), in submit order."""
    jobs = httpx.get(f"{box.url('oracle')}/_emulator/jobs").json()
    mine = [j for j in jobs if any("Report rows" in line for line in j["log"]) or j["RequestStatus"] == "ERROR"]
    return [j for j in mine if str(j["JobName"]).endswith(f",{report}")]


def payables_reads(box: Sandbox) -> int:
    """REST requests made so far for invoices and payments."""
    requests = httpx.get(f"{box.url('oracle')}/_emulator/stats").json()["requests"]
    return sum(sum(n.values()) for path, n in requests.items() if "/invoices" in path or "/payablesPayments" in path)


def add_volume(box: Sandbox) -> None:
    httpx.put(f"{box.url('oracle')}/_emulator/volume", json={"extra_lines": EXTRA_LINES, "seed": 7}).raise_for_status()


def arm(box: Sandbox, **faults: int) -> None:
    httpx.put(f"{box.url('oracle')}/_emulator/exports", json=faults).raise_for_status()


def run_actuals(ctx: FlowContext, extract: str, since: datetime | None = None, **settings: int) -> RunInfo:
    flow = ctx.config.flow(FLOW)
    flow.extract = extract  # type: ignore[assignment]
    for name, value in settings.items():
        setattr(flow, name, value)
    return run_flow(ctx, FLOW, since=since)


def test_bulk_and_rest_give_identical_cells(emulators: Emulators, sandbox: Sandbox, tmp_path: Path) -> None:
    add_volume(sandbox)
    totals = {}
    spend = {}
    counts = {}
    for route, box in (("rest", sandbox), ("bulk", configure(emulators, tmp_path / "bulk"))):
        httpx.post(f"{box.url('anaplan')}/_emulator/reset").raise_for_status()
        root = Root(config_module.load(box.config_path))
        try:
            ctx = root.flow_context()
            run_flow(ctx, "reference-oracle")
            before = payables_reads(box)
            info = run_actuals(ctx, route)
            made = payables_reads(box) - before
        finally:
            root.close()
        assert info.state == RunState.PARTIAL, info.error  # seeded bad lines
        assert info.detail["extract"] == route
        assert info.detail["extract_invoices"] == info.detail["extract_payments"] == route
        assert (made == 0) is (route == "bulk")  # bulk reads no invoice or payment page
        totals[route] = cells(box)
        spend[route] = cells(box, "Supplier Spend")
        counts[route] = info.counts
    assert len(totals["rest"]) > 20
    assert totals["bulk"] == totals["rest"]
    assert len(spend["rest"]) > 20 and any(v for v in spend["rest"].values())
    assert spend["bulk"] == spend["rest"]  # invoices and payments: the same cells
    assert counts["bulk"] == counts["rest"]
    assert counts["rest"].get(RecordState.LOADED.value, 0) > EXTRA_LINES


def test_switching_route_never_doubles_a_number(sandbox: Sandbox, ctx: FlowContext) -> None:
    run_flow(ctx, "reference-oracle")
    run_actuals(ctx, "rest")
    loaded = cells(sandbox)
    mark = watermarks.read(ctx.store, FLOW, "oracle")
    # The overlap window makes the bulk run read the REST run's lines again: same keys, counted once.
    again = run_actuals(ctx, "bulk", overlap_minutes=7 * 24 * 60)
    assert again.state in (RunState.SUCCEEDED, RunState.PARTIAL), again.error
    assert again.counts.get(RecordState.LOADED.value, 0) == 0
    assert cells(sandbox) == loaded
    back = run_actuals(ctx, "rest")
    assert back.counts.get(RecordState.LOADED.value, 0) == 0
    assert cells(sandbox) == loaded
    later = watermarks.read(ctx.store, FLOW, "oracle")
    assert mark is not None and later is not None and later >= mark


def test_auto_takes_bulk_only_above_the_threshold(sandbox: Sandbox, ctx: FlowContext) -> None:
    run_flow(ctx, "reference-oracle")
    add_volume(sandbox)
    below = run_actuals(ctx, "auto", bulk_above_lines=10_000_000)
    assert below.detail["extract"] == "rest"
    assert below.detail["estimated_lines"] > EXTRA_LINES
    assert export_jobs(sandbox) == []
    # Read everything again (the volume's lines are older than the watermark), now above the threshold.
    above = run_actuals(ctx, "auto", since=datetime(2000, 1, 1, tzinfo=UTC), bulk_above_lines=EXTRA_LINES)
    assert above.detail["extract"] == "bulk"
    assert len(export_jobs(sandbox)) == 1
    assert above.counts.get(RecordState.LOADED.value, 0) == 0  # the same lines: nothing new to send


def test_a_failed_job_is_submitted_again_and_a_broken_download_fetched_again(
    sandbox: Sandbox, ctx: FlowContext
) -> None:
    run_flow(ctx, "reference-oracle")
    arm(sandbox, fail=1, corrupt=1)
    info = run_actuals(ctx, "bulk")
    assert info.state == RunState.PARTIAL, info.error
    # One job ended in error and was submitted again; its broken output was downloaded again, not resubmitted.
    assert [j["RequestStatus"] for j in export_jobs(sandbox)] == ["ERROR", "SUCCEEDED"]
    assert info.counts.get(RecordState.LOADED.value, 0) > 100


def test_an_extract_that_keeps_failing_fails_the_run_and_keeps_the_watermark(
    sandbox: Sandbox, ctx: FlowContext
) -> None:
    run_flow(ctx, "reference-oracle")
    arm(sandbox, fail=2, corrupt=5)
    text = sandbox.config_path.read_text(encoding="utf-8")
    bulk = text.replace("\n[flows.actuals-oracle]\n", '\n[flows.actuals-oracle]\nextract = "bulk"\n')
    sandbox.config_path.write_text(bulk, encoding="utf-8")
    result = invoke(sandbox, "run", FLOW, width=400)
    assert result.exit_code == 4, result.output
    said = " ".join(result.output.split())
    assert "extract failed 3 times" in said and "ended ERROR" in said and "arrived broken" in said
    assert "the watermark did not move" in said
    assert "Traceback" not in result.output
    assert watermarks.read(ctx.store, FLOW, "oracle") is None
    assert cells(sandbox) == {}
    arm(sandbox)
    after = invoke(sandbox, "run", FLOW, width=400)
    assert "GL lines read through one exportBulkData extract" in after.output, after.output
    assert "Supplier invoices and payments read through one bulk read each" in after.output
    loaded = cells(sandbox)
    assert loaded
    unchanged = run_actuals(ctx, "bulk")  # no change since: nothing sent, nothing moved in Anaplan
    assert unchanged.counts.get(RecordState.LOADED.value, 0) == 0
    assert cells(sandbox) == loaded


def test_a_run_stopped_while_its_export_job_runs_stops_polling_and_names_the_job(
    sandbox: Sandbox, ctx: FlowContext, caplog: pytest.LogCaptureFixture
) -> None:
    # Oracle's erpintegrations REST resource documents no cancel of an ESS request: the run stops waiting
    # at once and logs the request id for an administrator; the job, which only reads, runs to its end.
    run_flow(ctx, "reference-oracle")
    httpx.put(f"{sandbox.url('oracle')}/_emulator/ess", json={"seconds": 600}).raise_for_status()
    flag = StopFlag()
    stoppable = dataclasses.replace(ctx, progress=StoppableProgress(flag))
    outcome: list[BaseException | None] = []

    def go() -> None:
        try:
            run_actuals(stoppable, "bulk")
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - what the run ended with is the test's subject
            outcome.append(exc)

    worker = threading.Thread(target=go)
    try:
        worker.start()
        for _ in range(400):
            jobs = httpx.get(f"{sandbox.url('oracle')}/_emulator/jobs").json()
            running = [j["ReqstId"] for j in jobs if j["RequestStatus"] == "RUNNING" and j["JobName"]]
            if running:
                break
            time.sleep(0.05)
        assert running
        flag.abort.set()
        worker.join(30)
        assert not worker.is_alive()
    finally:
        httpx.put(f"{sandbox.url('oracle')}/_emulator/ess", json={"seconds": 0.5}).raise_for_status()
    assert outcome and (outcome[0] is None or isinstance(outcome[0], ServiceStopping)), outcome
    assert f"extract job {running[0]}" in caplog.text and "documents no cancel" in caplog.text
    assert watermarks.read(ctx.store, FLOW, "oracle") is None
