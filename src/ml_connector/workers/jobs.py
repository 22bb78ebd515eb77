"""Flow-run jobs: how one is queued (its locks) and what a worker does with it.

Two procrastinate locks go with every job, both derived from the config so that `enqueue`, the
periodic schedules and every worker agree on them:

- `lock = "anaplan-model:<workspace>/<model>"`: jobs on one Anaplan model run one after another, in
  the order they were queued. A job for a busy model waits in the queue instead of holding a worker
  while it waits for the model's lease (the lease still guards every import and export, also against
  `ml-connector run` outside the queue).
- `queueing_lock = "flow:<name>"`: at most one run of a flow waits in the queue. A slow flow whose
  schedule fires again, or an impatient `enqueue`, adds nothing while one is already waiting.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from procrastinate import App
from procrastinate.exceptions import AlreadyEnqueued

from ml_connector.config import Config
from ml_connector.engine.schedules import ScheduleBook
from ml_connector.engine.states import Trigger
from ml_connector.errors import ConnectorError
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow
from ml_connector.service.alerts import Alert, Alerter
from ml_connector.service.outcomes import failed_alert, run_alerts
from ml_connector.workers.backoff import RETRIABLE, FlowBackoff

log = logging.getLogger("ml_connector.workers")

FLOW_TASK = "ml_connector.run_flow"
PRUNE_TASK = "ml_connector.prune_finished_jobs"
QUEUE = "flows"
# Flow kinds whose Anaplan end is the source (the others load into Anaplan).
_ANAPLAN_SOURCE_KINDS = ("plan-return", "suppliers-return")


@dataclass(frozen=True)
class JobLocks:
    """The procrastinate `lock` and `queueing_lock` of one flow's jobs."""

    lock: str
    queueing_lock: str


def job_locks(config: Config, flow_name: str) -> JobLocks:
    """The locks of `flow_name`'s jobs: its Anaplan model's, and its own."""
    flow = config.flow(flow_name)
    workspace = flow.workspace
    if not workspace:
        # The flow may leave the workspace to its Anaplan connection's default.
        anaplan = flow.source if flow.kind in _ANAPLAN_SOURCE_KINDS else flow.target
        section = config.connections.get(anaplan)
        workspace = str(section.options().get("workspace", "")) if section is not None else ""
    return JobLocks(lock=f"anaplan-model:{workspace}/{flow.model}", queueing_lock=f"flow:{flow_name}")


@dataclass(frozen=True)
class Queued:
    """The outcome of queueing one flow: its job id, or None when a run of it was already waiting."""

    flow: str
    job_id: int | None
    locks: JobLocks

    @property
    def already_waiting(self) -> bool:
        return self.job_id is None


def enqueue(app: App, config: Config, flows: Sequence[str], *, trigger: str = "queued") -> list[Queued]:
    """Queue one run of each flow, in order. `app` must be open (`with app.open(): ...`).

    Every name is checked against the config before anything is queued, so a typo queues nothing.
    """
    locks = [job_locks(config, name) for name in flows]
    task = app.tasks[FLOW_TASK]
    out = []
    for name, lock in zip(flows, locks, strict=True):
        deferrer = task.configure(lock=lock.lock, queueing_lock=lock.queueing_lock)
        try:
            job_id: int | None = deferrer.defer(flow=name, trigger=trigger)
        except AlreadyEnqueued:
            job_id = None
        out.append(Queued(name, job_id, lock))
    return out


class FlowJobs:
    """Runs queued flows in one worker's `FlowContext`: clients, kept tokens and budgets live as long
    as the worker, not one job. Like `serve`, it alerts on failed and partial runs (when given an
    `alerter`) and keeps each schedule's cursor, so a restart catches up what was missed."""

    def __init__(self, ctx: FlowContext, alerter: Alerter | None = None) -> None:
        self.ctx = ctx
        self.alerter = alerter
        self.book = ScheduleBook(ctx.store)

    def __call__(self, flow: str, trigger: str, timestamp: int | None = None, attempts: int = 0) -> dict[str, Any]:
        log.info("flow %s: run starts (%s)", flow, trigger, extra={"flow": flow, "trigger": trigger})
        if timestamp is not None and trigger == Trigger.SCHEDULE:
            self.book.mark(flow, datetime.fromtimestamp(timestamp, UTC))
        try:
            info = run_flow(self.ctx, flow, trigger=Trigger(trigger))
        except ConnectorError as exc:
            retried = isinstance(exc, RETRIABLE) and attempts + 1 < FlowBackoff().max_attempts
            if not retried:  # a failure queued again with backoff alerts only when it finally fails
                self._send([failed_alert(flow, str(exc), exc.hint, None)])
            raise
        self._send(run_alerts(info))
        log.info(
            "flow %s: run %s %s",
            flow,
            info.id,
            info.state,
            extra={"flow": flow, "run_id": info.id, "state": info.state, "counts": info.counts},
        )
        return {"flow": flow, "run_id": info.id, "state": info.state, "counts": info.counts}

    def _send(self, alerts: list[Alert]) -> None:
        if self.alerter is None:
            return
        for alert in alerts:
            self.alerter.send(alert)
