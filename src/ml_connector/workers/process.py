"""One worker process: what `ml-connector worker` runs until it is stopped.

Start any number, on any machines, all with the same config and store URL. Each one

- draws every request from the tenant budgets kept in PostgreSQL (its composition root is built with
  `shared_budgets=True`), so all workers together stay inside each tenant's requests per minute;
- holds flow and model leases in the store (`LeaseLocks`), renewed by heartbeat, so a killed worker's
  leases lapse after `lease_ttl` seconds;
- runs procrastinate's worker on the `flows` queue (jobs one at a time by default), its periodic
  deferrer for the config's schedules, and the stalled-job recovery loop.

SIGTERM or Ctrl-C stops it gracefully: it takes no new job and exits when the running one is done.
Flow runs are synchronous and do not stop half-way for a signal; to stop at once, SIGKILL it: the
other workers queue its job again (stalled-job recovery) and the run is redone without duplicates.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path

from procrastinate import App
from procrastinate.app import WorkerOptions

from ml_connector.engine.runs import holder_name
from ml_connector.flows.context import FlowContext
from ml_connector.root import Root
from ml_connector.service.alerts import Alerter
from ml_connector.workers.app import build_app
from ml_connector.workers.catchup import catch_up_schedules
from ml_connector.workers.jobs import QUEUE, FlowJobs
from ml_connector.workers.recovery import StalledJobRecovery

log = logging.getLogger("ml_connector.workers")


@dataclass(frozen=True)
class WorkerSettings:
    """How one worker behaves. The defaults suit production; tests shorten the times."""

    name: str | None = None
    concurrency: int = 1
    heartbeat_seconds: float = 10.0
    stalled_after_seconds: float = 30.0
    lease_ttl_seconds: float = 30.0
    poll_seconds: float = 5.0
    workdir: Path | None = None

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ValueError("a worker runs at least one job at a time")
        if self.heartbeat_seconds * 2 > self.stalled_after_seconds:
            # One late heartbeat must not make a live worker look dead.
            raise ValueError("stalled_after must be at least twice the heartbeat interval")


def worker_context(root: Root, settings: WorkerSettings) -> FlowContext:
    """Clients, leases and a work folder kept for the worker's whole life (tokens stay warm)."""
    return root.flow_context(workdir=settings.workdir)


def run_worker(root: Root, settings: WorkerSettings, alerter: Alerter | None = None) -> None:
    """Run queued and scheduled flows until SIGTERM / SIGINT.

    `root` is built with `shared_budgets=True` and `lease_ttl=settings.lease_ttl_seconds` (the caller
    owns it and closes it).
    """
    if not root.shared_budgets or root.lease_ttl != settings.lease_ttl_seconds:
        raise ValueError("a worker's root keeps its budgets in the store and its leases for lease_ttl_seconds")
    ctx = worker_context(root, settings)
    app = build_app(root.config, FlowJobs(ctx, alerter), pool_size=max(4, settings.concurrency + 3))
    with app.open():
        catch_up_schedules(app, root.config, root.store, alerter)
    recovery = StalledJobRecovery(app, root.locks, stalled_after=settings.stalled_after_seconds)
    asyncio.run(_serve(app, recovery, settings))


async def _serve(app: App, recovery: StalledJobRecovery, settings: WorkerSettings) -> None:
    name = settings.name or holder_name()
    async with app.open_async():
        side = asyncio.create_task(recovery.run_forever(), name="stalled-job recovery")
        log.info("worker %s started on queue %s", name, QUEUE, extra={"worker": name})
        options: WorkerOptions = {
            "queues": [QUEUE],
            "name": name,
            "concurrency": settings.concurrency,
            "update_heartbeat_interval": settings.heartbeat_seconds,
            "stalled_worker_timeout": settings.stalled_after_seconds,
            "fetch_job_polling_interval": settings.poll_seconds,
            "abort_job_polling_interval": settings.poll_seconds,
        }
        try:
            await app.run_worker_async(**options)
        finally:
            side.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await side
            log.info("worker %s stopped", name, extra={"worker": name})
