"""The procrastinate `App` of a config: the store's PostgreSQL database as the work queue.

The queue lives in the same database as the store (runs, audit, leases, budgets), so one server and
one `ml-connector db upgrade` set up everything a fleet of workers needs.

    app = build_app(config)                 # enough to queue jobs
    with app.open():
        enqueue(app, config, ["actuals-oracle"])

    app = build_app(config, FlowJobs(ctx))  # a worker: jobs run in `ctx`
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from procrastinate import App, JobContext, PsycopgConnector

from ml_connector.config import Config
from ml_connector.errors import ConfigurationError
from ml_connector.store.database import queue_conninfo
from ml_connector.workers.backoff import FlowBackoff
from ml_connector.workers.jobs import FLOW_TASK, PRUNE_TASK, QUEUE
from ml_connector.workers.schedules import register_schedules

# (flow name, trigger, scheduled second of a periodic job, earlier attempts) → a short summary of the
# run, logged by procrastinate with the job.
JobRunner = Callable[[str, str, int | None, int], dict[str, Any]]


def queue_connector(store_url: str, *, pool_size: int = 4) -> PsycopgConnector:
    """procrastinate's connector to the store's database (a pool opened with the App)."""
    return PsycopgConnector(conninfo=queue_conninfo(store_url), min_size=1, max_size=pool_size)


# Finished jobs are the queue's history; the runs and the audit in the store are the real record.
KEEP_FINISHED_HOURS = 30 * 24
PRUNE_CRON = "17 3 * * *"


def build_app(
    config: Config, runner: JobRunner | None = None, *, pool_size: int = 4, keep_hours: int = KEEP_FINISHED_HOURS
) -> App:
    """The App with the flow-run task and the config's schedules. Without `runner` it only queues.

    Workers also delete, once a day, the jobs that succeeded more than `keep_hours` ago (failed
    ones stay until someone looks at them).
    """
    app = App(connector=queue_connector(config.store_url, pool_size=pool_size))

    @app.periodic(cron=PRUNE_CRON, periodic_id="daily", queueing_lock=PRUNE_TASK)
    @app.task(name=PRUNE_TASK, queue=QUEUE, pass_context=True)
    async def prune_finished_jobs(context: JobContext, timestamp: int) -> None:
        await context.app.job_manager.delete_old_jobs(nb_hours=keep_hours, queue=QUEUE)

    @app.task(name=FLOW_TASK, queue=QUEUE, retry=FlowBackoff(), pass_context=True)
    def run_flow_job(
        context: JobContext, flow: str, trigger: str = "queued", timestamp: int | None = None
    ) -> dict[str, Any]:
        # `timestamp` is the scheduled second, passed by procrastinate to periodic jobs.
        if runner is None:
            raise ConfigurationError(
                f"job {context.job.id} reached a process that only queues jobs", hint="Run `ml-connector worker`."
            )
        return runner(flow, trigger, timestamp, context.job.attempts)

    register_schedules(app, run_flow_job, config)
    return app
