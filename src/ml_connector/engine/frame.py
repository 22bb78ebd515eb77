"""The run frame: every run of every flow kind (reference, actuals, plan-return, suppliers-return,
replay, dry run) happens inside it, so the rules below hold for all of them.

lease       one run of a flow at a time, dry runs included: a dry run stages under its own run id, and
            only a run that holds the lease may close runs it finds `running`
clean-up    under the lease, a run of this flow still `running` died with its process: it is closed
            (interrupted, or finished as it was if it had committed; see `RunLog.close_dead`)
start       a run row, heart-beating through its stages
body        the flow's work, given a `RunScope` (audit, staging, window, commit)
fail        a `ConnectorError`: the records still in flight fail with the error; staging is dropped
interrupt   anything else (Ctrl-C, the service's stop, a bug): the records in flight are discarded (a
            later run reads them again); staging is dropped
finish      succeeded, or partial when a record was quarantined or failed
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from ml_connector.engine.audit import AuditTrail
from ml_connector.engine.commit import Loaded, WatermarkMove, commit
from ml_connector.engine.runs import RunInfo, RunLog, final_state
from ml_connector.engine.staging_area import StagingArea
from ml_connector.engine.states import RecordState, RunStage, RunState, Trigger
from ml_connector.errors import ConnectorError
from ml_connector.failpoints import failpoint
from ml_connector.store.database import Store

INTERRUPTED_REASON = "the run stopped before this record's load or write was confirmed; the next run reads it again"


class Leases(Protocol):
    def hold(self, key: str, timeout: float | None = None) -> AbstractContextManager[None]: ...


@dataclass(frozen=True)
class RunRequest:
    """Which flow to run, and how it was asked for."""

    flow: str
    trigger: Trigger = Trigger.MANUAL
    dry_run: bool = False
    parent_run_id: str | None = None


@dataclass
class RunScope:
    """What a flow body sees of its run."""

    store: Store
    runs: RunLog
    request: RunRequest
    run_id: str
    audit: AuditTrail
    staging: StagingArea
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def flow(self) -> str:
        return self.request.flow

    @property
    def dry_run(self) -> bool:
        return self.request.dry_run

    def stage(self, stage: RunStage) -> None:
        self.runs.stage(self.run_id, stage)

    def window(self, since: datetime | None, until: datetime | None) -> None:
        """Record the source window this run reads (shown in `runs` and kept with the run)."""
        self.runs.window(self.run_id, since, until)
        self.detail.update(since=since, until=until)

    def commit(self, loads: Sequence[Loaded], watermark: WatermarkMove | None) -> None:
        """Make the verified load the truth: one transaction (see `engine.commit`)."""
        self.stage(RunStage.COMMIT)
        commit(self.store, self.flow, self.run_id, self.staging, self.audit, loads, watermark)


Body = Callable[[RunScope], None]


def lease_key(flow: str) -> str:
    return f"flow:{flow}"


def run_frame(
    store: Store, leases: Leases, request: RunRequest, body: Body, *, lock_timeout: float | None = None
) -> RunInfo:
    """Run `body` as one recorded run of `request.flow`; see the module's text for what it guarantees."""
    runs = RunLog(store)
    with leases.hold(lease_key(request.flow), timeout=lock_timeout):
        runs.close_dead(request.flow)
        run_id = runs.start(
            request.flow, trigger=request.trigger, dry_run=request.dry_run, parent_run_id=request.parent_run_id
        )
        failpoint("run.after_start")
        scope = RunScope(
            store, runs, request, run_id, AuditTrail(store, run_id), StagingArea(store, request.flow, run_id)
        )
        try:
            body(scope)
            failpoint("run.after_body")
        except ConnectorError as exc:
            scope.staging.discard()
            scope.audit.move(RecordState.STAGED, RecordState.FAILED, reason=str(exc), hint=exc.hint)
            runs.finish(run_id, RunState.FAILED, error=str(exc), detail=scope.detail)
            raise
        except BaseException:
            scope.staging.discard()
            scope.audit.move(RecordState.STAGED, RecordState.DISCARDED, reason=INTERRUPTED_REASON)
            runs.finish(run_id, RunState.INTERRUPTED, error="interrupted", detail=scope.detail)
            raise
        scope.staging.discard()  # a dry run's staging, or lines a commit kept back (rejected cells)
        return runs.finish(run_id, final_state(scope.audit), detail=scope.detail)
