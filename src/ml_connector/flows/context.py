"""What a flow run needs from the outside: store, config, clients, locks, a place for files, progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ml_connector.config import Config, FlowSection
from ml_connector.engine.mappings import load_mapping
from ml_connector.locking import ModelLocks
from ml_connector.mapping import MappingTable
from ml_connector.ports import ErpClient
from ml_connector.store.database import Store
from ml_connector.systems.anaplan import AnaplanClient


class Clients(Protocol):
    """Makes (and caches) clients for named connections."""

    def erp(self, name: str) -> ErpClient: ...

    def anaplan(self, name: str) -> AnaplanClient: ...

    def close(self) -> None: ...


class Progress(Protocol):
    def stage(self, text: str) -> None: ...

    def advance(self, records: int) -> None: ...


class SilentProgress:
    def stage(self, text: str) -> None:
        return None

    def advance(self, records: int) -> None:
        return None


@dataclass
class FlowContext:
    store: Store
    config: Config
    clients: Clients
    locks: ModelLocks
    workdir: Path
    progress: Progress = field(default_factory=SilentProgress)
    lock_timeout: float | None = 4 * 3600.0

    def mapping(self, flow: FlowSection, name: str) -> MappingTable:
        return load_mapping(self.store, flow.mapping or name)
