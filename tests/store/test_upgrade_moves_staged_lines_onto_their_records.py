"""The upgrade to 0007_audit_staging keeps a staged line left by an unfinished run (on the last audit
record of its key, where the run's clean-up finds it), and refuses, saying what to do, a staged line
that has no record to go on."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from ml_connector.store import Store, upgrade

RUN = (
    'INSERT INTO runs (id, flow, state, stage, "trigger", dry_run, started_at, counts, detail, error, holder) '
    "VALUES ('r1', 'f', 'running', 'extract', 'manual', false, CURRENT_TIMESTAMP, '{}', '{}', '', '')"
)
RECORD = (
    "INSERT INTO audit_records (run_id, source, source_key, kind, payload_hash, payload, state, target_key, "
    "target_ref, reason, hint, updated_at) VALUES ('r1', 'erp', :key, 'gl', 'h', '{}', :state, :target, '', '', '', "
    "CURRENT_TIMESTAMP)"
)
STAGED = (
    "INSERT INTO ledger_staging (run_id, source_key, flow, target_key, amount_micros, measure, currency, "
    "payload_hash, updated_at) VALUES ('r1', :key, 'f', :target, :micros, '', 'USD', 'h', CURRENT_TIMESTAMP)"
)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_staged_lines_and_tombstones_move_onto_their_records(backend: str, request: pytest.FixtureRequest) -> None:
    store = Store(request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url"))
    try:
        upgrade(store, "0006_traffic")
        with store.engine.begin() as conn:
            conn.execute(text(RUN))
            conn.execute(text(RECORD), {"key": "k1", "state": "staged", "target": "GL|a"})
            conn.execute(text(RECORD), {"key": "k1", "state": "staged", "target": "GL|b"})  # read twice
            conn.execute(text(RECORD), {"key": "k2", "state": "quarantined", "target": "gap|x"})
            conn.execute(text(STAGED), {"key": "k1", "target": "GL|b", "micros": 2_500_000})
            conn.execute(text(STAGED), {"key": "k2", "target": "", "micros": 0})
        upgrade(store)
        with store.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT source_key, target_key, ledger_op, amount_micros, currency FROM audit_records ORDER BY id")
            ).all()
            tables = conn.execute(text("SELECT count(*) FROM audit_records")).scalar_one()
        assert [tuple(r) for r in rows] == [
            ("k1", "GL|a", "", 0, ""),
            ("k1", "GL|b", "L", 2_500_000, "USD"),
            ("k2", "gap|x", "T", 0, "USD"),  # a tombstone keeps the record's own cell (its gap)
        ]
        assert tables == 3
    finally:
        store.dispose()


def test_a_staged_line_with_no_record_is_refused_with_what_to_do(sqlite_url: str) -> None:
    store = Store(sqlite_url)
    try:
        upgrade(store, "0006_traffic")
        with store.engine.begin() as conn:
            conn.execute(text(RUN))
            conn.execute(text(STAGED), {"key": "lost", "target": "GL|a", "micros": 1})
        with pytest.raises(Exception, match="no audit record of their run") as refused:
            upgrade(store)
        assert "then upgrade again" in str(getattr(refused.value, "hint", ""))
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM ledger_staging")).scalar_one() == 1
    finally:
        store.dispose()
