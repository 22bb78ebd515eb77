"""The run frame: every flow kind runs inside it (lease, clean-up of dead runs, fail, interrupt, finish)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from ml_connector.engine.audit import AuditEntry, AuditTrail
from ml_connector.engine.frame import RunRequest, RunScope, lease_key, run_frame
from ml_connector.engine.runs import RunLog
from ml_connector.engine.staging_area import StagedLine, StagingArea
from ml_connector.engine.states import RecordState, RunState, Trigger
from ml_connector.errors import LockTimeoutError, TaskFailedError
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow
from ml_connector.store import Store
from ml_connector.store.lease import LeaseLocks
from ml_connector.store.models import AuditRecord

CELL = "GL|6100|1100|Jan 26"


@pytest.fixture()
def leases(store: Store) -> LeaseLocks:
    return LeaseLocks(store, ttl=5.0)


def stage_one(audit: AuditTrail, staging: StagingArea, key: str = "k1") -> None:
    entry = AuditEntry("erp", key, "gl", {"amount": "1"}, RecordState.STAGED, target_key=CELL)
    staging.take(audit, [entry], [StagedLine(key, CELL, 1_000_000, "", entry.hash)], {})


def staged_rows(store: Store, run_id: str) -> int:
    with store.session() as session:
        return int(
            session.execute(
                select(func.count()).where(AuditRecord.run_id == run_id, AuditRecord.ledger_op != "")
            ).scalar_one()
        )


@contextmanager
def held_elsewhere(leases: LeaseLocks, key: str) -> Iterator[None]:
    """Hold a lease from another thread, as another process's run would."""
    taken, release = threading.Event(), threading.Event()

    def holder() -> None:
        with leases.hold(key, timeout=5):
            taken.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    assert taken.wait(5)
    try:
        yield
    finally:
        release.set()
        thread.join()


def test_a_body_that_returns_finishes_succeeded_and_leaves_no_staging(store: Store, leases: LeaseLocks) -> None:
    seen: list[str] = []

    def body(scope: RunScope) -> None:
        stage_one(scope.audit, scope.staging)
        scope.audit.move(RecordState.STAGED, RecordState.WOULD_LOAD, reason="dry run")
        seen.append(scope.run_id)

    info = run_frame(store, leases, RunRequest("f", dry_run=True), body)
    assert info.state is RunState.SUCCEEDED and info.id == seen[0] and info.dry_run
    assert info.counts == {"would-load": 1}
    assert staged_rows(store, info.id) == 0


def test_a_connector_error_fails_the_in_flight_records_with_its_reason_and_drops_staging(
    store: Store, leases: LeaseLocks
) -> None:
    def body(scope: RunScope) -> None:
        stage_one(scope.audit, scope.staging)
        raise TaskFailedError("the import broke", hint="look at the import")

    with pytest.raises(TaskFailedError):
        run_frame(store, leases, RunRequest("f"), body)
    (run,) = RunLog(store).recent("f")
    assert run.state is RunState.FAILED and "the import broke" in run.error
    assert run.counts == {"failed": 1}
    assert staged_rows(store, run.id) == 0


def test_an_interrupt_discards_the_in_flight_records_and_drops_staging(store: Store, leases: LeaseLocks) -> None:
    def body(scope: RunScope) -> None:
        stage_one(scope.audit, scope.staging)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_frame(store, leases, RunRequest("f"), body)
    (run,) = RunLog(store).recent("f")
    assert run.state is RunState.INTERRUPTED and run.counts == {"discarded": 1}
    assert staged_rows(store, run.id) == 0


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_run_left_running_by_a_dead_process_is_closed_by_the_next_run_of_its_flow(
    store: Store, leases: LeaseLocks, dry_run: bool
) -> None:
    runs = RunLog(store)
    dead = runs.start("f", dry_run=dry_run)  # its process was killed mid-run: no finish, staging left
    stage_one(AuditTrail(store, dead), StagingArea(store, "f", dead))
    other_flow = runs.start("g")
    run_frame(store, leases, RunRequest("f"), lambda scope: None)
    closed = runs.get(dead)
    assert closed.state is RunState.INTERRUPTED and closed.counts == {"discarded": 1}
    assert staged_rows(store, dead) == 0
    assert runs.get(other_flow).state is RunState.RUNNING  # another flow's run is not this lease's to close


def test_a_dry_run_takes_the_flow_lease_so_it_waits_for_a_real_run(store: Store, leases: LeaseLocks) -> None:
    with held_elsewhere(leases, lease_key("f")), pytest.raises(LockTimeoutError):
        run_frame(store, leases, RunRequest("f", dry_run=True), lambda scope: None, lock_timeout=0.3)
    assert RunLog(store).recent("f") == []  # it never started, so it disturbed nothing
    info = run_frame(store, leases, RunRequest("f", dry_run=True), lambda scope: None, lock_timeout=0.3)
    assert info.state is RunState.SUCCEEDED


def test_the_trigger_and_parent_are_kept_as_enums(store: Store, leases: LeaseLocks) -> None:
    parent = run_frame(store, leases, RunRequest("f"), lambda scope: None)
    child = run_frame(store, leases, RunRequest("f", Trigger.REPLAY, parent_run_id=parent.id), lambda scope: None)
    again = RunLog(store).get(child.id)
    assert again.trigger is Trigger.REPLAY and again.parent_run_id == parent.id
    assert again.state is RunState.SUCCEEDED


FLOWS = [
    ("reference-oracle", False),
    ("reference-oracle", True),
    ("actuals-oracle", False),
    ("actuals-oracle", True),
    ("plan-return-oracle", False),
    ("plan-return-oracle", True),
    ("suppliers-return-oracle", False),
    ("suppliers-return-infor", True),
]


def test_every_flow_kind_real_or_dry_runs_inside_the_frame(ctx: FlowContext) -> None:
    """Each kind waits on its flow's lease before it starts a run: none bypasses the frame."""
    impatient = dataclasses.replace(ctx, lock_timeout=0.3)
    leases = LeaseLocks(ctx.store, ttl=5.0)
    for flow, dry_run in FLOWS:
        with held_elsewhere(leases, lease_key(flow)), pytest.raises(LockTimeoutError):
            run_flow(impatient, flow, dry_run=dry_run)
        assert RunLog(ctx.store).recent(flow) == [], flow
