"""A real `ml-connector run actuals-oracle` killed with SIGKILL while its staging commits several batches
per transaction (at a segment's commit, or between batches of an open segment) leaves only whole segments
of a run nobody will merge, and the next run loads everything exactly once: Anaplan's cells equal those
of a clean run of the same data, each source line is once in the ledger, and the dead run stages nothing."""

from __future__ import annotations

import signal
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from ml_connector import config as config_module
from ml_connector.demo.sandbox import Emulators, Sandbox, configure
from ml_connector.engine import watermarks
from ml_connector.engine.states import RecordState, RunState
from ml_connector.flows.runner import run_flow
from ml_connector.root import Root
from ml_connector.store.models import AuditRecord, LoadedLine, Run
from tests.flows.test_kill_in_the_batched_commit import cells, killed_run

EXTRA_LINES = 11_000  # three segments of 5,000 lines


def seeded(emulators: Emulators, folder: Path) -> Sandbox:
    """The emulators back at the seeded company plus the same extra posted lines, and a fresh sandbox."""
    emulators.reset()
    box = configure(emulators, folder)
    volume = {"extra_lines": EXTRA_LINES, "seed": 3}
    httpx.put(f"{box.url('oracle')}/_emulator/volume", json=volume, timeout=120).raise_for_status()
    return box


def clean_cells(emulators: Emulators, folder: Path) -> dict[tuple[str, str, str], Decimal]:
    """What Anaplan holds after one uninterrupted run of the data."""
    box = seeded(emulators, folder)
    root = Root(config_module.load(box.config_path))
    try:
        ctx = root.flow_context()
        run_flow(ctx, "reference-oracle")
        assert run_flow(ctx, "actuals-oracle").state in (RunState.SUCCEEDED, RunState.PARTIAL)
    finally:
        root.close()
    return cells(box)


@pytest.mark.parametrize("point", ["staging.segment_commit:2", "actuals.staging_batch:7"])
def test_a_run_killed_in_a_staging_segment_is_loaded_once_by_the_next(
    emulators: Emulators, tmp_path: Path, point: str
) -> None:
    expected = clean_cells(emulators, tmp_path / "clean")
    assert expected

    box = seeded(emulators, tmp_path / "killed")
    root = Root(config_module.load(box.config_path))
    try:
        ctx = root.flow_context()
        run_flow(ctx, "reference-oracle")
        killed = killed_run(box, point)
        assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
        assert not cells(box)  # killed while staging: nothing reached Anaplan
        with ctx.store.session() as session:
            (dead,) = session.execute(select(Run.id, Run.state).where(Run.flow == "actuals-oracle")).all()
            assert dead.state == RunState.RUNNING.value
            assert session.execute(select(func.count()).select_from(LoadedLine)).scalar_one() == 0
            kept = session.execute(select(func.count()).where(AuditRecord.run_id == dead.id)).scalar_one()
        assert 0 < kept < EXTRA_LINES  # whole segments before the kill; the open one is gone
        assert watermarks.read(ctx.store, "actuals-oracle", "oracle") is None

        resumed = run_flow(ctx, "actuals-oracle")
        assert resumed.state in (RunState.SUCCEEDED, RunState.PARTIAL)
        assert cells(box) == expected  # every number once: not doubled by the dead run's staging, none lost
        with ctx.store.session() as session:
            closed = session.execute(select(Run.state).where(Run.id == dead.id)).scalar_one()
            ledger = session.execute(select(LoadedLine.source_key, func.count()).group_by(LoadedLine.source_key)).all()
            loaded = set(
                session.execute(
                    select(AuditRecord.source_key).where(
                        AuditRecord.run_id == resumed.id, AuditRecord.state == RecordState.LOADED.value
                    )
                ).scalars()
            )
            left = session.execute(
                select(func.count()).where(
                    AuditRecord.run_id == dead.id,
                    (AuditRecord.state == RecordState.STAGED.value) | (AuditRecord.ledger_op != ""),
                )
            ).scalar_one()
        assert closed == RunState.INTERRUPTED.value
        assert {key for key, _ in ledger} == loaded
        assert all(count == 1 for _, count in ledger)
        assert left == 0  # the dead run's records say they were discarded, and nothing of it stays staged
    finally:
        root.close()
