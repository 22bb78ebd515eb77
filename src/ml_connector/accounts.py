"""Console users: argon2 password hashes (argon2-cffi), two roles, and lock-out after failures in a row.

accounts = Accounts(store)
accounts.add("ana", "correct horse battery staple", Role.OPERATOR)
user = accounts.authenticate("ana", password)   # a SignedIn, or raises SignInRefused
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ml_connector.errors import ConfigurationError
from ml_connector.store.database import Store
from ml_connector.store.users import UserRows

NAME = re.compile(r"^[A-Za-z0-9._@-]{1,100}$")
MIN_PASSWORD = 12
LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)


class Role(StrEnum):
    VIEWER = "viewer"  # reads every page
    OPERATOR = "operator"  # also acts: mapping rules, replays


@dataclass(frozen=True)
class SignedIn:
    name: str
    role: Role

    @property
    def can_act(self) -> bool:
        return self.role is Role.OPERATOR


class SignInRefused(Exception):
    """Wrong name or password, or a locked user; the message is safe to show (it tells no more than that)."""


class Accounts:
    def __init__(
        self,
        store: Store,
        *,
        lock_after: int = LOCK_AFTER,
        lock_for: timedelta = LOCK_FOR,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self._rows = UserRows(store)
        self._hasher = hasher or PasswordHasher()  # argon2id with argon2-cffi's recommended cost
        self.lock_after = lock_after
        self.lock_for = lock_for
        self._dummy = self._hasher.hash("a password no one has")  # equal work for unknown names

    def add(self, name: str, password: str, role: Role) -> bool:
        """Create the user or replace its password and role; True when new."""
        if not NAME.match(name):
            raise ConfigurationError(
                f"user name {name!r} is not allowed", hint="Use 1-100 letters, digits, '.', '_', '@' or '-'."
            )
        if len(password) < MIN_PASSWORD:
            raise ConfigurationError(
                f"the password is shorter than {MIN_PASSWORD} characters", hint="Choose a longer password."
            )
        return self._rows.put(name, self._hasher.hash(password), role.value)

    def remove(self, name: str) -> bool:
        return self._rows.delete(name)

    def list(self) -> list[tuple[str, str]]:
        return self._rows.names()

    def authenticate(self, name: str, password: str) -> SignedIn:
        user = self._rows.get(name) if NAME.match(name) else None
        now = datetime.now(UTC)
        if user is None:
            self._verify(self._dummy, password)
            raise SignInRefused("wrong user name or password")
        if user.locked_until is not None and user.locked_until > now:
            raise SignInRefused(
                f"too many failed sign-ins: {name} is locked until {user.locked_until:%H:%M} UTC "
                "(or until an admin runs `ml-connector user add` again)"
            )
        if not self._verify(user.password_hash, password):
            failures = self._rows.failed(name, self.lock_after, now + self.lock_for)
            if failures >= self.lock_after:
                raise SignInRefused(
                    f"too many failed sign-ins: {name} is locked for {self.lock_for.seconds // 60} minutes"
                )
            raise SignInRefused("wrong user name or password")
        rehash = self._hasher.hash(password) if self._hasher.check_needs_rehash(user.password_hash) else None
        self._rows.succeeded(name, rehash)
        return SignedIn(user.name, Role(user.role))

    def find(self, name: str) -> SignedIn | None:
        """The user behind a session, if it still exists (a removed user's session ends)."""
        user = self._rows.get(name)
        return SignedIn(user.name, Role(user.role)) if user is not None else None

    def _verify(self, digest: str, password: str) -> bool:
        try:
            return self._hasher.verify(digest, password)
        except (VerificationError, InvalidHashError):
            return False
