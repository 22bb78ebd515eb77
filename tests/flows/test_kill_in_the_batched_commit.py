"""A real `ml-connector run actuals-oracle` killed with SIGKILL inside the commit's one transaction (its
staged lines merged into the ledger, the watermark not yet moved) leaves nothing of that commit behind,
and the next run loads everything once: the same cell totals in Anaplan, each source line once in the
ledger, the watermark moved, and a third run finds nothing to load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import func, select

from ml_connector.demo.sandbox import Sandbox
from ml_connector.engine import watermarks
from ml_connector.engine.states import RecordState, RunState
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow
from ml_connector.store.models import AuditRecord, LoadedLine, Run

CLI = str(Path(sys.executable).parent / "ml-connector")


def cells(box: Sandbox) -> dict[tuple[str, str, str], Decimal]:
    rows = httpx.get(f"{box.url('anaplan')}/_emulator/models/FP&A/modules/Actuals/cells").json()
    return {(r["GL Accounts"], r["Cost Centers"], r["Time"]): Decimal(str(r["value"])) for r in rows}


def killed_run(box: Sandbox, point: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ML_CONNECTOR_FAILPOINTS")}
    return subprocess.run(  # noqa: S603 - our own CLI
        [CLI, "--config", str(box.config_path), "run", "actuals-oracle"],
        env={**env, "ML_CONNECTOR_FAILPOINTS": point},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_a_run_killed_inside_the_batched_commit_is_loaded_once_by_the_next(sandbox: Sandbox, ctx: FlowContext) -> None:
    run_flow(ctx, "reference-oracle")
    killed = killed_run(sandbox, "commit.inside")
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    sent = cells(sandbox)
    assert sent  # Anaplan took the load before the commit began
    with ctx.store.session() as session:
        (dead,) = session.execute(select(Run.id, Run.state).where(Run.flow == "actuals-oracle")).all()
        assert dead.state == RunState.RUNNING.value  # nobody closed it: the process died
        # The merge ran inside the transaction the kill cut short: none of it is in the ledger.
        assert session.execute(select(func.count()).select_from(LoadedLine)).scalar_one() == 0
    assert watermarks.read(ctx.store, "actuals-oracle", "oracle") is None

    resumed = run_flow(ctx, "actuals-oracle")
    assert resumed.state == RunState.PARTIAL  # the seeded bad records
    assert cells(sandbox) == sent  # the same totals again: overwritten, not added
    assert watermarks.read(ctx.store, "actuals-oracle", "oracle") is not None
    with ctx.store.session() as session:
        closed = session.execute(select(Run.state).where(Run.id == dead.id)).scalar_one()
        assert closed == RunState.INTERRUPTED.value
        loaded_keys = (
            session.execute(
                select(AuditRecord.source_key).where(
                    AuditRecord.run_id == resumed.id, AuditRecord.state == RecordState.LOADED.value
                )
            )
            .scalars()
            .all()
        )
        ledger = session.execute(select(LoadedLine.source_key, func.count()).group_by(LoadedLine.source_key)).all()
        stale = session.execute(
            select(func.count()).where(AuditRecord.run_id == dead.id, AuditRecord.state == RecordState.STAGED.value)
        ).scalar_one()
    assert {key for key, _ in ledger} == set(loaded_keys)
    assert all(count == 1 for _, count in ledger)
    assert stale == 0  # the dead run's records say what happened to them (discarded)

    third = run_flow(ctx, "actuals-oracle")
    assert third.counts.get(RecordState.LOADED.value, 0) == 0
    assert cells(sandbox) == sent
