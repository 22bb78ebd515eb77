"""Records moved by cell, each cell with its own reason (Anaplan's rejections, a dry run's findings):
every record of the named cells moves once, with its cell's reason and an event; nothing else moves."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ml_connector.engine.audit import CELLS_PER_SCAN, AuditEntry, AuditTrail
from ml_connector.engine.runs import RunLog
from ml_connector.engine.states import RecordState
from ml_connector.store import Store
from ml_connector.store.models import AuditEvent, AuditRecord

CELLS = [f"GL|{n:04d}|1100|Jan 26" for n in range(3 * CELLS_PER_SCAN + 7)]  # several scans' worth


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest) -> Store:
    made: Store = request.getfixturevalue("store" if request.param == "sqlite" else "pg_store")
    return made


def staged_run(store: Store, lines_per_cell: int = 3) -> AuditTrail:
    audit = AuditTrail(store, RunLog(store).start("f"))
    entries = []
    for number, cell in enumerate(CELLS):
        for line in range(lines_per_cell):
            entry = AuditEntry("erp", f"k{number}.{line}", "gl", {"n": number, "line": line}, RecordState.STAGED)
            entry.target_key = cell
            entries.append(entry)
    audit.add(entries)
    return audit


def test_each_cell_moves_with_its_own_reason(any_store: Store) -> None:
    other = staged_run(any_store)  # another run with the same cells: untouched
    audit = staged_run(any_store)
    chosen = {cell: (f"rejected {cell}", f"hint {cell}") for cell in CELLS[::2]}
    chosen["GL|no such cell"] = ("never", "")  # a cell with no records moves nothing
    moved = audit.move_cells(RecordState.STAGED, RecordState.FAILED, chosen, target_ref="task-1")
    assert moved == 3 * len(CELLS[::2])
    with any_store.session() as session:
        rows = session.execute(
            select(
                AuditRecord.run_id,
                AuditRecord.target_key,
                AuditRecord.state,
                AuditRecord.reason,
                AuditRecord.hint,
                AuditRecord.target_ref,
            )
        ).all()
        events = session.execute(
            select(AuditEvent.run_id, func.count()).where(AuditEvent.state == "failed").group_by(AuditEvent.run_id)
        ).all()
    for run_id, cell, state, reason, hint, ref in rows:
        if run_id == audit.run_id and cell in chosen:
            assert (state, reason, hint, ref) == ("failed", f"rejected {cell}", f"hint {cell}", "task-1")
        else:
            assert state == "staged" and reason == "" and ref == ""
    assert dict(events) == {audit.run_id: moved}
    assert other.counts() == {"staged": 3 * len(CELLS)}


def test_a_second_move_of_the_same_cells_finds_nothing_left(store: Store) -> None:
    audit = staged_run(store, lines_per_cell=1)
    cells = {cell: ("r", "h") for cell in CELLS[:10]}
    assert audit.move_cells(RecordState.STAGED, RecordState.FAILED, cells) == 10
    assert audit.move_cells(RecordState.STAGED, RecordState.FAILED, cells) == 0
    assert audit.counts() == {"failed": 10, "staged": len(CELLS) - 10}
