"""Three `ml-connector worker` processes on PostgreSQL run ten flows against two Anaplan models.

Checked from the emulator's own records (tasks with start and end times, request statistics), the
store's runs and audit, and procrastinate's job table:

- no two actions on one model overlapped;
- the busiest 60 s (and every shorter window) stayed inside the shared request budget;
- the worker killed with -9 in the middle of a load left no duplicate and no gap: its job was
  picked up by another worker, the dead run is `interrupted` with every staged record discarded,
  every source record is loaded exactly once, and the model's cells equal those a clean run wrote
  into the other model.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

import httpx
import pytest

from ml_connector.engine.states import RecordState, RunState
from ml_connector.http.budget import bucket_shape
from ml_connector.http.reserve import RESERVE_HOLD_SECONDS
from ml_connector.workers.jobs import FLOW_TASK
from tests.workers.conftest import MODELS, Fleet

pytestmark = pytest.mark.postgres

RPM = 100  # below what the ten flows ask of Anaplan (about 110 requests), so the 60 s check means something
KILLED_FLOW = "actuals-oracle-fpa"
CLEAN_FLOW = "actuals-oracle-sbx"
ORDER = [
    f"{flow}-{tag}"
    for flow in ("reference-oracle", "reference-infor", "actuals-oracle", "actuals-infor")
    for tag in MODELS.values()
] + ["suppliers-return-oracle-fpa", "suppliers-return-infor-sbx"]


def wait_for(what: str, check: Any, timeout: float, fleet: Fleet, every: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}\n{fleet.worker_logs()}")


def job_states(fleet: Fleet) -> dict[str, tuple[str, int]]:
    # Flow jobs only: a worker started in the minutes after the daily prune's time queues that job too.
    rows = fleet.query(
        "SELECT args->>'flow' AS flow, status, attempts FROM procrastinate_jobs WHERE task_name = :task ORDER BY id",
        task=FLOW_TASK,
    )
    return {row.flow: (row.status, row.attempts) for row in rows}


def cells(fleet: Fleet, model: str, module: str) -> dict[tuple[str, ...], Decimal]:
    rows = httpx.get(f"{fleet.box.url('anaplan')}/_emulator/models/{model}/modules/{module}/cells").json()
    return {tuple(str(v) for k, v in sorted(row.items()) if k != "value"): Decimal(str(row["value"])) for row in rows}


def final_states(fleet: Fleet, flow: str) -> dict[str, list[str]]:
    """source key → the states its records ended in, over every run of `flow` (discarded ones aside)."""
    rows = fleet.query(
        "SELECT a.source_key, a.state FROM audit_records a JOIN runs r ON r.id = a.run_id WHERE r.flow = :flow",
        flow=flow,
    )
    out: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row.state != RecordState.DISCARDED.value:
            out[row.source_key].append(row.state)
    return out


def test_three_workers_ten_flows_two_models_one_killed(fleet_factory: Any) -> None:
    fleet: Fleet = fleet_factory(requests_per_minute=RPM)
    setup = fleet.cli("db", "upgrade")
    assert setup.returncode == 0, setup.stderr
    assert "work queue tables created" in setup.stdout
    started = time.monotonic()
    for _ in range(3):
        fleet.start_worker()
    queued = fleet.cli("enqueue", *ORDER)
    assert queued.returncode == 0, queued.stderr
    assert queued.stdout.count("queued as job") == len(ORDER) == 10

    # Kill the worker running the FP&A Oracle actuals once its load has begun (staged, not merged).
    def loading() -> Any:
        rows = fleet.query(
            "SELECT holder FROM runs WHERE flow = :flow AND state = 'running' AND stage = 'load'", flow=KILLED_FLOW
        )
        return rows[0].holder if rows else None

    holder = wait_for("the Oracle actuals load", loading, 90, fleet)
    pid = int(holder.rsplit(":", 1)[1])
    victim = next(p for p in fleet.workers if p.pid == pid)
    os.kill(pid, signal.SIGKILL)
    victim.wait()

    def all_done() -> bool:
        states = job_states(fleet)
        failed = {f: s for f, s in states.items() if s[0] == "failed"}
        assert not failed, f"jobs failed: {failed}\n{fleet.worker_logs()}"
        return len(states) == 10 and all(s[0] == "succeeded" for s in states.values())

    wait_for("every job to succeed", all_done, 120, fleet, every=0.5)
    elapsed = time.monotonic() - started

    # The killed job was run again (stalled-job recovery), by another worker; nothing else repeated.
    states = job_states(fleet)
    # (procrastinate counts every finished or retried run of a job in `attempts`.)
    assert states[KILLED_FLOW][1] == 2
    assert all(attempts == 1 for flow, (_, attempts) in states.items() if flow != KILLED_FLOW), states
    runs = fleet.query("SELECT flow, state, holder FROM runs ORDER BY started_at")
    by_flow: dict[str, list[Any]] = defaultdict(list)
    for run in runs:
        by_flow[run.flow].append(run)
    assert sorted(by_flow) == sorted(ORDER)
    for flow, flow_runs in by_flow.items():
        done = [r for r in flow_runs if r.state in (RunState.SUCCEEDED, RunState.PARTIAL)]
        assert len(done) == 1, (flow, [(r.state, r.holder) for r in flow_runs])
    killed_runs = [r.state for r in by_flow[KILLED_FLOW]]
    assert killed_runs == [RunState.INTERRUPTED.value, RunState.PARTIAL.value], killed_runs
    assert by_flow[KILLED_FLOW][1].holder != holder

    # No duplicate, no gap: every source record of the killed flow was loaded exactly once, and the
    # records loaded (and quarantined) are those of the clean run of the same flow into the other model.
    killed, clean = final_states(fleet, KILLED_FLOW), final_states(fleet, CLEAN_FLOW)
    loaded = Counter(k for k, ends in killed.items() for end in ends if end == RecordState.LOADED.value)
    assert len(loaded) > 100 and set(loaded.values()) == {1}, "a source record was loaded twice"
    assert set(loaded) == {k for k, ends in clean.items() if ends == [RecordState.LOADED.value]}
    assert {k for k, ends in killed.items() if RecordState.QUARANTINED.value in ends} == {
        k for k, ends in clean.items() if ends == [RecordState.QUARANTINED.value]
    }
    # The dead run merged nothing: what it had staged was discarded (what it quarantined stays so).
    dead = fleet.query(
        "SELECT DISTINCT a.state FROM audit_records a JOIN runs r ON r.id = a.run_id "
        "WHERE r.flow = :flow AND r.state = 'interrupted'",
        flow=KILLED_FLOW,
    )
    assert RecordState.DISCARDED.value in {row.state for row in dead}
    assert {row.state for row in dead} <= {RecordState.DISCARDED.value, RecordState.QUARANTINED.value}
    for module in ("Actuals", "Supplier Spend"):
        fpa, sandbox = cells(fleet, "FP&A", module), cells(fleet, "FP&A Sandbox", module)
        assert fpa and fpa == sandbox, module

    # One action per model at a time, from the emulator's task records.
    tasks = httpx.get(f"{fleet.box.url('anaplan')}/_emulator/tasks").json()
    per_model: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for task in tasks:
        per_model[task["model_id"]].append(task)
    assert len(per_model) == 2
    for model_tasks in per_model.values():
        model_tasks.sort(key=lambda t: t["started"])
        for before, after in zip(model_tasks, model_tasks[1:], strict=False):
            assert after["started"] >= before["ended"], (before, after)

    # Within the tenant's budget, shared by the three workers: the busiest 60 s, and every window.
    stats = httpx.get(f"{fleet.box.url('anaplan')}/_emulator/stats", params={"events": 1}).json()
    assert stats["total"] > RPM, "the run must outlast one minute of budget for the 60 s check to mean anything"
    assert stats["max_requests_per_60s"] <= RPM
    capacity, refill = bucket_shape(RPM, hold=RESERVE_HOLD_SECONDS)
    starts = sorted(event["start"] for event in stats["events"])
    for i, first in enumerate(starts):
        for j in range(i, len(starts)):
            # Requests sent within a window of w seconds: at most the burst plus w + hold seconds of
            # refill (a reserved token is spent up to `hold` s after it left the bucket; +1 for the
            # request whose token was counted at the window's edge).
            assert j - i + 1 <= capacity + (starts[j] - first + RESERVE_HOLD_SECONDS) * refill + 1, (i, j)
    print(
        json.dumps(
            {"elapsed_s": round(elapsed, 1), "requests": stats["total"], "max_60s": stats["max_requests_per_60s"]}
        )
    )
