"""Setting up a new SQLite connection so that processes opening one file together all succeed.

`PRAGMA journal_mode=WAL` on a file that is not yet in WAL mode needs the file to itself. When
several processes (a cron table starting flows together, a test's workers) open a new store or
budget file at the same moment, one of them is told "database is locked" at once: SQLite does not
wait on its busy timeout there, because two connections upgrading their locks would deadlock. The
same happens to the first `CREATE TABLE` racing another. Each statement is therefore retried for
a while with a short back-off, and the journal mode is only switched when it is not WAL already,
so that opening a file that is set up (every connection after the first) takes no write lock.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

# How long a connection keeps trying before it reports the file as locked (the busy timeout's 30 s).
PATIENCE_SECONDS = 30.0


def prepare_sqlite(dbapi_connection: Any, *statements: str, patience: float = PATIENCE_SECONDS) -> None:
    """WAL journal, NORMAL sync, a 30 s busy timeout, then `statements`, each retried while locked."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={int(patience * 1000)}")
        deadline = time.monotonic() + patience
        row = _until_unlocked(cursor, "PRAGMA journal_mode", deadline)
        if row is None or str(row[0]).lower() != "wal":
            # An in-memory database answers "memory" and stays so; that is fine.
            _until_unlocked(cursor, "PRAGMA journal_mode=WAL", deadline)
        # NORMAL: no fsync per commit in WAL mode; a power cut may lose the last commits, never corrupt.
        for statement in ("PRAGMA synchronous=NORMAL", *statements):
            _until_unlocked(cursor, statement, deadline)
    finally:
        cursor.close()


def _until_unlocked(cursor: Any, statement: str, deadline: float) -> Any:
    delay = 0.005
    while True:
        try:
            return cursor.execute(statement).fetchone()
        except sqlite3.OperationalError as exc:
            message = str(exc).lower()
            if ("locked" not in message and "busy" not in message) or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.25)
