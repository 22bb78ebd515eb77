"""Several processes opening a new SQLite store or budget file at the same moment all succeed.

Switching a new file to WAL needs it to itself, and SQLite answers "database is locked" at once
(without its busy timeout) to one of two connections racing for that; so did a CI run, in a child
of the budget test. Threads race the same way as processes (each has its own connection), so the
test opens a fresh file from six threads at once, forty times over.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from ml_connector.store import Store
from ml_connector.store.budget_file import budget_engine
from ml_connector.store.sqlite_setup import prepare_sqlite

ROUNDS = 40
OPENERS = 6


def _race(open_one: Callable[[Path], str], tmp_path: Path) -> list[str]:
    failures: list[str] = []
    for round_no in range(ROUNDS):
        path = tmp_path / f"round{round_no}.db"
        start = threading.Barrier(OPENERS)

        def opener(path: Path = path, start: threading.Barrier = start) -> None:
            start.wait(30)
            try:
                mode = open_one(path)
            except Exception as exc:  # noqa: BLE001 - every failure is the finding
                failures.append(f"{path.name}: {type(exc).__name__}: {exc}")
            else:
                if mode != "wal":
                    failures.append(f"{path.name}: journal mode {mode}")

        threads = [threading.Thread(target=opener) for _ in range(OPENERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    return failures


def test_a_new_store_file_opened_by_six_at_once(tmp_path: Path) -> None:
    def open_store(path: Path) -> str:
        store = Store(f"sqlite:///{path}")
        try:
            with store.engine.connect() as conn:
                return str(conn.execute(text("PRAGMA journal_mode")).scalar_one())
        finally:
            store.dispose()

    assert _race(open_store, tmp_path) == []


def test_a_new_budget_file_opened_by_six_at_once(tmp_path: Path) -> None:
    def open_budget(path: Path) -> str:
        store = Store(f"sqlite:///{path}")
        engine = budget_engine(store)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT count(*) FROM budget_buckets")).scalar_one()
                return str(conn.execute(text("PRAGMA journal_mode")).scalar_one())
        finally:
            engine.dispose()
            store.dispose()

    assert _race(open_budget, tmp_path) == []


def test_a_file_locked_for_longer_than_the_patience_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "held.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (a)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        late = sqlite3.connect(path, timeout=0.1)
        try:
            prepare_sqlite(late, patience=0.3)
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc)
        else:
            raise AssertionError("a file held exclusively was set up anyway")
        finally:
            late.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
