"""The guarantees of DESIGN.md section 2, shown on whole flow runs against the emulators."""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from ml_connector.demo.sandbox import ANAPLAN_PASSWORD, ORACLE_PASSWORD, Sandbox
from ml_connector.engine import watermarks
from ml_connector.engine.staging_area import StagingArea
from ml_connector.engine.states import RecordState, RunState
from ml_connector.errors import ConnectorError
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow
from ml_connector.store.models import AuditRecord, LoadedLine


def cells(box: Sandbox) -> dict[tuple[str, str, str], Decimal]:
    rows = httpx.get(f"{box.url('anaplan')}/_emulator/models/FP&A/modules/Actuals/cells").json()
    return {(r["GL Accounts"], r["Cost Centers"], r["Time"]): Decimal(str(r["value"])) for r in rows}


def faults(box: Sandbox, system: str, **settings: object) -> None:
    httpx.put(f"{box.url(system)}/_emulator/faults", json=settings).raise_for_status()


def clean_cells(ctx: FlowContext, box: Sandbox) -> dict[tuple[str, str, str], Decimal]:
    assert run_flow(ctx, "reference-oracle").state in (RunState.SUCCEEDED, RunState.PARTIAL)
    run_flow(ctx, "actuals-oracle")
    return cells(box)


def test_failed_load_moves_no_watermark_and_the_next_run_loads_everything_once(
    sandbox: Sandbox, ctx: FlowContext
) -> None:
    run_flow(ctx, "reference-oracle")
    faults(sandbox, "anaplan", rate_5xx=1.0, path_contains="/tasks")
    with pytest.raises(ConnectorError):
        run_flow(ctx, "actuals-oracle")
    assert watermarks.read(ctx.store, "actuals-oracle", "oracle") is None
    with ctx.store.session() as session:
        assert session.execute(select(func.count()).select_from(LoadedLine)).scalar_one() == 0
    faults(sandbox, "anaplan")
    second = run_flow(ctx, "actuals-oracle")
    assert second.state == RunState.PARTIAL  # the seeded bad records
    assert watermarks.read(ctx.store, "actuals-oracle", "oracle") is not None
    loaded = cells(sandbox)
    # a third run with nothing new changes nothing
    third = run_flow(ctx, "actuals-oracle")
    assert third.counts.get(RecordState.LOADED.value, 0) == 0
    assert cells(sandbox) == loaded


def test_crash_after_the_load_but_before_the_commit_doubles_nothing(
    sandbox: Sandbox, ctx: FlowContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_flow(ctx, "reference-oracle")

    def crash(*args: object, **kwargs: object) -> int:
        raise KeyboardInterrupt  # the process is stopped right after Anaplan took the load

    with monkeypatch.context() as patch:
        patch.setattr(StagingArea, "merge", crash)
        with pytest.raises(KeyboardInterrupt):
            run_flow(ctx, "actuals-oracle")
    interrupted = cells(sandbox)
    assert interrupted  # Anaplan has the totals
    assert watermarks.read(ctx.store, "actuals-oracle", "oracle") is None
    resumed = run_flow(ctx, "actuals-oracle")
    assert resumed.state == RunState.PARTIAL
    assert cells(sandbox) == interrupted  # the same totals again: overwritten, not added
    with ctx.store.session() as session:
        states = dict(
            session.execute(
                select(AuditRecord.state, func.count())
                .where(AuditRecord.run_id != resumed.id)
                .where(AuditRecord.kind == "gl")
                .group_by(AuditRecord.state)
            ).all()
        )
    assert states.get(RecordState.DISCARDED.value, 0) > 0  # the stopped run's records say what happened


def test_429_storms_and_expired_tokens_change_nothing(sandbox: Sandbox, ctx: FlowContext, tmp_path: Path) -> None:
    run_flow(ctx, "reference-oracle")
    for system in ("anaplan", "oracle"):
        faults(sandbox, system, rate_429=0.15, retry_after_seconds=0, seed=7)
        httpx.post(f"{sandbox.url(system)}/_emulator/expire-tokens").raise_for_status()
    stormy = run_flow(ctx, "actuals-oracle")
    assert stormy.state == RunState.PARTIAL
    stats = httpx.get(f"{sandbox.url('anaplan')}/_emulator/stats").json()
    assert sum(v.get("429", 0) for v in stats["requests"].values()) > 0
    stormy_cells = cells(sandbox)
    reconciled = {k: v for k, v in stormy_cells.items() if v}
    assert reconciled
    # against the ERP's own totals
    from ml_connector.flows.reconcile import reconcile

    for system in ("anaplan", "oracle"):
        faults(sandbox, system)
    result = reconcile(ctx, "actuals-oracle")
    assert result.differences == []


def test_no_secret_in_logs_store_or_audit(sandbox: Sandbox, ctx: FlowContext, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    run_flow(ctx, "reference-oracle")
    run_flow(ctx, "actuals-oracle")
    store_file = Path(str(ctx.store.engine.url.database))
    data = store_file.read_bytes()
    for wal in store_file.parent.glob(store_file.name + "-*"):
        data += wal.read_bytes()
    for secret in (ANAPLAN_PASSWORD, ORACLE_PASSWORD):
        assert secret not in caplog.text
        assert secret.encode() not in data
        assert secret not in sandbox.config_path.read_text()
