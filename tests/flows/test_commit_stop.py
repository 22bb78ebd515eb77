"""The commit of an actuals run is one step: ledger, watermark and `loaded` states together. A stop
between them must not leave records `discarded` ("a later run reads it again") behind a moved watermark."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from ml_connector.engine import watermarks
from ml_connector.engine.audit import AuditTrail
from ml_connector.engine.runs import RunLog
from ml_connector.engine.states import RecordState
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow
from ml_connector.store.models import AuditRecord


def test_a_stop_while_marking_records_loaded_leaves_no_discarded_record_behind_a_moved_watermark(
    ctx: FlowContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_flow(ctx, "reference-oracle")
    original = AuditTrail.move

    def stop_on_loaded(self: AuditTrail, from_state: RecordState, to_state: RecordState, **kwargs: Any) -> int:
        if to_state is RecordState.LOADED:
            raise KeyboardInterrupt
        return original(self, from_state, to_state, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(AuditTrail, "move", stop_on_loaded)
        with pytest.raises(KeyboardInterrupt):
            run_flow(ctx, "actuals-oracle")
    (stopped,) = RunLog(ctx.store).recent("actuals-oracle")
    with ctx.store.session() as session:
        discarded = session.execute(
            select(func.count()).where(
                AuditRecord.run_id == stopped.id, AuditRecord.state == RecordState.DISCARDED.value
            )
        ).scalar_one()
    assert discarded > 0
    assert watermarks.read(ctx.store, "actuals-oracle", "oracle") is None
