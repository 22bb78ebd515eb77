"""`ml-connector worker` and `ml-connector enqueue`: flow runs through the PostgreSQL work queue.

Also the hook `ml-connector db upgrade` calls to create the queue's tables (`upgrade_queue_schema`).
"""

from __future__ import annotations

import logging
from pathlib import Path

import typer

from ml_connector.cli.alerting import make_alerter
from ml_connector.cli.context import AppContext
from ml_connector.errors import ConfigurationError
from ml_connector.store import Store

# The work queue (procrastinate, psycopg) is imported by the commands that use it, not by every
# `ml-connector` command: a `run` does not pay for it in start-up time or memory.


def upgrade_queue_schema(store: Store) -> str | None:
    """For `db upgrade`: create procrastinate's tables on a PostgreSQL store; a line to print, if any."""
    if not store.is_postgres:
        return None
    from ml_connector.workers.schema import apply_queue_schema

    created = apply_queue_schema(store)
    return "work queue tables created" if created else "work queue tables present"


def _queue_ready(app: AppContext) -> None:
    from ml_connector.workers.schema import queue_schema_present

    store = app.store()  # raises when the store itself is not migrated
    if not store.is_postgres:
        raise ConfigurationError(
            f"workers need PostgreSQL as the store; {app.config().path} uses {store.engine.dialect.name}",
            hint="Set [store] url (or ML_CONNECTOR_STORE_URL) to postgresql+psycopg://user@host/db, "
            "then run `ml-connector db upgrade`.",
        )
    if not queue_schema_present(store):
        raise ConfigurationError("the work queue's tables are missing", hint="Run `ml-connector db upgrade`.")


def _route_queue_logs() -> None:
    # procrastinate logs job starts, ends and retries under its own logger: send them the same way.
    ours = logging.getLogger("ml_connector")
    theirs = logging.getLogger("procrastinate")
    theirs.handlers[:] = list(ours.handlers)
    theirs.setLevel(ours.level)
    theirs.propagate = False


def worker(
    ctx: typer.Context,
    concurrency: int = typer.Option(1, min=1, help="Jobs run at once by this worker."),
    name: str | None = typer.Option(None, help="Name in logs and the queue (default host:pid)."),
    heartbeat: float = typer.Option(10.0, "--heartbeat-seconds", min=0.1, help="How often it says it is alive."),
    stalled_after: float = typer.Option(
        30.0, "--stalled-after-seconds", min=0.5, help="Silence after which a worker's job is queued again."
    ),
    lease_ttl: float | None = typer.Option(
        None,
        "--lease-ttl-seconds",
        min=0.5,
        help="How long a dead worker's flow and model leases outlive it (default: [store] lease_ttl_seconds).",
    ),
    poll: float = typer.Option(5.0, "--poll-seconds", min=0.1, help="Queue polling, besides LISTEN/NOTIFY."),
    workdir: Path | None = typer.Option(None, help="Folder for the files of runs (default: work/ by the config)."),
) -> None:
    """Run queued and scheduled flow runs until stopped. Start any number, on any machines."""
    from ml_connector.workers.jobs import QUEUE
    from ml_connector.workers.process import WorkerSettings, run_worker
    from ml_connector.workers.schedules import schedules

    app: AppContext = ctx.obj
    config = app.config()
    try:
        settings = WorkerSettings(
            name=name,
            concurrency=concurrency,
            heartbeat_seconds=heartbeat,
            stalled_after_seconds=stalled_after,
            lease_ttl_seconds=config.store.lease_ttl_seconds if lease_ttl is None else lease_ttl,
            poll_seconds=poll,
            workdir=workdir,
        )
    except ValueError as exc:
        raise ConfigurationError(str(exc), hint="Adjust the worker's options.") from None
    # Before anything else builds it: this process's budgets live in the store, shared by every worker.
    root = app.start_root(shared_budgets=True, lease_ttl=settings.lease_ttl_seconds)
    _queue_ready(app)
    timed = ", ".join(f"{s.flow} ({s.cron})" for s in schedules(config)) or "none"
    typer.echo(f"worker: queue {QUEUE!r}, schedules: {timed}; stop with Ctrl-C or SIGTERM", err=True)
    _route_queue_logs()
    run_worker(root, settings, make_alerter(app))


def enqueue(
    ctx: typer.Context,
    flows: list[str] = typer.Argument(..., metavar="FLOW...", help="Flow names from the config, queued in this order."),
) -> None:
    """Queue a run of each FLOW now; a worker runs it (one waiting run per flow at most)."""
    from ml_connector.workers.app import build_app
    from ml_connector.workers.jobs import enqueue as enqueue_flows

    app: AppContext = ctx.obj
    config = app.config()
    _queue_ready(app)
    queue_app = build_app(config, pool_size=1)
    with queue_app.open():
        queued = enqueue_flows(queue_app, config, flows)
    for item in queued:
        if item.already_waiting:
            typer.echo(f"{item.flow}: a run is already waiting in the queue; nothing added")
        else:
            typer.echo(f"{item.flow}: queued as job {item.job_id} (lock {item.locks.lock})")
