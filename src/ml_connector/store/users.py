"""The `console_users` table: who may sign in to the web console, with an argon2 hash of the password
(made by `ml_connector.accounts`; this module never sees a password) and the failed-login count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from ml_connector.store.database import Store
from ml_connector.store.models import ConsoleUser


@dataclass(frozen=True)
class UserRow:
    name: str
    password_hash: str
    role: str
    failed_logins: int
    locked_until: datetime | None


def _row(user: ConsoleUser) -> UserRow:
    locked = user.locked_until
    if locked is not None and locked.tzinfo is None:
        locked = locked.replace(tzinfo=UTC)  # SQLite hands back naive datetimes
    return UserRow(user.name, user.password_hash, user.role, user.failed_logins, locked)


class UserRows:
    def __init__(self, store: Store) -> None:
        self._store = store

    def put(self, name: str, password_hash: str, role: str) -> bool:
        """Insert or replace a user (a new password unlocks it); True when the user is new."""
        with self._store.session() as session:
            user = session.get(ConsoleUser, name)
            if user is None:
                session.add(
                    ConsoleUser(
                        name=name,
                        password_hash=password_hash,
                        role=role,
                        failed_logins=0,
                        locked_until=None,
                        created_at=datetime.now(UTC),
                    )
                )
                return True
            user.password_hash, user.role, user.failed_logins, user.locked_until = password_hash, role, 0, None
            return False

    def get(self, name: str) -> UserRow | None:
        with self._store.session() as session:
            user = session.get(ConsoleUser, name)
            return _row(user) if user is not None else None

    def names(self) -> list[tuple[str, str]]:
        with self._store.session() as session:
            return [(u.name, u.role) for u in session.execute(select(ConsoleUser).order_by(ConsoleUser.name)).scalars()]

    def delete(self, name: str) -> bool:
        with self._store.session() as session:
            user = session.get(ConsoleUser, name)
            if user is None:
                return False
            session.delete(user)
            return True

    def failed(self, name: str, lock_after: int, lock_until: datetime) -> int:
        """Count one failed sign-in; lock the user until `lock_until` at `lock_after` failures in a row."""
        with self._store.session() as session:
            user = session.get(ConsoleUser, name, with_for_update=True)
            if user is None:
                return 0
            user.failed_logins += 1
            if user.failed_logins >= lock_after:
                user.locked_until = lock_until
            return user.failed_logins

    def succeeded(self, name: str, password_hash: str | None = None) -> None:
        """Reset the failure count after a good sign-in (and store a rehashed password if given)."""
        with self._store.session() as session:
            user = session.get(ConsoleUser, name)
            if user is not None:
                user.failed_logins, user.locked_until = 0, None
                if password_hash is not None:
                    user.password_hash = password_hash
