"""The `connection_checks` table: the last ping of each connection (its text is redacted before it
gets here)."""

from __future__ import annotations

from datetime import UTC, datetime

from ml_connector.store.database import Store
from ml_connector.store.models import ConnectionCheck


def record_check(store: Store, connection: str, ok: bool, detail: str) -> None:
    with store.session() as session:
        row = session.get(ConnectionCheck, connection)
        now = datetime.now(UTC)
        if row is None:
            session.add(ConnectionCheck(connection=connection, ok=ok, detail=detail[:2000], checked_at=now))
        else:
            row.ok, row.detail, row.checked_at = ok, detail[:2000], now
