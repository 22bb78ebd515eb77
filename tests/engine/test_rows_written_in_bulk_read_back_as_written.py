"""`insert_rows` (the driver's executemany, values converted once per distinct value) stores exactly what
SQLAlchemy's own INSERT stores: the same values read back, datetimes, text and large integers included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select

from ml_connector.engine.audit import RECORDS
from ml_connector.engine.bulk_rows import insert_rows
from ml_connector.engine.runs import RunLog
from ml_connector.store import Store
from ml_connector.store.models import AuditRecord


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest) -> Store:
    made: Store = request.getfixturevalue("store" if request.param == "sqlite" else "pg_store")
    return made


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30)
# Naive bounds, as hypothesis wants them; the values carry UTC.
STAMPS = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC))  # noqa: DTZ001


def _row(run_id: str, number: int, text: str, amount: int, at: datetime, read_at: datetime | None) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "source": "erp",
        "source_key": f"k{number}:{text}",
        "kind": "gl",
        "payload_hash": "0" * 64,
        "payload": '{"t": "' + text.encode("unicode_escape").decode("ascii").replace('"', "") + '"}',
        "state": "staged",
        "first_state": "staged",
        "target_key": text,
        "target_ref": "",
        "reason": text,
        "hint": "",
        "updated_at": at,
        "read_at": read_at,
        "ledger_op": "L" if number % 2 else "",
        "amount_micros": amount,
        "measure": "",
        "currency": "EUR",
    }


def _read(store: Store, run_id: str) -> list[tuple[Any, ...]]:
    columns = [c for c in AuditRecord.__table__.c if c.name not in ("id", "run_id")]
    with store.session() as session:
        return [tuple(r) for r in session.execute(select(*columns).where(AuditRecord.run_id == run_id).order_by("id"))]


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(TEXT, st.integers(-(2**62), 2**62), STAMPS, st.one_of(st.none(), STAMPS)), min_size=1, max_size=12
    )
)
def test_bulk_rows_read_back_as_sqlalchemy_writes_them(any_store: Store, rows: list[Any]) -> None:
    runs = RunLog(any_store)
    ours, theirs = runs.start("f"), runs.start("f")
    now = datetime.now(UTC)
    with any_store.session() as session:
        # Rows of one batch share their `now` (converted once); each row also has its own stamp.
        insert_rows(
            session, RECORDS, [_row(ours, n, t, a, at, now if r is None else r) for n, (t, a, at, r) in enumerate(rows)]
        )
        theirs_rows = [_row(theirs, n, t, a, at, now if r is None else r) for n, (t, a, at, r) in enumerate(rows)]
        session.execute(insert(RECORDS), theirs_rows)
    assert _read(any_store, ours) == _read(any_store, theirs)
    assert len(_read(any_store, ours)) == len(rows)


def test_a_repeated_value_object_is_converted_each_time_it_changes(store: Store) -> None:
    run_id = RunLog(store).start("f")
    first = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    stamps = [first, first, first + timedelta(seconds=1), first]
    with store.session() as session:
        insert_rows(session, RECORDS, [_row(run_id, n, "x", n, at, at) for n, at in enumerate(stamps)])
    with store.session() as session:
        got = session.execute(select(AuditRecord.updated_at).where(AuditRecord.run_id == run_id).order_by("id"))
        assert [at.replace(tzinfo=UTC) if at.tzinfo is None else at for at in got.scalars()] == stamps


def test_no_rows_is_no_statement(store: Store) -> None:
    with store.session() as session:
        insert_rows(session, RECORDS, [])
