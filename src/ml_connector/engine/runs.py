"""Runs: started, heart-beating, finished; and the clean-up of runs whose process died."""

from __future__ import annotations

import json
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import literal_column, select, update
from sqlalchemy.orm import Session

from ml_connector.engine.audit import AuditTrail
from ml_connector.engine.states import RecordState, RunStage, RunState, Trigger
from ml_connector.errors import ConfigurationError
from ml_connector.store.database import Store
from ml_connector.store.models import AuditRecord, Run

DEAD_REASON = "the run was interrupted before its load was verified; a later run reads the record again"


@dataclass(frozen=True)
class RunInfo:
    id: str
    flow: str
    state: RunState
    trigger: Trigger
    dry_run: bool
    started_at: datetime
    ended_at: datetime | None
    counts: dict[str, int]
    error: str
    parent_run_id: str | None
    detail: dict[str, Any]


def final_state(audit: AuditTrail) -> RunState:
    """Succeeded, or partial when any record was quarantined or failed."""
    counts = audit.counts()
    bad = counts.get(RecordState.QUARANTINED.value, 0) + counts.get(RecordState.FAILED.value, 0)
    return RunState.PARTIAL if bad else RunState.SUCCEEDED


def mark_committed(session: Session, run_id: str) -> None:
    """Inside the commit's transaction: every effect of the run is in place from here on."""
    session.execute(
        update(Run).where(Run.id == run_id).values(stage=RunStage.COMMITTED.value, heartbeat_at=datetime.now(UTC))
    )


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class RunLog:
    def __init__(self, store: Store) -> None:
        self.store = store

    def start(
        self,
        flow: str,
        *,
        trigger: Trigger = Trigger.MANUAL,
        dry_run: bool = False,
        parent_run_id: str | None = None,
    ) -> str:
        run_id = str(uuid.uuid4())
        now = datetime.now(UTC)
        with self.store.session() as session:
            session.add(
                Run(
                    id=run_id,
                    flow=flow,
                    state=RunState.RUNNING.value,
                    stage=RunStage.EXTRACT.value,
                    trigger=Trigger(trigger).value,
                    dry_run=dry_run,
                    parent_run_id=parent_run_id,
                    started_at=now,
                    heartbeat_at=now,
                    holder=holder_name(),
                    counts="{}",
                    detail="{}",
                    error="",
                )
            )
        return run_id

    def stage(self, run_id: str, stage: RunStage) -> None:
        with self.store.session() as session:
            session.execute(
                update(Run).where(Run.id == run_id).values(stage=stage.value, heartbeat_at=datetime.now(UTC))
            )

    def window(self, run_id: str, since: datetime | None, until: datetime | None) -> None:
        with self.store.session() as session:
            session.execute(update(Run).where(Run.id == run_id).values(since=since, until=until))

    def finish(self, run_id: str, state: RunState, *, error: str = "", detail: dict[str, Any] | None = None) -> RunInfo:
        counts = AuditTrail(self.store, run_id).counts()
        with self.store.session() as session:
            session.execute(
                update(Run)
                .where(Run.id == run_id)
                .values(
                    state=state.value,
                    stage=RunStage.DONE.value,
                    ended_at=datetime.now(UTC),
                    counts=json.dumps(counts),
                    error=error[:4000],
                    detail=json.dumps(detail or {}, default=str),
                )
            )
        return self.get(run_id)

    def get(self, run_id: str) -> RunInfo:
        with self.store.session() as session:
            row = session.get(Run, run_id)
            if row is None:
                matches = session.execute(select(Run).where(Run.id.startswith(run_id, autoescape=True))).scalars().all()
                if len(matches) != 1:
                    raise ConfigurationError(
                        f"no run {run_id!r}" if not matches else f"{run_id!r} matches {len(matches)} runs",
                        hint="See `ml-connector runs` for run ids.",
                    )
                row = matches[0]
            return _info(row)

    def recent(self, flow: str | None = None, limit: int = 20) -> list[RunInfo]:
        with self.store.session() as session:
            query = select(Run).order_by(Run.started_at.desc()).limit(limit)
            if flow:
                query = query.where(Run.flow == flow)
            return [_info(r) for r in session.execute(query).scalars()]

    @staticmethod
    def info(row: Run) -> RunInfo:
        """What a `runs` row says, typed."""
        return _run_info(row)

    def close_dead(self, flow: str) -> list[str]:
        """Close the runs of `flow` left `running` by a dead process. Only for the holder of the flow's
        lease: every run, dry or not, takes it, so a run still `running` now cannot be alive.

        A run that had committed (its lines merged, watermark moved, records loaded in one transaction)
        finishes as it was; any other is interrupted: its in-flight records discarded and its staged
        lines dropped (the watermark never moved for them, so a later run reads them again)."""
        with self.store.session() as session:
            dead = session.execute(
                select(Run.id, Run.stage).where(Run.flow == flow, Run.state == RunState.RUNNING.value)
            ).all()
        for run_id, stage in dead:
            audit = AuditTrail(self.store, run_id)
            audit.move(RecordState.STAGED, RecordState.DISCARDED, reason=DEAD_REASON)
            with self.store.session() as session:
                session.execute(  # its staging: the records keep their history, nothing of it is staged
                    update(AuditRecord)
                    .where(AuditRecord.run_id == run_id, AuditRecord.ledger_op != literal_column("''"))
                    .values(ledger_op="")
                )
            if stage == RunStage.COMMITTED.value:
                self.finish(run_id, final_state(audit), detail={"closed": "its process stopped after the commit"})
            else:
                self.finish(run_id, RunState.INTERRUPTED, error="interrupted (process stopped or died)")
        return [run_id for run_id, _ in dead]


def _info(row: Run) -> RunInfo:
    return RunLog.info(row)


def _run_info(row: Run) -> RunInfo:
    return RunInfo(
        id=row.id,
        flow=row.flow,
        state=RunState(row.state),
        trigger=Trigger(row.trigger),
        dry_run=row.dry_run,
        started_at=row.started_at,
        ended_at=row.ended_at,
        counts=json.loads(row.counts or "{}"),
        error=row.error,
        parent_run_id=row.parent_run_id,
        detail=json.loads(row.detail or "{}"),
    )
