"""`Service`: every scheduled flow on its cron schedule (APScheduler 3), with catch-up, alerts and a clean stop.

    service = Service.from_context(ctx, alerter)   # ctx: a FlowContext (root.Root.flow_context)
    service.start()          # catch up from the store, then fire on schedule
    ...
    service.stop(grace=300)  # no new runs; wait for the running ones; stop them at a safe point

On start the service decides catch-up from the store (`catchup`), then lets APScheduler fire each
flow's trigger. A fire only queues work (`lanes`); runs take the flow's lease and the model's lease
like `ml-connector run` does, so a manual run and a scheduled one wait for each other, never collide.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from ml_connector.config import Config, MisfirePolicy
from ml_connector.engine.runs import RunInfo, RunLog
from ml_connector.engine.schedules import ScheduleBook
from ml_connector.engine.states import SCHEDULED_TRIGGERS, RunState
from ml_connector.engine.states import Trigger as RunTrigger
from ml_connector.errors import ConnectorError
from ml_connector.flows.context import FlowContext, Progress
from ml_connector.flows.runner import run_flow
from ml_connector.service.alerts import Alert, Alerter, AlertKind
from ml_connector.service.catchup import Fire, Trigger, cron_trigger, decide, fire_times
from ml_connector.service.expiry import expiring, expiry_alert
from ml_connector.service.lanes import FlowLanes
from ml_connector.service.outcomes import failed_alert, run_alerts
from ml_connector.service.shutdown import ServiceStopping, StopFlag, StoppableProgress
from ml_connector.store.database import Store
from ml_connector.vault import Vault

log = logging.getLogger("ml_connector.service")

RunFlow = Callable[[str, RunTrigger, Progress], RunInfo]
Clock = Callable[[], datetime]
ABORT_WAIT_SECONDS = 30.0  # after the grace period: how long runs get to reach a safe point


def context_runner(ctx: FlowContext) -> RunFlow:
    """Runs flows with `ctx`'s clients (one kept token per credential) and a per-run progress."""

    def run(flow: str, trigger: RunTrigger, progress: Progress) -> RunInfo:
        return run_flow(dataclasses.replace(ctx, progress=progress), flow, trigger=trigger)

    return run


