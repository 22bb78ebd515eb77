"""The commit's move of records to `loaded` also clears their staging marks, in the same row write:
after it nothing of the run is staged, so the run frame's clean-up has no row left to write again."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, literal_column, select

from ml_connector.engine.audit import AuditEntry, AuditTrail
from ml_connector.engine.commit import commit
from ml_connector.engine.runs import RunLog
from ml_connector.engine.staging_area import StagedLine, StagingArea
from ml_connector.engine.states import RecordState
from ml_connector.store import Store
from ml_connector.store.models import AuditRecord
from tests.engine.test_commit import CELL, Load, cell_total


def marked(store: Store, run_id: str) -> int:
    with store.session() as session:
        return int(
            session.execute(
                select(func.count()).where(AuditRecord.run_id == run_id, AuditRecord.ledger_op != literal_column("''"))
            ).scalar_one()
        )


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest) -> Store:
    made: Store = request.getfixturevalue("store" if request.param == "sqlite" else "pg_store")
    return made


def test_a_committed_run_marks_no_line_staged(any_store: Store) -> None:
    store = any_store
    first = RunLog(store).start("f")
    audit, staging = AuditTrail(store, first), StagingArea(store, "f", first)
    entries = [AuditEntry("erp", k, "gl", {"k": k}, RecordState.STAGED, target_key=CELL) for k in ("a", "b", "c")]
    staging.take(audit, entries, [StagedLine(e.source_key, CELL, 1_000_000, "", e.hash) for e in entries], {})
    commit(store, "f", first, staging, audit, [Load()], None)
    assert marked(store, first) == 0

    # A second run restages one line, tombstones another and stages a new one.
    second = RunLog(store).start("f")
    audit, staging = AuditTrail(store, second), StagingArea(store, "f", second)
    staging.stage([StagedLine("a", CELL, 3_000_000, "", "a2"), StagedLine("d", CELL, 1_000_000, "", "d1")])
    staging.tombstone(["b"], {"b": "b1"})
    assert marked(store, second) == 3
    commit(store, "f", second, staging, audit, [Load(task_id="task-2")], None)
    assert marked(store, second) == 0
    assert audit.counts() == {"loaded": 3}
    totals = {t.target_key: t.amount for t in StagingArea(store, "f", RunLog(store).start("f")).totals("GL|")}
    assert totals == {}  # a new run has staged nothing, so it touches no cell
    # "a" (now 3) + "c" (1) + "d" (1); "b" left the cell: cleared marks take nothing out of the ledger
    assert cell_total(store) == [(CELL, Decimal(5))]
