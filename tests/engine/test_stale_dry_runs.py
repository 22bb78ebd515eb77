from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from ml_connector.engine.ledger import Ledger, StagedLine
from ml_connector.engine.runs import RunLog
from ml_connector.engine.states import RunState
from ml_connector.store import Store
from ml_connector.store.models import LedgerStaging, Run


def test_a_dead_dry_run_is_closed_and_its_staging_cleared_but_a_live_one_is_left(store: Store) -> None:
    runs = RunLog(store)
    dead = runs.start("f", dry_run=True)
    live = runs.start("f", dry_run=True)
    for run_id in (dead, live):
        Ledger(store, "f", run_id).stage([StagedLine("k", "GL|a", 1, "", "h")])
    with store.session() as session:
        session.execute(update(Run).where(Run.id == dead).values(heartbeat_at=datetime.now(UTC) - timedelta(days=2)))
    assert runs.interrupt_stale("f", force=True) == [dead]
    assert runs.get(dead).state == RunState.INTERRUPTED
    assert runs.get(live).state == RunState.RUNNING
    with store.session() as session:
        left = session.execute(select(LedgerStaging.run_id, func.count()).group_by(LedgerStaging.run_id)).all()
    assert [run_id for run_id, _ in left] == [live]
