"""Catch-up for workers, with `serve`'s rules: what the schedules missed while no worker ran.

procrastinate's periodic deferrer queues a schedule at most 10 minutes late and forgets older ones. On
start, each worker therefore reads every scheduled flow's cursor (`ScheduleBook`, the same rows `serve`
keeps), works out the fire times missed since, applies the flow's `misfire` policy (`once`, `skip`,
`all`; see `service.catchup.decide`) and queues what the policy asks for. The queueing lock keeps one
waiting run per flow, so workers that start together queue each catch-up once; a policy of `all`
therefore queues one run that covers the missed times (it reads from the watermark), not one per time.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from procrastinate import App

from ml_connector.config import Config
from ml_connector.engine.schedules import ScheduleBook
from ml_connector.engine.states import Trigger
from ml_connector.service.alerts import Alert, Alerter, AlertKind
from ml_connector.service.catchup import cron_trigger, decide, fire_times
from ml_connector.store.database import Store
from ml_connector.workers.jobs import enqueue

log = logging.getLogger("ml_connector.workers")


def catch_up_schedules(
    app: App, config: Config, store: Store, alerter: Alerter | None, now: datetime | None = None
) -> list[str]:
    """Queue the catch-up runs the missed schedules call for (`app` open); returns the flows queued."""
    now = now or datetime.now(UTC)
    zone = ZoneInfo(config.service.timezone)
    book = ScheduleBook(store)
    queued: list[str] = []
    for name, flow in sorted(config.flows.items()):
        if not flow.schedule:
            continue
        last = book.last(name)
        if last is None:
            # ASSUMPTION (as `serve`): a flow never scheduled before has missed nothing; it counts from now.
            book.mark(name, now)
            continue
        due, total = fire_times(cron_trigger(flow.schedule, zone), last, now, config.service.catchup_limit)
        policy = flow.misfire or config.service.misfire
        decision = decide(name, due, total, policy, live=False)
        if decision.cursor is None:
            continue
        if decision.runs:
            (item,) = enqueue(app, config, [name], trigger=Trigger.CATCH_UP.value)
            queued.append(name)
            log.warning(
                "%s: %d scheduled run(s) missed while no worker ran; %s",
                name,
                decision.missed,
                "a run is already waiting" if item.already_waiting else f"queued catch-up job {item.job_id}",
            )
        book.mark(name, decision.cursor)
        if decision.missed and alerter is not None:
            alerter.send(missed_alert(name, decision.missed, due[0], policy, bool(decision.runs), zone))
    return queued


def missed_alert(flow: str, missed: int, first: datetime, policy: str, queued: bool, zone: ZoneInfo) -> Alert:
    since = first.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
    done = "one catch-up run is queued" if queued else f"they were skipped (misfire policy {policy!r})"
    what = f"{missed} scheduled run(s) of {flow} did not start on time (from {since}): no worker was running; {done}."
    action = (
        "Nothing to do if this follows a planned stop. Otherwise check that `ml-connector worker` processes keep "
        f"running; `ml-connector enqueue {flow}` queues a run now."
    )
    return Alert(AlertKind.MISSED, what, action, flow=flow)
