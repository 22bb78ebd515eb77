"""The ledger's staging, totals and merge on both stores (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlite3
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, text

from ml_connector.engine.runs import RunLog
from ml_connector.engine.staging_area import StagedLine, StagingArea, to_micros
from ml_connector.store import Store


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest) -> Store:
    made: Store = request.getfixturevalue("store" if request.param == "sqlite" else "pg_store")
    return made


def line(key: str, cell: str, amount: str, measure: str = "") -> StagedLine:
    return StagedLine(key, cell, to_micros(Decimal(amount)), measure, f"{key}{cell}{amount}")


def totals(ledger: StagingArea, prefix: str = "GL|") -> dict[tuple[str, str], Decimal]:
    return {(t.target_key, t.measure): t.amount for t in ledger.totals(prefix)}


def merged(store: Store, ledger: StagingArea, exclude: set[str] | None = None) -> None:
    with store.session() as session:
        ledger.merge(session, exclude_target_keys=exclude or set())


def new_ledger(store: Store) -> StagingArea:
    return StagingArea(store, "f", RunLog(store).start("f"))


def test_a_key_twice_in_one_batch_counts_once_the_last_version(any_store: Store) -> None:
    ledger = new_ledger(any_store)
    ledger.stage([line("k1", "GL|a", "1"), line("k2", "GL|a", "2"), line("k1", "GL|b", "5")])
    assert totals(ledger) == {("GL|a", ""): Decimal(2), ("GL|b", ""): Decimal(5)}


def test_moves_tombstones_and_rejected_cells(any_store: Store) -> None:
    first = new_ledger(any_store)
    first.stage([line("k1", "GL|a", "1.5"), line("k2", "GL|a", "2"), line("k3", "GL|b", "3")])
    first.stage([line("s1", "SUP|x|Jan", "7", "Invoiced"), line("s2", "SUP|x|Jan", "1", "Paid")])
    assert totals(first, "SUP|") == {("SUP|x|Jan", "Invoiced"): Decimal(7), ("SUP|x|Jan", "Paid"): Decimal(1)}
    merged(any_store, first)
    second = new_ledger(any_store)
    second.stage([line("k1", "GL|c", "1.5")])  # moved from a to c
    second.tombstone(["k3"], {})  # turned bad: b is left empty
    assert totals(second) == {("GL|a", ""): Decimal(2), ("GL|b", ""): Decimal(0), ("GL|c", ""): Decimal("1.5")}
    merged(any_store, second, {"GL|c"})
    third = new_ledger(any_store)
    third.stage([line("k2", "GL|a", "4")])
    assert totals(third) == {("GL|a", ""): Decimal(4)}
    assert third.already_loaded({"k2": "k2GL|a2", "s1": "s1SUP|x|Jan7"}) == {"k2", "s1"}


def test_prefix_with_like_wildcards_is_literal(any_store: Store) -> None:
    ledger = new_ledger(any_store)
    ledger.stage([line("k1", "GL|a", "1"), line("k2", "G_|a", "2"), line("k3", "G%|a", "3")])
    assert totals(ledger, "G_|") == {("G_|a", ""): Decimal(2)}
    assert totals(ledger, "G%|") == {("G%|a", ""): Decimal(3)}


def test_many_lines_merge_and_total_exactly(any_store: Store) -> None:
    ledger = new_ledger(any_store)
    for start in range(0, 5000, 1000):
        ledger.stage([line(f"k{i}", f"GL|c{i % 7}", "0.01") for i in range(start, start + 1000)])
    sums = totals(ledger)
    assert sum(sums.values()) == Decimal("50.00") and len(sums) == 7
    merged(any_store, ledger, {f"GL|c{uuid.uuid4().hex}"})
    again = new_ledger(any_store)
    again.stage([line("k0", "GL|c0", "1")])
    assert totals(again) == {("GL|c0", ""): Decimal("1") + Decimal("0.01") * 714}


def test_a_changed_line_in_a_rejected_cell_keeps_its_loaded_version(any_store: Store) -> None:
    first = new_ledger(any_store)
    first.stage([line("k1", "GL|a", "1"), line("k2", "GL|a", "2")])
    merged(any_store, first)
    second = new_ledger(any_store)
    second.stage([line("k1", "GL|a", "10")])
    merged(any_store, second, {"GL|a"})  # Anaplan rejected the row: the cell still holds 3
    third = new_ledger(any_store)
    third.stage([line("k2", "GL|a", "5")])
    assert totals(third) == {("GL|a", ""): Decimal(6)}
    assert third.already_loaded({"k1": "k1GL|a1"}) == {"k1"}


def test_more_rejected_cells_than_sqlite_has_variables(store: Store) -> None:
    def limit(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 32766)

    event.listen(store.engine, "connect", limit)
    store.engine.dispose()
    ledger = new_ledger(store)
    for start in range(0, 34_000, 1000):
        ledger.stage([line(f"k{i}", f"GL|c{i}", "1") for i in range(start, start + 1000)])
    with store.session() as session:
        assert ledger.merge(session, exclude_target_keys={f"GL|c{i}" for i in range(1, 34_000)}) == 1


STAGING_ROWS_ESTIMATE = "SELECT reltuples FROM pg_class WHERE relname = 'audit_records'"


def test_totals_of_a_large_run_on_postgresql_are_not_quadratic(pg_store: Store) -> None:
    with pg_store.session() as session:  # only the totals may refresh the statistics in this test
        session.execute(text("ALTER TABLE audit_records SET (autovacuum_enabled = false)"))
    ledger = new_ledger(pg_store)
    for start in range(0, 30_000, 1000):
        ledger.stage([line(f"k{i}", f"GL|c{i % 10_000}", "1") for i in range(start, start + 1000)])
    # Without fresh statistics PostgreSQL takes the just-filled staging for a few rows and joins it in
    # nested loops (30k lines: ~11 s, quadratic). Not timed: the totals must refresh the statistics first.
    with pg_store.session() as session:
        assert session.execute(text(STAGING_ROWS_ESTIMATE)).scalar_one() < 1_000
    assert len(totals(ledger)) == 10_000
    with pg_store.session() as session:
        assert session.execute(text(STAGING_ROWS_ESTIMATE)).scalar_one() >= 29_000
