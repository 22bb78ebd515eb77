"""`after`: a flow runs only after the flows it names have succeeded, by hand, under `serve` and in a
worker's job (run first, it used to fail 499 records whose members the reference flow had not made yet)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ml_connector import config as config_module
from ml_connector.demo.sandbox import Sandbox
from ml_connector.engine.queries import run_history
from ml_connector.engine.schedules import ScheduleBook
from ml_connector.engine.states import RecordState, RunState
from ml_connector.errors import ConfigurationError
from ml_connector.root import Root
from ml_connector.service.alerts import Alerter
from ml_connector.service.scheduler import Service
from ml_connector.workers.jobs import FlowJobs
from tests.support.cli import invoke


def add_after(box: Sandbox, flow: str, after: str) -> None:
    text = box.config_path.read_text(encoding="utf-8")
    marker = f"\n[flows.{flow}]\n"
    box.config_path.write_text(text.replace(marker, f"{marker}after = [{after}]\n"), encoding="utf-8")


def test_a_manual_run_says_what_it_waits_for_and_runs_it_first(sandbox: Sandbox) -> None:
    add_after(sandbox, "actuals-oracle", '"reference-oracle"')
    result = invoke(sandbox, "run", "actuals-oracle", width=200)
    assert "actuals-oracle runs after reference-oracle: it has not run yet" in result.output
    root = Root(config_module.load(sandbox.config_path))
    try:
        runs = run_history(root.store, limit=10)
    finally:
        root.close()
    assert [r.flow for r in reversed(runs)] == ["reference-oracle", "actuals-oracle"]
    assert runs[0].counts.get(RecordState.FAILED.value, 0) == 0 and runs[0].counts[RecordState.LOADED.value] > 100
    again = invoke(sandbox, "run", "actuals-oracle", width=200)
    assert "runs after" not in again.output  # the reference flow has succeeded: nothing to wait for


def test_a_failed_prerequisite_stops_the_flow(sandbox: Sandbox) -> None:
    add_after(sandbox, "actuals-oracle", '"reference-oracle"')
    text = sandbox.config_path.read_text(encoding="utf-8")
    marker = "\n[flows.reference-oracle]\n"
    sandbox.config_path.write_text(text.replace(marker, f'{marker}accounts_import = "No Such Import"\n'))
    result = invoke(sandbox, "run", "actuals-oracle", width=200)
    # The prerequisite's own error is what the user reads; the flow after it never started.
    assert result.exit_code == 2, result.output
    assert "no Anaplan import named 'No Such Import'" in result.output
    root = Root(config_module.load(sandbox.config_path))
    try:
        assert [r.flow for r in run_history(root.store, limit=10)] == ["reference-oracle"]
    finally:
        root.close()


def test_serve_runs_the_prerequisite_before_a_due_flow(sandbox: Sandbox) -> None:
    add_after(sandbox, "actuals-oracle", '"reference-oracle"')
    cfg = config_module.load(sandbox.config_path)
    root = Root(cfg)
    try:
        ctx = root.flow_context()
        now = datetime.now(UTC)
        book = ScheduleBook(root.store)
        book.mark("actuals-oracle", now - timedelta(days=1))
        book.mark("actuals-infor", now)
        service = Service.from_context(ctx, Alerter(cfg.alerts))
        service.run_once(timeout=120)
        service.stop(0)
        runs = list(reversed(run_history(root.store, limit=10)))
    finally:
        root.close()
    assert [r.flow for r in runs] == ["reference-oracle", "actuals-oracle"]
    assert runs[0].ended_at is not None and runs[0].ended_at <= runs[1].started_at
    assert runs[1].state in (RunState.SUCCEEDED, RunState.PARTIAL)
    assert runs[1].counts.get(RecordState.FAILED.value, 0) == 0


@pytest.mark.parametrize(
    ("after", "problem"),
    [('"nope"', "flows.actuals-oracle.after: no flow named 'nope'"), ('"actuals-oracle"', "comes after itself")],
)
def test_unknown_or_circular_after_is_a_configuration_error(sandbox: Sandbox, after: str, problem: str) -> None:
    add_after(sandbox, "actuals-oracle", after)
    with pytest.raises(ConfigurationError, match=problem):
        config_module.load(Path(sandbox.config_path))


def test_a_worker_job_runs_the_prerequisite_first(sandbox: Sandbox) -> None:
    add_after(sandbox, "actuals-oracle", '"reference-oracle"')
    root = Root(config_module.load(sandbox.config_path))
    try:
        done = FlowJobs(root.flow_context())("actuals-oracle", "queued")
        runs = list(reversed(run_history(root.store, limit=10)))
    finally:
        root.close()
    assert [(r.flow, r.trigger) for r in runs] == [("reference-oracle", "queued"), ("actuals-oracle", "queued")]
    assert done["run_id"] == runs[1].id and runs[1].counts.get(RecordState.FAILED.value, 0) == 0
