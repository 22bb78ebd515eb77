"""A reference, plan-return or suppliers-return run stopped part-way (Ctrl-C, the service's stop) does
not stay `running` with its records in flight: it is closed as interrupted."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ml_connector.engine.runs import RunLog
from ml_connector.engine.states import RecordState, RunState
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow
from ml_connector.store.models import AuditRecord


class StopAtSecondStage:
    def __init__(self) -> None:
        self.stages = 0

    def stage(self, text: str) -> None:
        self.stages += 1
        if self.stages == 2:
            raise KeyboardInterrupt

    def advance(self, records: int) -> None:
        return None


def test_a_stopped_reference_run_ends_interrupted_with_no_record_in_flight(ctx: FlowContext) -> None:
    ctx.progress = StopAtSecondStage()  # stops after the accounts were staged
    with pytest.raises(KeyboardInterrupt):
        run_flow(ctx, "reference-oracle")
    (stopped,) = RunLog(ctx.store).recent("reference-oracle")
    assert stopped.state == RunState.INTERRUPTED
    with ctx.store.session() as session:
        in_flight = session.execute(
            select(func.count()).where(AuditRecord.run_id == stopped.id, AuditRecord.state == RecordState.STAGED.value)
        ).scalar_one()
    assert in_flight == 0


def test_a_run_left_running_by_a_dead_process_is_closed_by_the_next_run(ctx: FlowContext) -> None:
    dead = RunLog(ctx.store).start("suppliers-return-oracle")  # kill -9: nothing closed it
    run_flow(ctx, "suppliers-return-oracle")
    assert RunLog(ctx.store).get(dead).state == RunState.INTERRUPTED
