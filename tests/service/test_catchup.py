"""Catch-up decided from the store: once, skip, all; no burst, no duplicates after a restart, resume."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger

from ml_connector.engine.runs import RunLog
from ml_connector.engine.schedules import ScheduleBook
from ml_connector.engine.states import RunState
from ml_connector.service.alerts import Alerter, AlertKind
from ml_connector.service.catchup import cron_trigger, decide, fire_times
from ml_connector.service.scheduler import Service
from ml_connector.store import Store
from tests.service.conftest import Clock, FakeRunner, make_config, utc

DAILY = cron_trigger("0 6 * * *", utc("2026-01-01").tzinfo)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("after", "until", "limit", "expected", "total"),
    [
        ("2026-03-01 06:00", "2026-03-01 05:59", 10, [], 0),
        ("2026-03-01 06:00", "2026-03-02 06:00", 10, ["2026-03-02 06:00"], 1),
        ("2026-03-01 05:00", "2026-03-04 07:00", 10, [f"2026-03-0{d} 06:00" for d in range(1, 5)], 4),
        ("2026-03-01 05:00", "2026-03-04 07:00", 2, ["2026-03-03 06:00", "2026-03-04 06:00"], 4),
    ],
)  # fmt: skip
def test_fire_times(after: str, until: str, limit: int, expected: list[str], total: int) -> None:
    found, count = fire_times(DAILY, utc(after), utc(until), limit)
    assert [f.strftime("%Y-%m-%d %H:%M") for f in found] == expected
    assert count == total


@pytest.mark.parametrize(
    ("policy", "live", "busy", "runs", "missed"),
    [
        ("once", False, False, ["catch-up"], 3),
        ("skip", False, False, [], 3),
        ("all", False, False, ["catch-up"] * 3, 3),
        ("once", True, False, ["schedule"], 2),  # the machine slept through two fires
        ("skip", True, False, ["schedule"], 2),
        ("all", True, False, ["catch-up", "catch-up", "schedule"], 2),
        ("once", True, True, [], 3),  # the previous run still going covers them
        ("all", True, True, ["catch-up", "catch-up", "schedule"], 2),
    ],
)
def test_decide(policy: str, live: bool, busy: bool, runs: list[str], missed: int) -> None:
    due, total = fire_times(DAILY, utc("2026-03-01 07:00"), utc("2026-03-04 06:00"), 10)
    decision = decide("f", due, total, policy, live=live, busy=busy)  # type: ignore[arg-type]
    assert [r.trigger for r in decision.runs] == runs
    assert decision.missed == missed
    assert decision.cursor == utc("2026-03-04 06:00")


def _service(tmp_path: Path, store: Store, runner: FakeRunner, clock: Clock, policy: str, **extra: object) -> Service:
    config = make_config(
        tmp_path / "x.toml",
        {"daily": {"schedule": "0 6 * * *"}, "hourly": {"schedule": "0 * * * *", "misfire": "skip"}},
        service={"misfire": policy, "workers": 2, **extra},
    )
    return Service(config, store, runner, Alerter(config.alerts), clock=clock)


@pytest.mark.parametrize(("policy", "runs"), [("once", 1), ("skip", 0), ("all", 3)])
def test_restart_after_three_missed_days(tmp_path: Path, store: Store, policy: str, runs: int) -> None:
    book = ScheduleBook(store)
    book.mark("daily", utc("2026-03-01 06:00"))
    book.mark("hourly", utc("2026-03-04 08:00"))
    runner = FakeRunner(store, seconds=0.05)
    clock = Clock(utc("2026-03-04 09:30"))
    service = _service(tmp_path, store, runner, clock, policy)
    assert service.run_once(timeout=10)
    daily = [c for c in runner.calls if c[0] == "daily"]
    assert len(daily) == runs
    # one after another, never side by side
    for before, after in zip(daily, daily[1:], strict=False):
        assert after[2] >= before[3]
    assert book.last("daily") == utc("2026-03-04 06:00")
    # the hourly flow ('skip' on the flow) passed over its one missed hour
    assert [c for c in runner.calls if c[0] == "hourly"] == []
    assert book.last("hourly") == utc("2026-03-04 09:00")
    missed = [a for a in service.alerter.sent if a.kind == AlertKind.MISSED]
    assert {a.flow for a in missed} == {"daily", "hourly"}
    assert "3 scheduled run(s) of daily" in next(a.summary for a in missed if a.flow == "daily")
    service.stop(0)

    # A second restart a minute later finds nothing due: no duplicates.
    clock.now += timedelta(minutes=1)
    again = _service(tmp_path, store, runner, clock, policy)
    assert again.run_once(timeout=10)
    assert len([c for c in runner.calls if c[0] == "daily"]) == runs
    assert again.alerter.sent == []
    again.stop(0)


def test_all_is_capped_by_the_catchup_limit(tmp_path: Path, store: Store) -> None:
    ScheduleBook(store).mark("daily", utc("2026-01-01 06:00"))
    ScheduleBook(store).mark("hourly", utc("2026-03-04 09:00"))
    runner = FakeRunner(store)
    service = _service(tmp_path, store, runner, Clock(utc("2026-03-04 09:30")), "all", catchup_limit=5)
    assert service.run_once(timeout=10)
    assert len(runner.calls) == 5
    assert "only the last 5" in service.alerter.sent[0].summary
    service.stop(0)


def test_first_start_misses_nothing_and_records_a_baseline(tmp_path: Path, store: Store) -> None:
    runner = FakeRunner(store)
    service = _service(tmp_path, store, runner, Clock(utc("2026-03-04 09:30")), "once")
    assert service.run_once(timeout=10)
    assert runner.calls == []
    assert ScheduleBook(store).last("daily") == utc("2026-03-04 09:30")
    service.stop(0)


def test_a_scheduled_run_left_running_is_resumed(tmp_path: Path, store: Store) -> None:
    book = ScheduleBook(store)
    book.mark("daily", utc("2026-03-04 06:00"))
    book.mark("hourly", utc("2026-03-04 09:00"))
    RunLog(store).start("daily", trigger="schedule")  # its process died mid-run
    runner = FakeRunner(store)
    service = _service(tmp_path, store, runner, Clock(utc("2026-03-04 09:30")), "once")
    assert service.run_once(timeout=10)
    assert [(c[0], c[1]) for c in runner.calls] == [("daily", "resume")]
    assert book.last("daily") == utc("2026-03-04 06:00")  # a resume is not a new fire
    service.stop(0)


def test_live_fires_with_apscheduler_triggers(tmp_path: Path, store: Store) -> None:
    """The real scheduler, on a one-second trigger: fires run, one per flow at a time."""
    config = make_config(tmp_path / "x.toml", {"fast": {"schedule": "* * * * *"}}, service={"workers": 1})
    runner = FakeRunner(store, seconds=1.5)  # longer than the interval: later fires find it busy
    service = Service(
        config,
        store,
        runner,
        Alerter(config.alerts),
        trigger_for=lambda _expr, zone: CronTrigger(second="*", timezone=zone),
    )
    service.start()
    try:
        time.sleep(4.2)
    finally:
        assert service.stop(5)
    calls = runner.calls
    assert 1 <= len(calls) <= 3
    for before, after in zip(calls, calls[1:], strict=False):
        assert after[2] >= before[3]
    assert all(c[1] == "schedule" for c in calls)
    assert any(a.kind == AlertKind.MISSED for a in service.alerter.sent)  # fires that found it busy
    assert RunLog(store).recent("fast")[0].state == RunState.SUCCEEDED
