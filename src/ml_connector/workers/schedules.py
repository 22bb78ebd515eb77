"""`[flows.X] schedule = "<cron>"` → procrastinate periodic tasks, defined from the config.

Every worker registers the same periodic tasks and runs procrastinate's periodic deferrer; the
database accepts one job per (task, periodic id, scheduled second), so N workers on N machines queue
each scheduled run once. The periodic id is the flow's name, and the job carries the flow's usual
locks (`jobs.job_locks`), so a slow flow still has at most one run waiting.

Schedules are read in `[service] timezone` (default UTC), as `ml-connector serve` reads them, so a
flow fires at the same wall-clock time whichever runs it, daylight saving included; the machines'
own time zones do not matter.

A schedule that was due while no worker was up is queued when a worker starts only if it is less
than procrastinate's `max_delay` (10 minutes) late; older ones are skipped, not caught up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

# croniter is procrastinate's own cron parser (no type hints): checking with it means the worker
# accepts exactly what procrastinate will run.
from croniter import croniter  # type: ignore[import-untyped]
from procrastinate import App
from procrastinate.periodic import PeriodicTask
from procrastinate.tasks import Task

from ml_connector.config import Config
from ml_connector.errors import ConfigurationError
from ml_connector.workers.jobs import JobLocks, job_locks


@dataclass(frozen=True)
class Schedule:
    """One flow's periodic task."""

    flow: str
    cron: str
    locks: JobLocks
    zone: tzinfo


def schedules(config: Config) -> list[Schedule]:
    """The config's schedules, checked; one error lists every expression the queue cannot read."""
    zone = ZoneInfo(config.service.timezone)
    found = []
    problems = []
    for name, flow in sorted(config.flows.items()):
        if flow.schedule is None:
            continue
        if not croniter.is_valid(flow.schedule):
            problems.append(f"  flows.{name}.schedule: {flow.schedule!r} is not a cron expression")
            continue
        found.append(Schedule(name, flow.schedule, job_locks(config, name), zone))
    if problems:
        raise ConfigurationError(
            f"{config.path} has {len(problems)} schedule(s) the work queue cannot read:\n" + "\n".join(problems),
            hint="Write 5-field cron expressions, e.g. '0 6 * * *' (minute hour day month weekday).",
        )
    return found


def register_schedules(app: App, task: Task[Any, Any, Any], config: Config) -> list[Schedule]:
    """Register one periodic task per scheduled flow on `app`; returns what was registered."""
    found = schedules(config)
    for schedule in found:
        periodic: PeriodicTask[Any, Any, Any] = app.periodic_registry.register_task(
            task=task,
            cron=schedule.cron,
            periodic_id=schedule.flow,
            configure_kwargs={
                "lock": schedule.locks.lock,
                "queueing_lock": schedule.locks.queueing_lock,
                "task_kwargs": {"flow": schedule.flow, "trigger": "schedule"},
            },
        )
        # procrastinate makes its croniter without a time zone, which reads epoch seconds as UTC. Its
        # `croniter` is a cached property: setting the cached value gives it one that reads them in
        # the configured zone (tests check that procrastinate still uses it).
        periodic.__dict__["croniter"] = croniter(schedule.cron, datetime.now(schedule.zone))
    return found
