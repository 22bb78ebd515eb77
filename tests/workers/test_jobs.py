"""Job locks, the queue's connection string, schedules as periodic tasks (no database needed)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from procrastinate.periodic import PeriodicDeferrer, PeriodicRegistry

from ml_connector.config import Config
from ml_connector.errors import ConfigurationError
from ml_connector.store.database import queue_conninfo
from ml_connector.workers.app import build_app
from ml_connector.workers.jobs import FLOW_TASK, JobLocks, job_locks
from ml_connector.workers.process import WorkerSettings
from ml_connector.workers.schedules import schedules

PG = "postgresql+psycopg://mlc:s3cret@db.internal:5432/mlc"


def make_config(flows: dict[str, dict[str, Any]], store_url: str = PG, timezone: str = "UTC") -> Config:
    return Config.model_validate(
        {
            "store": {"url": store_url},
            "service": {"timezone": timezone},
            "connections": {
                "anaplan": {"system": "anaplan", "workspace": "Default WS"},
                "oracle": {"system": "oracle"},
            },
            "flows": flows,
            "path": Path("fleet.toml"),
        }
    )


ACTUALS = {"kind": "actuals", "source": "oracle", "target": "anaplan", "workspace": "Acme Finance", "model": "FP&A"}
RETURN = {"kind": "plan-return", "source": "anaplan", "target": "oracle", "model": "FP&A", "export": "E"}


@pytest.mark.parametrize(
    ("flow", "expected"),
    [
        (ACTUALS, JobLocks("anaplan-model:Acme Finance/FP&A", "flow:f")),
        # No workspace on the flow: the Anaplan connection's (the source, for a return flow).
        (RETURN, JobLocks("anaplan-model:Default WS/FP&A", "flow:f")),
        (
            {**ACTUALS, "workspace": "", "model": "FP&A Sandbox"},
            JobLocks("anaplan-model:Default WS/FP&A Sandbox", "flow:f"),
        ),
    ],
)
def test_job_locks(flow: dict[str, Any], expected: JobLocks) -> None:
    assert job_locks(make_config({"f": flow}), "f") == expected


def test_job_locks_of_an_unknown_flow_name_it() -> None:
    with pytest.raises(ConfigurationError, match="no flow named 'nope'"):
        job_locks(make_config({"f": ACTUALS}), "nope")


@pytest.mark.parametrize(
    ("url", "conninfo"),
    [
        (PG, "postgresql://mlc:s3cret@db.internal:5432/mlc"),
        ("postgresql://u@h/db?sslmode=require", "postgresql://u@h/db?sslmode=require"),
        ("postgresql+psycopg://u:p%40ss@h/db", "postgresql://u:p%40ss@h/db"),
    ],
)
def test_queue_conninfo(url: str, conninfo: str) -> None:
    assert queue_conninfo(url) == conninfo


def test_workers_refuse_a_sqlite_store() -> None:
    with pytest.raises(ConfigurationError, match="workers need PostgreSQL") as info:
        queue_conninfo("sqlite:///ml-connector.db")
    assert "db upgrade" in info.value.hint


def test_schedules_become_periodic_tasks_with_the_flow_locks() -> None:
    config = make_config(
        {
            "actuals": {**ACTUALS, "schedule": "15 6 * * 1-5"},
            "ret": {**RETURN, "schedule": "0 18 * * *"},
            "manual": ACTUALS,
        }
    )
    app = build_app(config)  # registering opens no connection
    periodic = {pid: task for (name, pid), task in app.periodic_registry.periodic_tasks.items() if name == FLOW_TASK}
    assert set(periodic) == {"actuals", "ret"}
    actuals = periodic["actuals"]
    assert actuals.cron == "15 6 * * 1-5"
    assert actuals.configure_kwargs == {
        "lock": "anaplan-model:Acme Finance/FP&A",
        "queueing_lock": "flow:actuals",
        "task_kwargs": {"flow": "actuals", "trigger": "schedule"},
    }
    # Fires at 06:15 UTC on weekdays (procrastinate reads cron in UTC).
    saturday_night = datetime(2026, 11, 21, 22, 0, tzinfo=UTC).timestamp()
    monday_morning = datetime(2026, 11, 23, 6, 15, tzinfo=UTC).timestamp()
    assert actuals.croniter.get_next(ret_type=float, start_time=saturday_night) == monday_morning


def test_schedules_fire_in_the_service_time_zone_daylight_saving_included() -> None:
    config = make_config({"a": {**ACTUALS, "schedule": "0 6 * * *"}}, timezone="Europe/Berlin")
    registry = PeriodicRegistry()
    registry.periodic_tasks = {
        key: task for key, task in build_app(config).periodic_registry.periodic_tasks.items() if key[0] == FLOW_TASK
    }
    deferrer = PeriodicDeferrer(registry=registry)
    winter = datetime(2026, 11, 21, 22, 0, tzinfo=UTC).timestamp()
    assert deferrer.get_next_tick(at=winter) == datetime(2026, 11, 22, 5, 0, tzinfo=UTC).timestamp() - winter
    summer = datetime(2026, 7, 1, 22, 0, tzinfo=UTC).timestamp()
    assert deferrer.get_next_tick(at=summer) == datetime(2026, 7, 2, 4, 0, tzinfo=UTC).timestamp() - summer
    # What a worker starting at 06:05 Berlin time queues at once: the 06:00 run, 5 minutes late.
    start = datetime(2026, 11, 23, 5, 5, tzinfo=UTC).timestamp()
    [(_, due)] = list(deferrer.get_previous_tasks(at=start))
    assert due == datetime(2026, 11, 23, 5, 0, tzinfo=UTC).timestamp()


def test_a_schedule_procrastinate_cannot_read_is_a_configuration_error() -> None:
    config = make_config({"a": {**ACTUALS, "schedule": "0 6 * * *"}})
    config.flows["a"].schedule = "61 6 * * *"  # past the TOML check, as a newer config check might let through
    with pytest.raises(ConfigurationError, match=r"flows\.a\.schedule"):
        schedules(config)


def test_worker_settings_keep_a_live_worker_from_looking_dead() -> None:
    with pytest.raises(ValueError, match="twice the heartbeat"):
        WorkerSettings(heartbeat_seconds=10, stalled_after_seconds=15)
    assert WorkerSettings(heartbeat_seconds=0.5, stalled_after_seconds=3).stalled_after_seconds == 3
