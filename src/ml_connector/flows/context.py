"""What a flow run needs from the outside: store, config, clients, locks, a place for files, progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ml_connector.config import Config, FlowSection
from ml_connector.engine.frame import Body, RunRequest, run_frame
from ml_connector.engine.mappings import load_mapping
from ml_connector.engine.runs import RunInfo
from ml_connector.errors import ConfigurationError
from ml_connector.locking import ModelLocks
from ml_connector.mapping import MappingTable
from ml_connector.ports import ErpClient, PlanningModel
from ml_connector.store.database import Store


class Clients(Protocol):
    """Makes (and caches) clients for named connections."""

    def erp(self, name: str) -> ErpClient: ...

    def anaplan(self, name: str) -> PlanningModel: ...

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

    def run(self, request: RunRequest, body: Body) -> RunInfo:
        """Run a flow body inside the engine's run frame (lease, clean-up, start, fail, finish)."""
        return run_frame(self.store, self.locks, request, body, lock_timeout=self.lock_timeout)

    def mapping(self, flow: FlowSection, name: str) -> MappingTable:
        """The flow's mapping set; one never imported is a clear error before anything is read."""
        set_name = flow.mapping or name
        table = load_mapping(self.store, set_name)
        if not table.rules:
            setting = f"its `mapping = {set_name!r}`" if flow.mapping else "no `mapping`, so the flow's own name"
            raise ConfigurationError(
                f"flow {name!r} names mapping set {set_name!r} ({setting}), which has no rules in the store",
                hint=f"Import it: `ml-connector mapping import {set_name} FILE.csv` (see `ml-connector mapping show` "
                "for the sets that exist).",
            )
        return table
