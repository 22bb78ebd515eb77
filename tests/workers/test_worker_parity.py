"""Workers do what `serve` does: they catch up the schedules missed while none ran (with the flow's
`misfire` policy, queued once however many workers start), keep each schedule's cursor, and alert on
failed and partial runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

import pytest

from ml_connector.engine.mappings import replace_mapping
from ml_connector.engine.schedules import ScheduleBook
from ml_connector.errors import ConfigurationError, UnavailableError
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow
from ml_connector.service.alerts import Alert, Alerter, AlertKind
from ml_connector.store import Store
from ml_connector.workers import jobs as jobs_module
from ml_connector.workers.app import build_app
from ml_connector.workers.backoff import FlowBackoff
from ml_connector.workers.catchup import catch_up_schedules
from ml_connector.workers.jobs import FlowJobs
from tests.workers.test_jobs import ACTUALS, make_config
from tests.workers.test_queue import jobs

NOW = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)


class Recorder:
    """Stands in for the configured channels: keeps what was sent."""

    def __init__(self) -> None:
        self.sent: list[Alert] = []

    def send(self, alert: Alert) -> list[str]:
        self.sent.append(alert)
        return ["recorder"]


def alerter(recorder: Recorder) -> Alerter:
    return cast(Alerter, recorder)


@pytest.mark.postgres
@pytest.mark.parametrize(("policy", "queued"), [("once", True), ("all", True), ("skip", False)])
def test_a_worker_start_catches_up_missed_schedules_by_policy(queue_store: Store, policy: str, queued: bool) -> None:
    config = make_config(
        {"actuals": {**ACTUALS, "schedule": "0 * * * *", "misfire": policy}}, store_url=queue_store.url
    )
    ScheduleBook(queue_store).mark("actuals", NOW - timedelta(hours=5, minutes=30))  # last fired at 04:00
    first, second = Recorder(), Recorder()
    app = build_app(config, pool_size=1)
    with app.open():
        assert catch_up_schedules(app, config, queue_store, alerter(first), NOW) == (["actuals"] if queued else [])
        # A second worker starting at the same moment finds the cursor moved: it queues nothing more.
        assert catch_up_schedules(app, config, queue_store, alerter(second), NOW) == []
    rows = jobs(queue_store)
    assert [(r.args["flow"], r.args["trigger"], r.status) for r in rows] == (
        [("actuals", "catch-up", "todo")] if queued else []
    )
    assert ScheduleBook(queue_store).last("actuals") == datetime(2026, 3, 4, 9, tzinfo=UTC)
    (alert,) = first.sent
    assert alert.kind is AlertKind.MISSED and "5 scheduled run(s) of actuals" in alert.summary
    assert ("catch-up run is queued" in alert.summary) is queued and second.sent == []


@pytest.mark.postgres
def test_a_flow_never_scheduled_before_has_missed_nothing(queue_store: Store) -> None:
    config = make_config({"actuals": {**ACTUALS, "schedule": "0 * * * *"}}, store_url=queue_store.url)
    recorder = Recorder()
    app = build_app(config, pool_size=1)
    with app.open():
        assert catch_up_schedules(app, config, queue_store, alerter(recorder), NOW) == []
    assert jobs(queue_store) == [] and recorder.sent == []
    assert ScheduleBook(queue_store).last("actuals") == NOW


def test_a_scheduled_job_moves_the_cursor_and_a_partial_run_alerts(ctx: FlowContext) -> None:
    run_flow(ctx, "reference-oracle")
    recorder = Recorder()
    fired = datetime(2026, 3, 4, 6, 15, tzinfo=UTC)
    summary = FlowJobs(ctx, alerter(recorder))("actuals-oracle", "schedule", int(fired.timestamp()))
    assert summary["state"] == "partial"  # the seeded unmapped cost center
    assert ScheduleBook(ctx.store).last("actuals-oracle") == fired
    (alert,) = recorder.sent
    assert alert.kind is AlertKind.QUARANTINED and f"audit {summary['run_id']} --state quarantined" in alert.action


def test_a_failed_job_alerts_with_the_error(ctx: FlowContext) -> None:
    replace_mapping(ctx.store, "oracle", [])  # the flow's mapping set is gone
    recorder = Recorder()
    with pytest.raises(ConfigurationError):
        FlowJobs(ctx, alerter(recorder))("actuals-oracle", "queued")
    (alert,) = recorder.sent
    assert alert.kind is AlertKind.FAILED and "mapping set 'oracle'" in alert.summary


def test_a_failure_that_is_retried_alerts_only_on_its_last_attempt(
    ctx: FlowContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def busy(*args: object, **kwargs: object) -> None:
        raise UnavailableError("Anaplan answered 503", hint="It passes; the job is retried.")

    monkeypatch.setattr(jobs_module, "run_flow", busy)
    recorder = Recorder()
    runner = FlowJobs(ctx, alerter(recorder))
    for attempt in range(FlowBackoff().max_attempts - 1):
        with pytest.raises(UnavailableError):
            runner("actuals-oracle", "queued", None, attempt)
    assert recorder.sent == []
    with pytest.raises(UnavailableError):
        runner("actuals-oracle", "queued", None, FlowBackoff().max_attempts - 1)
    (alert,) = recorder.sent
    assert alert.kind is AlertKind.FAILED and "503" in alert.summary
