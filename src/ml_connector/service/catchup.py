"""Catch-up: which fire times a flow missed, and what to run for them, decided from the store.

The store keeps, per flow, the last fire time the service acted on (`ScheduleState.last_fired_at`):
written when a run for that time starts, or when a policy of `skip` passes over it. On start, and on
every live fire, the fire times after it up to now are "due":

    once  one run, for the latest due time (default: a restart never bursts)
    skip  no run; the due times are marked as passed
    all   one run per due time, in order, one after another (at most `catchup_limit`)

Any due time beyond the one the schedule is firing for right now is a missed schedule (alerted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Protocol

from apscheduler.triggers.cron import CronTrigger

from ml_connector.config import MisfirePolicy
from ml_connector.engine.states import Trigger as RunTrigger


class Trigger(Protocol):
    """The part of an APScheduler 3 trigger that catch-up uses."""

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None: ...


def cron_trigger(expression: str, zone: tzinfo) -> Trigger:
    """The APScheduler trigger of a 5-field cron expression in `zone`."""
    trigger: Trigger = CronTrigger.from_crontab(expression, timezone=zone)
    return trigger


def fire_times(trigger: Trigger, after: datetime, until: datetime, limit: int) -> tuple[list[datetime], int]:
    """Fire times in (after, until], the last `limit` of them, and how many there were in all."""
    found: list[datetime] = []
    total = 0
    cursor = after + timedelta(microseconds=1)
    while True:
        moment = trigger.get_next_fire_time(None, cursor)
        if moment is None or moment > until:
            return found, total
        total += 1
        found.append(moment)
        if len(found) > limit:
            found.pop(0)
        cursor = moment + timedelta(microseconds=1)


@dataclass(frozen=True)
class Fire:
    """One run to make: the flow, the fire time it stands for, and why (`schedule`, `catch-up`, `resume`)."""

    flow: str
    scheduled_at: datetime
    trigger: RunTrigger


@dataclass
class Decision:
    """What to run now, which due times were missed, and the latest due time (the new cursor)."""

    runs: list[Fire] = field(default_factory=list)
    missed: int = 0
    cursor: datetime | None = None


def decide(
    flow: str, due: list[datetime], total: int, policy: MisfirePolicy, *, live: bool, busy: bool = False
) -> Decision:
    """Apply `policy` to `due` (the last of `total` due times, oldest first).

    `live`: the schedule fires now, so its latest due time is on time, not missed. `busy`: a run of the
    flow is going or queued; then only `all` queues more, the others let the coming run cover it.
    """
    if not due:
        return Decision()
    late = total - 1 if live else total
    decision = Decision(missed=late, cursor=due[-1])

    def fire(moment: datetime) -> Fire:
        return Fire(flow, moment, RunTrigger.SCHEDULE if live and moment == due[-1] else RunTrigger.CATCH_UP)

    if policy == "all":
        decision.runs = [fire(moment) for moment in due]
    elif busy:
        # ASSUMPTION: a fire that finds the previous run still going is a missed schedule (alerted); the
        # running one reads the source up to its start, and the next fire reads on from there.
        decision.missed = total
    elif policy == "once" or live:
        # `skip` still runs the time the schedule fires for now; it passes over the late ones only.
        decision.runs = [fire(due[-1])]
    return decision
