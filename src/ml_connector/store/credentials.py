"""The `credentials` table: one encrypted blob per connection. It never sees a secret in plain text:
`ml_connector.vault` encrypts before it writes and decrypts after it reads."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, inspect, select

from ml_connector.store.database import Store
from ml_connector.store.models import Credential


class CredentialRows:
    def __init__(self, store: Store) -> None:
        self._store = store

    def write(self, connection: str, system: str, ciphertext: bytes, expires_on: datetime | None = None) -> None:
        """Insert or replace a connection's blob; `expires_on` is kept unless a new one is given."""
        now = datetime.now(UTC)
        with self._store.session() as session:
            row = session.get(Credential, connection)
            if row is None:
                session.add(
                    Credential(
                        connection=connection,
                        system=system,
                        ciphertext=ciphertext,
                        created_at=now,
                        updated_at=now,
                        expires_on=expires_on,
                    )
                )
                return
            row.system, row.ciphertext, row.updated_at = system, ciphertext, now
            if expires_on is not None:
                row.expires_on = expires_on

    def read(self, connection: str) -> tuple[str, bytes] | None:
        """(system, ciphertext) of a connection, or None."""
        with self._store.session() as session:
            row = session.get(Credential, connection)
            return (row.system, row.ciphertext) if row is not None else None

    def delete(self, connection: str) -> bool:
        with self._store.session() as session:
            row = session.get(Credential, connection)
            if row is None:
                return False
            session.delete(row)
            return True

    def count(self) -> int:
        """Stored credentials; 0 when the table does not exist yet (a store never set up)."""
        if not inspect(self._store.engine).has_table(Credential.__tablename__):
            return 0
        with self._store.session() as session:
            return int(session.execute(select(func.count()).select_from(Credential)).scalar_one())

    def entries(self) -> list[tuple[str, str, datetime | None]]:
        """(connection, system, expires_on) for every stored credential."""
        with self._store.session() as session:
            rows = session.execute(select(Credential.connection, Credential.system, Credential.expires_on))
            return [(r[0], r[1], r[2]) for r in rows]
