"""A record's history starts at its own row (its state when read), with no event row per record read;
each later transition is an event. The record page and the run's timeline show both."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ml_connector.engine.audit import AuditEntry, AuditTrail
from ml_connector.engine.queries import record_detail, run_timeline
from ml_connector.engine.runs import RunLog
from ml_connector.engine.staging_area import StagedLine, StagingArea
from ml_connector.engine.states import RecordState
from ml_connector.store import Store
from ml_connector.store.models import AuditEvent, AuditRecord


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest) -> Store:
    made: Store = request.getfixturevalue("store" if request.param == "sqlite" else "pg_store")
    return made


def test_history_is_the_read_state_then_each_transition(any_store: Store) -> None:
    run_id = RunLog(any_store).start("f")
    audit, staging = AuditTrail(any_store, run_id), StagingArea(any_store, "f", run_id)
    good = AuditEntry("erp", "k1", "gl", {"a": 1}, RecordState.STAGED, target_key="GL|a")
    bad = AuditEntry("erp", "k2", "gl", {"a": 2}, RecordState.QUARANTINED, reason="unmapped", hint="map it")
    staging.take(audit, [good, bad], [StagedLine("k1", "GL|a", 1_000_000, "", good.hash)], {"k2": bad.hash})
    with any_store.session() as session:
        assert session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == 0
        ids = dict(session.execute(select(AuditRecord.source_key, AuditRecord.id)).all())
    assert audit.move(RecordState.STAGED, RecordState.LOADED, target_prefix="GL|", target_ref="task-1") == 1

    loaded = record_detail(any_store, ids["k1"])
    assert loaded is not None
    assert [t.state for t in loaded.transitions] == ["staged", "loaded"]
    assert loaded.record.state == "loaded"
    quarantined = record_detail(any_store, ids["k2"])
    assert quarantined is not None
    assert [t.state for t in quarantined.transitions] == ["quarantined"]
    assert quarantined.record.reason == "unmapped"

    steps = {m.step: m.records for m in run_timeline(any_store, run_id)}
    assert steps == {"staged": 1, "quarantined": 1, "loaded": 1}
