"""`serve` against the emulators: a manual `run` waits for the service's runs on the same flow and model;
SIGTERM stops the service with nothing lost, and the next start resumes the interrupted run."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from ml_connector import config as config_module
from ml_connector.demo.sandbox import Sandbox, start
from ml_connector.emulators.common.server import free_port
from ml_connector.engine.runs import RunLog
from ml_connector.engine.schedules import ScheduleBook
from ml_connector.engine.states import RecordState, RunState
from ml_connector.flows.runner import run_flow
from ml_connector.root import Root
from ml_connector.service.alerts import Alerter, AlertKind
from ml_connector.service.scheduler import Service
from ml_connector.store import Store
from ml_connector.store.models import AuditRecord
from tests.support.console import signed_in

CLI = str(Path(sys.executable).parent / "ml-connector")
DONE = {RunState.SUCCEEDED.value, RunState.PARTIAL.value}


@pytest.fixture()
def box(tmp_path: Path) -> Iterator[Sandbox]:
    sandbox = start(tmp_path / "sandbox", task_seconds=0.3)
    yield sandbox
    sandbox.stop()


def _due(store: Store, *flows: str) -> None:
    """Make `flows` due (last fired a day ago) and every other scheduled flow up to date."""
    now = datetime.now(UTC)
    book = ScheduleBook(store)
    for flow in ("actuals-oracle", "actuals-infor"):
        book.mark(flow, now - timedelta(days=1) if flow in flows else now)


def _overlaps(intervals: list[tuple[float, float]]) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    ordered = sorted(intervals)
    return [(a, b) for a, b in zip(ordered, ordered[1:], strict=False) if b[0] < a[1]]


def test_a_manual_run_waits_for_the_service(box: Sandbox) -> None:
    cfg = config_module.load(box.config_path)
    root = Root(cfg)
    store, ctx = root.store, root.flow_context()
    try:
        for reference in ("reference-oracle", "reference-infor"):
            assert run_flow(ctx, reference).state in DONE
        _due(store, "actuals-oracle", "actuals-infor")
        service = Service.from_context(ctx, Alerter(cfg.alerts))
        done = threading.Event()
        worker = threading.Thread(target=lambda: (service.run_once(timeout=120), done.set()))
        worker.start()
        manual = subprocess.run(  # noqa: S603 - our own CLI
            [CLI, "--config", str(box.config_path), "run", "actuals-oracle"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        worker.join(120)
        assert done.is_set()
        assert manual.returncode == 0, manual.stderr
        service.stop(0)

        runs = RunLog(store).recent(limit=10)
        by_flow = {flow: [r for r in runs if r.flow == flow] for flow in ("actuals-oracle", "actuals-infor")}
        assert sorted(r.trigger for r in by_flow["actuals-oracle"]) == ["catch-up", "manual"]
        assert [r.trigger for r in by_flow["actuals-infor"]] == ["catch-up"]
        assert all(r.state in DONE for r in runs), [(r.flow, r.state, r.error) for r in runs]
        # the two runs of one flow one after the other (the flow lease) ...
        spans = [
            (r.started_at.timestamp(), (r.ended_at or r.started_at).timestamp()) for r in by_flow["actuals-oracle"]
        ]
        assert _overlaps(spans) == []
        # ... and never two actions at once on the model (the model lease), across the two processes
        tasks = httpx.get(f"{box.url('anaplan')}/_emulator/tasks").json()
        model_tasks = [(t["started"], t["ended"]) for t in tasks if t.get("started") and t.get("ended")]
        assert len(model_tasks) >= 3
        assert _overlaps(model_tasks) == []
        # the second run of the flow found nothing new: nothing counted twice
        loaded = sorted(r.counts.get(RecordState.LOADED.value, 0) for r in by_flow["actuals-oracle"])
        assert loaded[0] == 0 < loaded[1]
        # the seeded bad records were quarantined: the service said so
        kinds = [a.kind for a in service.alerter.sent]
        assert AlertKind.QUARANTINED in kinds and AlertKind.MISSED in kinds
    finally:
        root.close()


def _wait_for(predicate: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_sigterm_stops_at_a_safe_point_and_the_next_start_resumes(box: Sandbox) -> None:
    cfg = config_module.load(box.config_path)
    store = Store(cfg.store.url)
    try:
        _due(store, "actuals-oracle")
        # slow Oracle answers keep the run reading long enough to be stopped mid-way
        httpx.put(f"{box.url('oracle')}/_emulator/faults", json={"slow_rate": 1.0, "slow_seconds": 0.03})
        port = free_port()
        serve = subprocess.Popen(  # noqa: S603 - our own CLI
            [CLI, "--config", str(box.config_path), "serve", "--grace", "0", "--web-port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        runs = RunLog(store)
        _wait_for(lambda: any(r.state == RunState.RUNNING for r in runs.recent("actuals-oracle")), 60)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as web:  # the console serve runs beside the scheduler
            signed_in(web, store)
            page = web.get("/")
        assert page.status_code == 200 and "actuals-oracle" in page.text and "running" in page.text
        serve.send_signal(signal.SIGTERM)
        _, err = serve.communicate(timeout=60)
        assert serve.returncode == 0, err
        assert "SIGTERM: stopping" in err
        (stopped,) = runs.recent("actuals-oracle")
        assert stopped.state == RunState.INTERRUPTED, stopped
        with store.session() as session:
            staged = session.query(AuditRecord).filter(AuditRecord.state == RecordState.STAGED.value).count()
        assert staged == 0  # discarded, nothing half-merged

        httpx.put(f"{box.url('oracle')}/_emulator/faults", json={})
        again = subprocess.run(  # noqa: S603 - our own CLI
            [CLI, "--config", str(box.config_path), "serve", "--once", "--web-port", "0"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert again.returncode == 0, again.stderr
        latest = runs.recent("actuals-oracle")
        assert [r.trigger for r in latest] == ["resume", "catch-up"]
        assert latest[0].state in DONE
        assert latest[0].counts.get(RecordState.LOADED.value, 0) > 100
    finally:
        store.dispose()