class Service:
    """The embedded scheduler. `clock` and `trigger_for` are injectable so tests run in seconds."""

    def __init__(
        self,
        config: Config,
        store: Store,
        run: RunFlow,
        alerter: Alerter,
        *,
        vault: Vault | None = None,
        clock: Clock | None = None,
        trigger_for: Callable[[str, ZoneInfo], Trigger] = cron_trigger,
    ) -> None:
        self.config = config
        self.store = store
        self.alerter = alerter
        self.vault = vault
        self.zone = ZoneInfo(config.service.timezone)
        self.book = ScheduleBook(store)
        self.flag = StopFlag()
        self._run = run
        self._clock = clock or (lambda: datetime.now(UTC))
        self.triggers: dict[str, Trigger] = {
            name: trigger_for(flow.schedule, self.zone) for name, flow in config.flows.items() if flow.schedule
        }
        self._cursors: dict[str, datetime] = {}
        self._fire_guard = threading.Lock()
        self._scheduler: BackgroundScheduler | None = None
        self.lanes = FlowLanes(config.service.workers, self._execute)

    @classmethod
    def from_context(cls, ctx: FlowContext, alerter: Alerter, **options: Any) -> Service:
        vault = getattr(ctx.clients, "vault", None)
        return cls(ctx.config, ctx.store, context_runner(ctx), alerter, vault=vault, **options)

    def policy(self, flow: str) -> MisfirePolicy:
        return self.config.flows[flow].misfire or self.config.service.misfire

    # -- starting ---------------------------------------------------------------------------------

    def catch_up(self) -> list[Fire]:
        """Queue what the schedules missed while the service was down, and resume interrupted runs."""
        now = self._clock()
        queued: list[Fire] = []
        for flow in self.triggers:
            last = self.book.last(flow)
            if last is None:
                # ASSUMPTION: a flow the service has never scheduled has missed nothing; its schedule
                # counts from now (the row makes a later restart catch up from here).
                self.book.mark(flow, now)
                self._cursors[flow] = now
            else:
                self._cursors[flow] = last
                queued += self._advance(flow, now, live=False)
            if not self.lanes.busy(flow):
                queued += self._resume(flow, now)
        return queued

    def _resume(self, flow: str, now: datetime) -> list[Fire]:
        latest = RunLog(self.store).recent(flow, limit=1)
        if not latest or latest[0].trigger not in SCHEDULED_TRIGGERS or latest[0].dry_run:
            return []
        if latest[0].state not in (RunState.RUNNING, RunState.INTERRUPTED):
            return []
        log.warning("resuming %s: its last scheduled run %s was %s", flow, latest[0].id, latest[0].state)
        fire = Fire(flow, self._cursors.get(flow, now), RunTrigger.RESUME)
        self.lanes.submit([fire])
        return [fire]

    def start(self) -> None:
        """Catch up, check credentials, then fire every flow on its schedule (in background threads)."""
        self.catch_up()
        scheduler = BackgroundScheduler(
            timezone=self.zone,
            executors={"default": ThreadPoolExecutor(2)},
            # Catch-up is decided from the store; APScheduler only has to fire, once, however late.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        for flow, trigger in self.triggers.items():
            scheduler.add_job(self.on_fire, trigger=trigger, args=[flow], id=f"flow:{flow}", name=flow)
        scheduler.add_job(self.check_credentials, IntervalTrigger(days=1, timezone=self.zone), id="credentials")
        scheduler.start()
        self._scheduler = scheduler
        self.check_credentials()

    def run_once(self, timeout: float | None = None) -> bool:
        """`serve --once`: catch up, check credentials, run what is due, wait for it; True if all finished."""
        self.catch_up()
        self.check_credentials()
        return self.lanes.wait_idle(timeout)

    # -- firing -----------------------------------------------------------------------------------

    def on_fire(self, flow: str) -> None:
        """APScheduler's job: queue the run(s) the policy asks for now."""
        if not self.flag.stopping.is_set():
            self._advance(flow, self._clock(), live=True)

    def _advance(self, flow: str, now: datetime, *, live: bool) -> list[Fire]:
        with self._fire_guard:
            cursor = self._cursors.get(flow, now)
            due, total = fire_times(self.triggers[flow], cursor, now, self.config.service.catchup_limit)
            decision = decide(flow, due, total, self.policy(flow), live=live, busy=self.lanes.busy(flow))
            if decision.cursor is None:
                return []
            self._cursors[flow] = decision.cursor
            if not decision.runs:
                self.book.mark(flow, decision.cursor)  # passed over: a restart must not run them again
            self.lanes.submit(decision.runs)
        if decision.missed:
            self.alerter.send(self._missed_alert(flow, decision.missed, total, due, decision.runs))
        return decision.runs

    def _missed_alert(self, flow: str, missed: int, total: int, due: list[datetime], runs: list[Fire]) -> Alert:
        policy = self.policy(flow)
        first = due[0].astimezone(self.zone).strftime("%Y-%m-%d %H:%M %Z")
        what = f"{missed} scheduled run(s) of {flow} did not start on time (from {first})"
        if runs and policy == "all":
            done = f"; {len(runs)} are being run now, one after another"
            if total > len(due):
                done += f" (only the last {len(due)}: [service] catchup_limit)"
        elif runs:
            done = "; one run is being made now to catch up (misfire policy 'once')"
        elif self.lanes.busy(flow):
            done = "; the previous run was still going, so the next run covers them"
        else:
            done = "; they were skipped (misfire policy 'skip')"
        action = (
            f"Nothing to do if this follows a planned stop. Otherwise check that `ml-connector serve` keeps "
            f"running (e.g. `systemctl status ml-connector`); `ml-connector run {flow}` runs it now."
        )
        return Alert(AlertKind.MISSED, what + done + ".", action, flow=flow, at=self._clock())

    # -- running ----------------------------------------------------------------------------------

    def _execute(self, fire: Fire) -> None:
        if self.flag.stopping.is_set():
            return
        self.book.mark(fire.flow, fire.scheduled_at)
        started = self._clock()
        log.info("running %s (%s, for %s)", fire.flow, fire.trigger, fire.scheduled_at.isoformat())
        try:
            info = self._run(fire.flow, fire.trigger, StoppableProgress(self.flag))
        except ServiceStopping:
            log.warning("%s was stopped at a safe point; it resumes when the service starts again", fire.flow)
            return
        except ConnectorError as exc:
            self.alerter.send(self._failed_alert(fire.flow, str(exc), exc.hint, self._run_since(fire.flow, started)))
            return
        except Exception as exc:  # noqa: BLE001 - the service outlives any one run; the alert says why
            log.exception("the run of %s crashed", fire.flow)
            self.alerter.send(self._failed_alert(fire.flow, repr(exc), "", self._run_since(fire.flow, started)))
            return
        self._after(info)

    def _run_since(self, flow: str, started: datetime) -> str | None:
        latest = RunLog(self.store).recent(flow, limit=1)
        return latest[0].id if latest and latest[0].started_at.replace(tzinfo=UTC) >= started else None

    def _after(self, info: RunInfo) -> None:
        for alert in run_alerts(info):
            self.alerter.send(alert)

    def _failed_alert(self, flow: str, error: str, hint: str, run_id: str | None) -> Alert:
        return failed_alert(flow, error, hint, run_id, at=self._clock())

    def check_credentials(self) -> list[Alert]:
        """Alert on every credential that expires within `[alerts] expiry_warning_days`."""
        if self.vault is None:
            return []
        now = self._clock()
        try:
            found = expiring(self.config, self.vault, now=now, warning_days=self.config.alerts.expiry_warning_days)
        except ConnectorError as exc:
            log.error("could not check credential expiry: %s", exc)
            return []
        alerts = [expiry_alert(item, now) for item in found]
        for alert in alerts:
            self.alerter.send(alert)
        return alerts

    # -- stopping ---------------------------------------------------------------------------------

    def stop(self, grace: float | None = None) -> bool:
        """Stop firing, drop runs not started, wait `grace` s for running ones, then stop them at a safe
        point. True if every run finished on its own."""
        self.flag.stopping.set()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        dropped = self.lanes.close()
        if dropped:
            log.warning("%d queued run(s) dropped; the next start catches them up", len(dropped))
        wait = self.config.service.stop_grace_seconds if grace is None else grace
        if self.lanes.wait_idle(wait):
            return True
        running = ", ".join(fire.flow for fire in self.lanes.running())
        log.warning("stopping the runs still going (%s) at their next safe point", running)
        self.flag.abort.set()
        if not self.lanes.wait_idle(ABORT_WAIT_SECONDS):
            log.error("runs still going (%s) are left to the next start, which resumes them", running)
        return False
