"""What every command needs: the config, then the composition root (store, vault, clients). Built lazily,
once per invocation."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ml_connector import __version__
from ml_connector import config as config_module
from ml_connector.config import Config
from ml_connector.errors import ConfigurationError
from ml_connector.flows.context import FlowContext, Progress
from ml_connector.http.redaction import mask_fields
from ml_connector.root import Root
from ml_connector.store import Store
from ml_connector.store.schema import is_current, unknown_revision
from ml_connector.vault import Vault


@dataclass
class AppContext:
    config_file: Path | None = None
    _config: Config | None = field(default=None, repr=False)
    _root: Root | None = field(default=None, repr=False)
    _store_checked: bool = field(default=False, repr=False)

    def use_config_file(self, path: Path) -> None:
        """Read the config from `path` instead (`demo`, which writes its own); only before it is read."""
        if self._config is not None:
            raise RuntimeError("the configuration of this command is already read")
        self.config_file = path

    def config(self) -> Config:
        if self._config is None:
            self._config = config_module.load(self.config_file)
        return self._config

    def root(self) -> Root:
        """The invocation's composition root. Its request budgets are kept in the store, so every command
        (`run` started by cron next to another, `serve`, workers) draws from one bucket per tenant."""
        if self._root is None:
            self._root = Root(self.config(), shared_budgets=True)
        return self._root

    def start_root(self, *, shared_budgets: bool = True, lease_ttl: float | None = None) -> Root:
        """Build the root with these options; a command that needs them calls this before anything else."""
        if self._root is not None:
            raise RuntimeError("the composition root of this command is already built")
        self._root = Root(self.config(), shared_budgets=shared_budgets, lease_ttl=lease_ttl)
        return self._root

    def redact(self, text: str) -> str:
        """`text` scrubbed of the root's secrets; before the root exists (a config that does not parse,
        say), of secret fields by name."""
        root = self._root
        return root.redactor.redact(text) if root is not None else mask_fields(text)

    def store(self, *, migrated: bool = True) -> Store:
        store = self.root().store
        if not self._store_checked:
            store.check()  # a missing, unreachable or damaged database is a clear error, not a traceback
            self._store_checked = True
        current = is_current(store)
        unknown = None if current else unknown_revision(store)
        if unknown is not None:
            raise ConfigurationError(
                f"the store at {store.describe()} has schema {unknown!r}, which this ml-connector "
                f"({__version__}) does not know: a newer version set it up",
                hint="Run the ml-connector version that set the store up, or restore the store from a backup made "
                "with this version; `db upgrade` cannot take a schema back.",
            )
        if migrated and not current:
            raise ConfigurationError(
                f"the store at {store.describe()} is not set up or is out of date",
                hint="Run `ml-connector db upgrade`.",
            )
        return store

    def vault(self) -> Vault:
        self.store()  # a clear "run db upgrade" rather than a missing table
        return self.root().vault()

    def close(self) -> None:
        root, self._root = self._root, None
        if root is not None:
            root.close()


def flow_context(app: AppContext, progress: Progress | None = None) -> FlowContext:
    """Clients, locks and a work folder for running flows (closed with the command)."""
    app.store()
    return app.root().flow_context(progress=progress)
