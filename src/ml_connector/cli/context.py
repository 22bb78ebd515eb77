"""What every command needs: the config, the store, the vault. Built lazily, once per invocation."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ml_connector import config as config_module
from ml_connector.config import Config
from ml_connector.errors import ConfigurationError
from ml_connector.flows.context import FlowContext, Progress
from ml_connector.flows.runner import build_context
from ml_connector.store import Store
from ml_connector.store.schema import is_current
from ml_connector.vault import Vault, load_key


@dataclass
class AppContext:
    config_file: Path | None = None
    _config: Config | None = field(default=None, repr=False)
    _store: Store | None = field(default=None, repr=False)
    contexts: list[FlowContext] = field(default_factory=list, repr=False)

    def config(self) -> Config:
        if self._config is None:
            self._config = config_module.load(self.config_file)
        return self._config

    def store(self, *, migrated: bool = True) -> Store:
        if self._store is None:
            self._store = Store(self.config().store.url)
        if migrated and not is_current(self._store):
            raise ConfigurationError(
                f"the store at {self._store.url} is not set up or is out of date",
                hint="Run `ml-connector db upgrade`.",
            )
        return self._store

    def vault(self) -> Vault:
        cfg = self.config()
        return Vault(self.store(), load_key(cfg.resolve(cfg.vault.key_file)))

    def close(self) -> None:
        for context in self.contexts:
            context.clients.close()
        if self._store is not None:
            self._store.dispose()


def flow_context(app: AppContext, progress: Progress | None = None) -> FlowContext:
    """Clients, locks and a work folder for running flows (closed with the command)."""
    context = build_context(app.config(), app.store(), progress=progress)
    app.contexts.append(context)
    return context
