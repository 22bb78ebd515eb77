"""The work queue on a real PostgreSQL server, in this process: enqueue, schedules, retries, recovery."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from procrastinate import App
from procrastinate.periodic import PeriodicDeferrer
from sqlalchemy import text
from typer.testing import CliRunner

from ml_connector.cli.main import app as cli
from ml_connector.config import Config
from ml_connector.errors import ConfigurationError, UnavailableError
from ml_connector.store import Store
from ml_connector.store.lease import LeaseLocks
from ml_connector.workers.app import build_app
from ml_connector.workers.jobs import FLOW_TASK, PRUNE_TASK, QUEUE, enqueue
from ml_connector.workers.recovery import RECOVERY_LEASE, StalledJobRecovery
from tests.workers.test_jobs import ACTUALS, RETURN, make_config

pytestmark = pytest.mark.postgres

TOML = """
[connections.anaplan]
system = "anaplan"
[connections.oracle]
system = "oracle"
[connections.oracle.fixed_segments]
1 = "300"
[flows.actuals]
kind = "actuals"
source = "oracle"
target = "anaplan"
workspace = "Acme Finance"
model = "FP&A"
[flows.budget-return]
kind = "plan-return"
source = "anaplan"
target = "oracle"
workspace = "Acme Finance"
model = "FP&A Sandbox"
export = "Export Approved Budget"
balancing_account = "1000"
balancing_cost_center = "3900"
"""


@pytest.fixture()
def config(queue_store: Store) -> Config:
    return make_config({"actuals": {**ACTUALS, "schedule": "0 6 * * *"}, "ret": RETURN}, store_url=queue_store.url)


def jobs(store: Store) -> list[Any]:
    with store.engine.connect() as conn:
        return list(
            conn.execute(
                text(
                    "SELECT id, status, lock, queueing_lock, args, attempts, scheduled_at, worker_id "
                    "FROM procrastinate_jobs ORDER BY id"
                )
            )
        )


@pytest.fixture()
def cli_env(tmp_path: Path, queue_store: Store) -> Iterator[dict[str, str]]:
    path = tmp_path / "ml-connector.toml"
    path.write_text(TOML, encoding="utf-8")
    yield {"ML_CONNECTOR_CONFIG": str(path), "ML_CONNECTOR_STORE_URL": queue_store.url}


def test_enqueue_keeps_one_waiting_run_per_flow(cli_env: dict[str, str], queue_store: Store) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["enqueue", "actuals", "budget-return"], env=cli_env)
    assert first.exit_code == 0, first.output
    assert "actuals: queued as job" in first.output and "lock anaplan-model:Acme Finance/FP&A)" in first.output
    again = runner.invoke(cli, ["enqueue", "actuals"], env=cli_env)
    assert again.exit_code == 0, again.output
    assert "already waiting" in again.output
    typo = runner.invoke(cli, ["enqueue", "budget-return", "actuls"], env=cli_env)
    assert typo.exit_code == 2 and "no flow named 'actuls'" in typo.output
    rows = jobs(queue_store)
    assert [(r.args["flow"], r.lock, r.queueing_lock, r.status) for r in rows] == [
        ("actuals", "anaplan-model:Acme Finance/FP&A", "flow:actuals", "todo"),
        ("budget-return", "anaplan-model:Acme Finance/FP&A Sandbox", "flow:budget-return", "todo"),
    ]


def test_worker_and_enqueue_need_a_postgresql_store(tmp_path: Path) -> None:
    path = tmp_path / "ml-connector.toml"
    path.write_text(f'[store]\nurl = "sqlite:///{tmp_path / "s.db"}"\n' + TOML, encoding="utf-8")
    runner = CliRunner()
    env = {"ML_CONNECTOR_CONFIG": str(path), "ML_CONNECTOR_STORE_URL": ""}
    assert runner.invoke(cli, ["db", "upgrade"], env=env).exit_code == 0
    for command in (["worker"], ["enqueue", "actuals"]):
        result = runner.invoke(cli, command, env=env)
        assert result.exit_code == 2, result.output
        assert "workers need PostgreSQL" in result.output


def test_a_schedule_seen_by_two_workers_queues_one_job(config: Config, queue_store: Store) -> None:
    due = int(datetime(2026, 11, 23, 6, 0, tzinfo=UTC).timestamp())

    async def fire(app: App, timestamp: int) -> None:
        async with app.open_async():
            deferrer = PeriodicDeferrer(registry=app.periodic_registry)
            periodic = app.periodic_registry.periodic_tasks[(FLOW_TASK, "actuals")]
            await deferrer.defer_jobs([(periodic, timestamp)])

    for _worker in range(2):
        asyncio.run(fire(build_app(config), due))
    # The next day's firing finds yesterday's run still waiting: the queueing lock adds nothing.
    asyncio.run(fire(build_app(config), due + 86400))
    rows = jobs(queue_store)
    assert len(rows) == 1
    assert rows[0].args == {"flow": "actuals", "trigger": "schedule", "timestamp": due}
    assert (rows[0].lock, rows[0].queueing_lock) == ("anaplan-model:Acme Finance/FP&A", "flow:actuals")


def test_retriable_failures_come_back_later_others_fail(config: Config, queue_store: Store) -> None:
    calls: list[tuple[str, str]] = []

    def runner(flow: str, trigger: str, timestamp: int | None = None, attempts: int = 0) -> dict[str, Any]:
        calls.append((flow, trigger))
        if flow == "actuals":
            raise UnavailableError("Anaplan answered 503")
        raise ConfigurationError("the export is gone")

    app = build_app(config, runner)

    async def work() -> None:
        async with app.open_async():
            await app.run_worker_async(queues=[QUEUE], wait=False, install_signal_handlers=False, listen_notify=False)

    with app.open():
        enqueue(app, config, ["actuals", "ret"])
    asyncio.run(work())
    assert calls == [("actuals", "queued"), ("ret", "queued")]
    retried, failed = jobs(queue_store)
    assert (retried.status, retried.attempts) == ("todo", 1)
    assert retried.scheduled_at > datetime.now(UTC) + timedelta(seconds=5)  # backoff, about 10 s
    assert failed.status == "failed"


def test_jobs_of_a_silent_worker_are_queued_again_once(config: Config, queue_store: Store) -> None:
    app = build_app(config)
    with app.open():
        enqueue(app, config, ["actuals", "ret"])

    async def scenario() -> tuple[list[int], list[int]]:
        async with app.open_async():
            manager = app.job_manager
            dead, alive = await manager.register_worker(), await manager.register_worker()
            lost = await manager.fetch_job(queues=None, worker_id=dead)
            running = await manager.fetch_job(queues=None, worker_id=alive)
            assert lost is not None and running is not None
            with queue_store.engine.begin() as conn:
                conn.execute(
                    text("UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 minute' WHERE id = :w"),
                    {"w": dead},
                )
            recovery = StalledJobRecovery(app, LeaseLocks(queue_store, ttl=5), stalled_after=3)
            # Another worker is recovering right now: this one leaves it to them.
            with LeaseLocks(queue_store, ttl=5).hold(RECOVERY_LEASE):
                busy = await recovery.recover_once()
            return busy, await recovery.recover_once()

    busy, requeued = asyncio.run(scenario())
    assert busy == []
    rows = jobs(queue_store)
    assert requeued == [rows[0].id]
    assert [(r.args["flow"], r.status) for r in rows] == [("actuals", "todo"), ("ret", "doing")]
    assert rows[0].worker_id is None
    with queue_store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar() == 1


def test_succeeded_jobs_are_pruned_failed_ones_kept(config: Config, queue_store: Store) -> None:
    def runner(flow: str, trigger: str, timestamp: int | None = None, attempts: int = 0) -> dict[str, Any]:
        if flow == "ret":
            raise ConfigurationError("the export is gone")
        return {"flow": flow}

    app = build_app(config, runner, keep_hours=0)

    async def work() -> None:
        async with app.open_async():
            await app.run_worker_async(queues=[QUEUE], wait=False, install_signal_handlers=False, listen_notify=False)

    with app.open():
        enqueue(app, config, ["actuals", "ret"])
    asyncio.run(work())
    assert [r.status for r in jobs(queue_store)] == ["succeeded", "failed"]
    with app.open():
        app.tasks[PRUNE_TASK].defer(timestamp=0)
    asyncio.run(work())
    assert [(r.args.get("flow"), r.status) for r in jobs(queue_store)] == [("ret", "failed"), (None, "succeeded")]
