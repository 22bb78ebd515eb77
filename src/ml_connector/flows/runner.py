"""Run a flow by name, whatever its kind; and build the context a run needs from the config."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ml_connector.config import Config
from ml_connector.connections import ConnectionClients
from ml_connector.engine.runs import RunInfo
from ml_connector.engine.states import Trigger
from ml_connector.flows.actuals import ActualsFlow, RunOptions
from ml_connector.flows.context import FlowContext, Progress, SilentProgress
from ml_connector.flows.plan_return import PlanReturnFlow
from ml_connector.flows.reference import ReferenceFlow
from ml_connector.flows.suppliers_return import SuppliersReturnFlow
from ml_connector.store.database import Store
from ml_connector.store.lease import LeaseLocks
from ml_connector.vault import Vault, load_key


def build_context(
    config: Config,
    store: Store,
    *,
    progress: Progress | None = None,
    workdir: Path | None = None,
    lease_ttl: float = 30.0,
) -> FlowContext:
    """Clients, leases (flow and model locks, `lease_ttl` s past the last heartbeat) and a work folder."""
    vault = Vault(store, load_key(config.resolve(config.vault.key_file)))
    locks = LeaseLocks(store, ttl=lease_ttl)
    folder = workdir or config.resolve("work")
    folder.mkdir(parents=True, exist_ok=True)
    return FlowContext(
        store=store,
        config=config,
        clients=ConnectionClients(config, vault, locks),
        locks=locks,
        workdir=folder,
        progress=progress or SilentProgress(),
    )


def run_flow(
    ctx: FlowContext,
    name: str,
    *,
    dry_run: bool = False,
    since: datetime | None = None,
    periods: set[str] | None = None,
    trigger: Trigger = Trigger.MANUAL,
) -> RunInfo:
    kind = ctx.config.flow(name).kind
    if kind == "actuals":
        options = RunOptions(dry_run=dry_run, since=since, periods=periods, trigger=trigger)
        return ActualsFlow(ctx, name).run(options)
    if kind == "reference":
        return ReferenceFlow(ctx, name).run(dry_run=dry_run, trigger=trigger)
    if kind == "plan-return":
        return PlanReturnFlow(ctx, name).run(dry_run=dry_run, trigger=trigger, periods=periods)
    return SuppliersReturnFlow(ctx, name).run(dry_run=dry_run, trigger=trigger)
