"""The commit: staged lines merged, watermark moved, records marked loaded and the run marked committed,
all in one transaction; and a run whose process died after its commit is not called interrupted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from ml_connector.engine import commit as commit_module
from ml_connector.engine import watermarks
from ml_connector.engine.audit import AuditEntry, AuditTrail
from ml_connector.engine.commit import WatermarkMove, commit
from ml_connector.engine.frame import RunRequest, run_frame
from ml_connector.engine.runs import RunLog
from ml_connector.engine.staging_area import StagedLine, StagingArea
from ml_connector.engine.states import RecordState, RunState
from ml_connector.store import Store
from ml_connector.store.lease import LeaseLocks

CELL = "GL|6100|1100|Jan 26"
MARK = datetime(2026, 3, 1, 12, tzinfo=UTC)


@dataclass(frozen=True)
class Load:
    prefix: str = "GL|"
    task_id: str = "task-1"
    rejected_cells: frozenset[str] = field(default_factory=frozenset)


def staged_run(store: Store, keys: tuple[str, ...] = ("k1", "k2")) -> tuple[str, AuditTrail, StagingArea]:
    run_id = RunLog(store).start("f")
    audit, staging = AuditTrail(store, run_id), StagingArea(store, "f", run_id)
    entries = [AuditEntry("erp", k, "gl", {"k": k}, RecordState.STAGED, target_key=CELL) for k in keys]
    staging.take(audit, entries, [StagedLine(e.source_key, CELL, 2_500_000, "", e.hash) for e in entries], {})
    return run_id, audit, staging


def cell_total(store: Store) -> list[Any]:
    """What the ledger says the cell holds, as a later run of the flow would sum it."""
    probe = RunLog(store).start("f")
    staging = StagingArea(store, "f", probe)
    staging.stage([StagedLine("probe", CELL, 0, "", "probe")])  # touch the cell so totals include it
    totals = [(t.target_key, t.amount) for t in staging.totals("GL|")]
    staging.discard()
    return totals


def test_a_commit_merges_moves_the_watermark_and_marks_loaded(store: Store) -> None:
    run_id, audit, staging = staged_run(store)
    commit(store, "f", run_id, staging, audit, [Load()], WatermarkMove("erp", MARK))
    assert audit.counts() == {"loaded": 2}
    assert watermarks.read(store, "f", "erp") == MARK
    assert cell_total(store) == [(CELL, Decimal(5))]


def test_a_failure_inside_the_commit_leaves_everything_as_it_was(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    run_id, audit, staging = staged_run(store)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(commit_module, "mark_committed", broken)
    with pytest.raises(OSError):
        commit(store, "f", run_id, staging, audit, [Load()], WatermarkMove("erp", MARK))
    assert audit.counts() == {"staged": 2}
    assert watermarks.read(store, "f", "erp") is None
    assert [t.amount for t in staging.totals("GL|")] == [5]  # still staged, nothing merged


def test_rejected_cells_are_not_merged_and_their_records_stay_failed(store: Store) -> None:
    run_id, audit, staging = staged_run(store)
    audit.move(RecordState.STAGED, RecordState.FAILED, target_keys=[CELL], reason="rejected")
    commit(store, "f", run_id, staging, audit, [Load(rejected_cells=frozenset({CELL}))], None)
    assert audit.counts() == {"failed": 2}
    assert cell_total(store) == [(CELL, Decimal(0))]


def test_a_run_killed_after_its_commit_is_closed_as_it_ended_not_as_interrupted(store: Store) -> None:
    run_id, audit, staging = staged_run(store)
    commit(store, "f", run_id, staging, audit, [Load()], WatermarkMove("erp", MARK))
    # ... and the process is killed before the run's finish is written.
    assert RunLog(store).get(run_id).state is RunState.RUNNING
    run_frame(store, LeaseLocks(store, ttl=5.0), RunRequest("f"), lambda scope: None)
    closed = RunLog(store).get(run_id)
    assert closed.state is RunState.SUCCEEDED
    assert closed.counts == {"loaded": 2}
    assert watermarks.read(store, "f", "erp") == MARK
