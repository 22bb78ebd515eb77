"""A rejected row that cannot be joined back to its cell makes the load untrustworthy: its records
must not be marked loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ml_connector.engine.audit import AuditEntry, AuditTrail
from ml_connector.engine.runs import RunLog
from ml_connector.engine.states import RecordState
from ml_connector.errors import TaskFailedError
from ml_connector.flows.loading import load_rows
from ml_connector.store import Store
from ml_connector.systems.anaplan.imports import ImportOutcome, RejectedRow
from ml_connector.systems.anaplan.tasks import TaskOutcome
from tests.support.planning import MODEL, FakePlanningModel


def rejecting(rejected_line: int) -> FakePlanningModel:
    """An import that rejects one row, named by its line in the file (the header is line 1)."""

    def load(name: str, path: Path, rows_sent: int) -> ImportOutcome:
        counts = ["successRowCount", str(rows_sent - 1), "failedCount", "1", "ignoredCount", "0"]
        task = TaskOutcome("import", "112", "t1", "COMPLETE", True, True, {"details": [{"values": counts}]})
        return ImportOutcome.of(task, [RejectedRow(rejected_line, {}, "Invalid member")])

    return FakePlanningModel(loader=load)


def run(store: Store, tmp_path: Path, rejected_line: int) -> tuple[AuditTrail, Any]:
    run_id = RunLog(store).start("f")
    audit = AuditTrail(store, run_id)
    audit.add([AuditEntry("erp", f"k{i}", "gl", {}, RecordState.STAGED, target_key=f"GL|c{i}") for i in range(3)])
    rows = [(f"GL|c{i}", {"Code": f"c{i}"}) for i in range(3)]
    result = load_rows(
        rejecting(rejected_line),
        MODEL,
        "Load",
        rows,
        audit,
        prefix="GL|",
        columns=["Code"],
        path=tmp_path / "load.csv",
    )
    return audit, result


def test_a_rejected_row_is_joined_to_its_cell(store: Store, tmp_path: Path) -> None:
    audit, result = run(store, tmp_path, 3)  # header is line 1: line 3 is the second row
    assert result.rejected_cells == {"GL|c1": "Invalid member"}
    assert audit.counts() == {RecordState.FAILED.value: 1, RecordState.STAGED.value: 2}


@pytest.mark.parametrize("line", [0, 1, 99])
def test_a_rejected_row_without_a_usable_line_number_is_not_ignored(store: Store, tmp_path: Path, line: int) -> None:
    with pytest.raises(TaskFailedError, match="line"):
        run(store, tmp_path, line)
