"""Replay leaves alone only what a *later* run loaded: an earlier version in the ledger is no reason
to skip a record that failed."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import event

from ml_connector.engine.audit import AuditEntry, AuditTrail
from ml_connector.engine.runs import RunLog
from ml_connector.engine.staging_area import StagedLine, StagingArea, to_micros
from ml_connector.engine.states import RecordState
from ml_connector.flows.replay import _replayable
from ml_connector.flows.staging import line_payload
from ml_connector.records import LedgerLine
from ml_connector.store import Store
from tests.support.records import gl_line


def line(amount: str) -> LedgerLine:
    return gl_line(amount)


def load(store: Store, record: LedgerLine, cell: str) -> str:
    run_id = RunLog(store).start("f")
    ledger = StagingArea(store, "f", run_id)
    ledger.stage([StagedLine(record.source_key, cell, to_micros(record.amount), "", "h-" + str(record.amount))])
    with store.session() as session:
        ledger.merge(session)
    AuditTrail(store, run_id).add(
        [AuditEntry("erp", record.source_key, "gl", line_payload(record), RecordState.LOADED, target_key=cell)]
    )
    return run_id


def fail(store: Store, record: LedgerLine) -> str:
    run_id = RunLog(store).start("f")
    entry = AuditEntry("erp", record.source_key, "gl", line_payload(record), RecordState.FAILED, target_key="GL|x")
    AuditTrail(store, run_id).add([entry])
    return run_id


def replayable(store: Store, run_id: str) -> list[Any]:
    return list(_replayable(cast(Any, SimpleNamespace(store=store)), run_id, "f"))


def test_a_failed_record_whose_earlier_version_is_loaded_is_replayed(store: Store) -> None:
    load(store, line("10"), "GL|4000|1100|Jan 26")
    failed = fail(store, line("15"))  # e.g. remapped to a member Anaplan does not have yet
    assert [r.amount for r in replayable(store, failed)] == [Decimal("15")]


def test_a_failed_record_a_later_run_loaded_is_left_alone(store: Store) -> None:
    failed = fail(store, line("15"))
    load(store, line("20"), "GL|4000|1100|Jan 26")
    assert replayable(store, failed) == []


def sqlite_default_limits(store: Store) -> None:
    """SQLite as most builds ship it (32766 variables a statement; this machine's allows more)."""

    def limit(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 32766)

    event.listen(store.engine, "connect", limit)
    store.engine.dispose()


def test_a_run_with_more_failed_records_than_sqlite_has_variables_replays(store: Store) -> None:
    sqlite_default_limits(store)
    run_id = RunLog(store).start("f")
    record = line("1")
    payload = line_payload(record)
    entries = [
        AuditEntry("erp", f"k{i}", "gl", {**payload, "source_key": f"k{i}"}, RecordState.FAILED) for i in range(33_000)
    ]
    AuditTrail(store, run_id).add(entries)
    assert len(replayable(store, run_id)) == 33_000


def test_a_version_a_later_run_read_again_is_not_replayed_over_the_newer_one(store: Store) -> None:
    older = fail(store, line("15"))  # say, unmapped
    newer = fail(store, line("17"))  # read again, changed, still unmapped
    assert replayable(store, older) == []  # the newer read supersedes it
    assert [r.amount for r in replayable(store, newer)] == [Decimal("17")]


def test_the_same_version_read_again_later_does_not_stop_a_replay(store: Store) -> None:
    first = fail(store, line("15"))  # unmapped
    fail(store, line("15"))  # the overlap window read it again, unchanged, still unmapped
    assert [r.amount for r in replayable(store, first)] == [Decimal("15")]
