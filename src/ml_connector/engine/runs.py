"""Runs: started, heart-beating, finished; and the clean-up of runs whose process died."""

from __future__ import annotations

import json
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update

from ml_connector.engine.audit import AuditTrail
from ml_connector.engine.states import RecordState, RunState
from ml_connector.errors import ConfigurationError
from ml_connector.store.database import Store
from ml_connector.store.models import LedgerStaging, Run

STALE_AFTER = timedelta(minutes=10)
DRY_RUN_STALE_AFTER = timedelta(hours=24)


@dataclass(frozen=True)
class RunInfo:
    id: str
    flow: str
    state: str
    trigger: str
    dry_run: bool
    started_at: datetime
    ended_at: datetime | None
    counts: dict[str, int]
    error: str
    parent_run_id: str | None
    detail: dict[str, Any]


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class RunLog:
    def __init__(self, store: Store) -> None:
        self.store = store

    def start(
        self,
        flow: str,
        *,
        trigger: str = "manual",
        dry_run: bool = False,
        parent_run_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> str:
        run_id = str(uuid.uuid4())
        now = datetime.now(UTC)
        with self.store.session() as session:
            session.add(
                Run(
                    id=run_id,
                    flow=flow,
                    state=RunState.RUNNING.value,
                    stage="extract",
                    trigger=trigger,
                    dry_run=dry_run,
                    parent_run_id=parent_run_id,
                    since=since,
                    until=until,
                    started_at=now,
                    heartbeat_at=now,
                    holder=holder_name(),
                    counts="{}",
                    detail="{}",
                    error="",
                )
            )
        return run_id

    def stage(self, run_id: str, stage: str) -> None:
        with self.store.session() as session:
            session.execute(update(Run).where(Run.id == run_id).values(stage=stage, heartbeat_at=datetime.now(UTC)))

    def finish(self, run_id: str, state: RunState, *, error: str = "", detail: dict[str, Any] | None = None) -> RunInfo:
        counts = AuditTrail(self.store, run_id).counts()
        with self.store.session() as session:
            session.execute(
                update(Run)
                .where(Run.id == run_id)
                .values(
                    state=state.value,
                    stage="done",
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

    def interrupt_stale(self, flow: str, *, older_than: timedelta = STALE_AFTER, force: bool = False) -> list[str]:
        """Close runs of `flow` left running by a dead process: their staged lines are discarded (the
        watermark never moved for them, so the next run reads the same records again)."""
        cutoff = datetime.now(UTC) - older_than
        with self.store.session() as session:
            # Dry runs hold no lease, so a live one is never another run's to close; one still "running"
            # a day later died, and only its leftover staging rows need clearing.
            query = select(Run.id).where(Run.flow == flow, Run.state == RunState.RUNNING.value, Run.dry_run.is_(False))
            if not force:
                query = query.where(Run.heartbeat_at < cutoff)
            dead_dry_runs = select(Run.id).where(
                Run.flow == flow,
                Run.state == RunState.RUNNING.value,
                Run.dry_run.is_(True),
                Run.heartbeat_at < datetime.now(UTC) - DRY_RUN_STALE_AFTER,
            )
            stale = list(session.execute(query).scalars()) + list(session.execute(dead_dry_runs).scalars())
        for run_id in stale:
            AuditTrail(self.store, run_id).move(
                RecordState.STAGED,
                RecordState.DISCARDED,
                reason="the run was interrupted before its load was verified; a later run reads the record again",
            )
            with self.store.session() as session:
                session.execute(delete(LedgerStaging).where(LedgerStaging.run_id == run_id))
            self.finish(run_id, RunState.INTERRUPTED, error="interrupted (process stopped or died)")
        return stale


def _info(row: Run) -> RunInfo:
    return RunInfo(
        id=row.id,
        flow=row.flow,
        state=row.state,
        trigger=row.trigger,
        dry_run=row.dry_run,
        started_at=row.started_at,
        ended_at=row.ended_at,
        counts=json.loads(row.counts or "{}"),
        error=row.error,
        parent_run_id=row.parent_run_id,
        detail=json.loads(row.detail or "{}"),
    )
