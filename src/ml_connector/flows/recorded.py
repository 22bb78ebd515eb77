"""The frame every flow run shares: hold the flow's lease, record the run, settle its records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ml_connector.engine.audit import AuditTrail
from ml_connector.engine.runs import RunInfo, RunLog
from ml_connector.engine.states import RecordState, RunState
from ml_connector.errors import ConnectorError
from ml_connector.flows.context import FlowContext

Body = Callable[[str, AuditTrail], dict[str, Any] | None]


def final_state(audit: AuditTrail) -> RunState:
    """Succeeded, or partial when any record was quarantined or failed."""
    counts = audit.counts()
    bad = counts.get(RecordState.QUARANTINED.value, 0) + counts.get(RecordState.FAILED.value, 0)
    return RunState.PARTIAL if bad else RunState.SUCCEEDED


def recorded_run(ctx: FlowContext, name: str, body: Body, *, dry_run: bool = False, trigger: str = "manual") -> RunInfo:
    """Run `body(run_id, audit)` as one recorded run of flow `name`, one at a time per flow.

    A `ConnectorError` fails the run and every record still in flight, with the error as the reason."""
    runs = RunLog(ctx.store)
    with ctx.locks.hold(f"flow:{name}", timeout=ctx.lock_timeout):
        # Runs of this flow still `running` died with their process (we hold the flow's lease).
        runs.interrupt_stale(name, force=True)
        run_id = runs.start(name, trigger=trigger, dry_run=dry_run)
        audit = AuditTrail(ctx.store, run_id)
        try:
            detail = body(run_id, audit)
        except ConnectorError as exc:
            audit.move(RecordState.STAGED, RecordState.FAILED, reason=str(exc), hint=exc.hint)
            runs.finish(run_id, RunState.FAILED, error=str(exc))
            raise
        except BaseException:
            # Ctrl-C, the service's stop, a bug: what is in flight was not written; a run again redoes it.
            audit.move(
                RecordState.STAGED,
                RecordState.DISCARDED,
                reason="the run stopped before this record's write was confirmed; run the flow again "
                "(its writes are idempotent)",
            )
            runs.finish(run_id, RunState.INTERRUPTED, error="interrupted")
            raise
        return runs.finish(run_id, final_state(audit), detail=detail)
