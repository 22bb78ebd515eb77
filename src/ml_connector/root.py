"""The composition root: the one place a process builds what its parts share.

The CLI, `serve`, workers and the demo each make one `Root` and take everything from it: the config,
the store, the vault, the lease locks, the request budgets, the kept Anaplan tokens, the redactor (the
secrets to mask wherever anything is written), and flow contexts whose clients draw on them. Nothing
of this is a module-level global: two roots share nothing, and what a root holds is decided when it is
built (by its parameters), never swapped while it runs.

    root = Root(config)                                   # in-process budgets, its own store
    root = Root(config, store, shared_budgets=True)       # budgets kept in the store (CLI, workers)
    ctx = root.flow_context(progress=progress)
    ...
    root.close()
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path

from ml_connector.config import Config
from ml_connector.connections import ConnectionClients
from ml_connector.flows.context import FlowContext, Progress, SilentProgress
from ml_connector.http import BudgetRegistry, Redactor, Traffic
from ml_connector.store.budget import StoreBudgets
from ml_connector.store.database import Store
from ml_connector.store.lease import LeaseLocks
from ml_connector.store.traffic import REQUEST, Tally, add_traffic
from ml_connector.systems.anaplan.auth import KeptTokens
from ml_connector.vault import Vault, load_key


class Root:
    """Everything one process shares, built once.

    `store`: the caller's store (it disposes of it), or None to open `config.store_url` (disposed of by
    `close`). `shared_budgets`: keep the tenants' request budgets in the store, so every process on it
    draws from one bucket per tenant (workers); otherwise they are in-process buckets. `lease_ttl`: how
    long flow and model leases outlive a holder's last heartbeat (default `[store] lease_ttl_seconds`).
    """

    def __init__(
        self,
        config: Config,
        store: Store | None = None,
        *,
        shared_budgets: bool = False,
        lease_ttl: float | None = None,
    ) -> None:
        self.config = config
        self._owns_store = store is None
        self.store = store if store is not None else Store(config.store_url)
        self.shared_budgets = shared_budgets
        self.lease_ttl = config.store.lease_ttl_seconds if lease_ttl is None else lease_ttl
        self.redactor = Redactor()
        self._store_budgets = StoreBudgets(self.store) if shared_budgets else None
        self.budgets = BudgetRegistry(self._store_budgets)
        self.traffic = Traffic(self._keep_traffic)
        self.kept_tokens = KeptTokens(self.redactor, self.traffic)
        self.locks = LeaseLocks(self.store, ttl=self.lease_ttl)
        self._vault: Vault | None = None
        self._contexts: list[FlowContext] = []
        self._guard = threading.Lock()

    def vault(self) -> Vault:
        """The vault (its key is read on first use: commands that need no secret need no key)."""
        with self._guard:
            if self._vault is None:
                key = load_key(self.config.resolve(self.config.vault.key_file))
                self._vault = Vault(self.store, key, self.redactor)
            return self._vault

    def clients(self) -> ConnectionClients:
        """A new set of connection clients on this root's budgets, kept tokens, redactor, vault and locks."""
        return ConnectionClients(
            self.config,
            self.vault(),
            self.locks,
            budgets=self.budgets,
            kept_tokens=self.kept_tokens,
            redactor=self.redactor,
            traffic=self.traffic,
        )

    def _keep_traffic(self, counts: Mapping[tuple[str, str], int]) -> None:
        add_traffic(self.store, {(REQUEST, system, outcome): Tally(n) for (system, outcome), n in counts.items()})

    def flow_context(self, *, progress: Progress | None = None, workdir: Path | None = None) -> FlowContext:
        """Clients, leases and a work folder for running flows; closed with the root."""
        folder = workdir or self.config.resolve("work")
        folder.mkdir(parents=True, exist_ok=True)
        context = FlowContext(
            store=self.store,
            config=self.config,
            clients=self.clients(),
            locks=self.locks,
            workdir=folder,
            progress=progress or SilentProgress(),
        )
        with self._guard:
            self._contexts.append(context)
        return context

    def close(self) -> None:
        """Close every flow context's clients and the kept tokens; dispose of the store if it is ours."""
        with self._guard:
            contexts, self._contexts = self._contexts, []
        for context in contexts:
            context.clients.close()
        self.kept_tokens.close()
        self.traffic.flush()
        if self._store_budgets is not None:
            self._store_budgets.close()
        if self._owns_store:
            self.store.dispose()
