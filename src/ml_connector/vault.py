"""The vault: connection secrets encrypted at rest (Fernet: AES-128-CBC with HMAC-SHA256).

The key comes from `ML_CONNECTOR_KEY` or from the key file that `ml-connector init` writes with mode
0600. A wrong key is a clear error, never garbage: Fernet authenticates every ciphertext.
"""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from ml_connector.errors import VaultError
from ml_connector.http.redaction import Redactor
from ml_connector.store.credentials import CredentialRows
from ml_connector.store.database import Store

KEY_ENV = "ML_CONNECTOR_KEY"


def new_key_file(path: Path) -> Path:
    """Write a fresh key to `path` with mode 0600; refuses to overwrite an existing key."""
    if path.exists():
        raise VaultError(
            f"a vault key already exists at {path}",
            hint="Keep it (secrets stored with it need it), or move it away first to start over.",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(Fernet.generate_key())
    return path


def load_key(key_file: Path) -> bytes:
    """The vault key from `ML_CONNECTOR_KEY`, else from `key_file`."""
    from_env = os.environ.get(KEY_ENV)
    if from_env:
        return _checked(from_env.strip().encode(), f"${KEY_ENV}")
    if not key_file.exists():
        raise VaultError(
            f"no vault key: {KEY_ENV} is not set and {key_file} does not exist",
            hint=f"Restore {key_file.name} from its backup into {key_file.parent} (or set {KEY_ENV}): the stored "
            "credentials can only be read with the key they were stored with. On a new installation with no "
            "stored credentials, `ml-connector init` makes a key.",
        )
    if not key_file.is_file():
        raise VaultError(
            f"the vault key file {key_file} is a folder, not a file",
            hint="Set [vault] key_file to the key file made by `ml-connector init` (or restore it from its backup).",
        )
    mode = stat.S_IMODE(key_file.stat().st_mode)
    if mode & 0o077:
        raise VaultError(
            f"the vault key file {key_file} is readable by others (mode {mode:o})",
            hint=f"Run `chmod 600 {key_file}`.",
        )
    return _checked(key_file.read_bytes().strip(), str(key_file))


def _checked(key: bytes, where: str) -> bytes:
    try:
        Fernet(key)
    except ValueError as exc:
        raise VaultError(
            f"the vault key in {where} is not a valid key (32 url-safe base64-encoded bytes)",
            hint="Use the key file made by `ml-connector init`, unchanged.",
        ) from exc
    return key


class Vault:
    """Encrypted secrets per connection, kept in the store's `credentials` table.

    Every value put or read is registered with `redactor` (the composition root's), one slot per
    connection and field: a rotated value (an OAuth refresh token) replaces the older ones there.
    """

    def __init__(self, store: Store, key: bytes, redactor: Redactor) -> None:
        self._rows = CredentialRows(store)
        self._fernet = Fernet(key)
        self._redactor = redactor

    def _register(self, connection: str, secrets: dict[str, str]) -> None:
        for name, value in secrets.items():
            self._redactor.rotate(("vault", connection, name), value)

    def put(self, connection: str, system: str, secrets: dict[str, str], expires_on: datetime | None = None) -> None:
        self._register(connection, secrets)
        blob = self._fernet.encrypt(json.dumps(secrets, sort_keys=True).encode())
        self._rows.write(connection, system, blob, expires_on)

    def update(self, connection: str, changes: dict[str, str]) -> None:
        """Merge `changes` into a connection's secrets (e.g. a rotated OAuth refresh token)."""
        found = self._rows.read(connection)
        system = found[0] if found is not None else ""
        merged = {**self.get(connection), **changes}
        self.put(connection, system, merged)

    def get(self, connection: str) -> dict[str, str]:
        found = self._rows.read(connection)
        if found is None:
            raise VaultError(
                f"no stored credentials for connection {connection!r}",
                hint=f"Store them with `ml-connector connection add {connection} --system SYSTEM --secret password` "
                f"(Infor: `ml-connector connection import-ionapi {connection} FILE.ionapi`).",
            )
        try:
            secrets: dict[str, str] = json.loads(self._fernet.decrypt(found[1]))
        except InvalidToken as exc:
            raise VaultError(
                f"the vault key cannot decrypt the credentials of {connection!r}: wrong key",
                hint="Use the key the secrets were stored with (ML_CONNECTOR_KEY or the key file).",
            ) from exc
        self._register(connection, secrets)
        return secrets

    def has(self, connection: str) -> bool:
        return self._rows.read(connection) is not None

    def remove(self, connection: str) -> bool:
        return self._rows.delete(connection)

    def entries(self) -> list[tuple[str, str, datetime | None]]:
        """(connection, system, expires_on) for every stored credential; never the secrets."""
        return self._rows.entries()


def stored_credentials(store: Store) -> int:
    """How many connections have credentials in `store` (0 when its schema is not set up yet)."""
    return CredentialRows(store).count()
