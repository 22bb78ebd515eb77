"""`load_rows` trusts an import only when every row sent is accounted for by name."""

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
from ml_connector.systems.anaplan import ImportOutcome, RejectedRow, TaskOutcome
from tests.support.planning import MODEL as REF
from tests.support.planning import FakePlanningModel


def fake_import(processed: int, ignored: int, rejected: list[RejectedRow]) -> FakePlanningModel:
    """Answers an import with the counts a test chooses."""

    def load(name: str, path: Path, rows_sent: int) -> ImportOutcome:
        task = TaskOutcome("import", "112000000000", "T1", "COMPLETE", True, bool(rejected))
        return ImportOutcome(task, processed, ignored, len(rejected), rows_sent, rejected=rejected)

    return FakePlanningModel(columns=["Code", "Name"], loader=load)


def run(store: Store, tmp_path: Path, anaplan: Any, *, ignored_ok: bool = False) -> AuditTrail:
    audit = AuditTrail(store, RunLog(store).start("f"))
    rows = [(f"account|{c}", {"Code": c, "Name": c}) for c in ("4000", "5000", "6000")]
    audit.add([AuditEntry("erp", k, "account", {}, RecordState.STAGED, target_key=k) for k, _ in rows])
    load_rows(
        anaplan, REF, "Load GL Accounts", rows, audit, prefix="account|", columns=["Code", "Name"],
        path=tmp_path / "x.csv", ignored_ok=ignored_ok,
    )  # fmt: skip
    return audit


def test_rejected_rows_fail_their_records(store: Store, tmp_path: Path) -> None:
    audit = run(store, tmp_path, fake_import(2, 0, [RejectedRow(3, {"Code": "5000"}, "no such parent")]))
    assert audit.counts() == {"staged": 2, "failed": 1}


def test_ignored_rows_are_not_trusted_unless_harmless(store: Store, tmp_path: Path) -> None:
    with pytest.raises(TaskFailedError, match="ignored 1 row"):
        run(store, tmp_path, fake_import(2, 1, []))
    audit = run(store, tmp_path, fake_import(2, 1, []), ignored_ok=True)
    assert audit.counts() == {"staged": 3}


def test_a_rejected_line_outside_the_file_is_not_trusted(store: Store, tmp_path: Path) -> None:
    with pytest.raises(TaskFailedError, match="name no line"):
        run(store, tmp_path, fake_import(2, 0, [RejectedRow(9, {}, "?")]))
