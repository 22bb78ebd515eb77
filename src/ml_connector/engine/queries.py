"""What users read about runs and records, defined once for the CLI, the dashboard, the demo and replay:
run history, the audit of a run, why records stopped, open mapping gaps, the records a replay resends.

A mapping gap is open while the latest record of a source key in a flow (latest across every run of
the flow that was not a dry run, whichever run it was in) is quarantined for that missing mapping. A
later run or a replay that loads the record closes it; one that quarantines it again keeps it open.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ml_connector.engine.keys import GAP_PREFIX, GapKey
from ml_connector.engine.runs import RunInfo, RunLog
from ml_connector.engine.states import REPLAYABLE_STATES, RecordState
from ml_connector.store.database import Store
from ml_connector.store.models import AuditRecord, LoadedLine, Run

CHUNK = 1000  # parameters per statement, well under every database's limit


def run_history(store: Store, flow: str | None = None, limit: int = 20) -> list[RunInfo]:
    """The most recent runs, newest first (of one flow when named)."""
    return RunLog(store).recent(flow, limit)


def find_run(store: Store, run_id: str) -> RunInfo:
    """A run by its id or the first characters of it; ConfigurationError if none or several match."""
    return RunLog(store).get(run_id)


@dataclass(frozen=True)
class AuditRow:
    """One source record of a run, where it ended and why."""

    id: int
    source: str
    source_key: str
    kind: str
    state: str
    target_key: str
    target_ref: str
    reason: str
    hint: str
    payload_json: str

    @property
    def payload(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.payload_json)
        return value


def audit_page(
    store: Store, run_id: str, *, state: str | None = None, limit: int | None = None, offset: int = 0
) -> list[AuditRow]:
    """The records of a run in the order they were read, optionally only those in `state`."""
    query = select(AuditRecord).where(AuditRecord.run_id == run_id)
    if state:
        query = query.where(AuditRecord.state == state)
    query = query.order_by(AuditRecord.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    with store.session() as session:
        return [
            AuditRow(
                r.id,
                r.source,
                r.source_key,
                r.kind,
                r.state,
                r.target_key,
                r.target_ref,
                r.reason,
                r.hint,
                r.payload,
            )
            for r in session.execute(query).scalars()
        ]


def reason_counts(
    store: Store, run_ids: Sequence[str], states: Collection[RecordState] = REPLAYABLE_STATES
) -> list[tuple[str, int]]:
    """How many records of these runs stopped in `states` for each reason, most frequent first."""
    counts: dict[str, int] = {}
    with store.session() as session:
        for start in range(0, len(run_ids), CHUNK):
            rows = session.execute(
                select(AuditRecord.reason, func.count())
                .where(
                    AuditRecord.run_id.in_(run_ids[start : start + CHUNK]),
                    AuditRecord.state.in_([s.value for s in states]),
                )
                .group_by(AuditRecord.reason)
            )
            for reason, count in rows:
                counts[reason] = counts.get(reason, 0) + int(count)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


@dataclass(frozen=True)
class MappingGap:
    """An ERP code no rule maps, and how many records of a flow wait for it."""

    flow: str
    dimension: str
    code: str
    records: int
    last_seen: datetime


def mapping_gaps(store: Store, flow: str | None = None) -> list[MappingGap]:
    """The open mapping gaps (see the module's docstring), by flow, dimension and code."""
    later = aliased(AuditRecord)
    later_run = aliased(Run)
    superseded = (
        select(later.id)
        .join(later_run, later_run.id == later.run_id)
        .where(
            later.source == AuditRecord.source,
            later.source_key == AuditRecord.source_key,
            later.id > AuditRecord.id,
            later_run.flow == Run.flow,
            later_run.dry_run.is_(False),
        )
        .correlate(AuditRecord, Run)
        .exists()
    )
    query = (
        select(Run.flow, AuditRecord.target_key, func.count(), func.max(Run.started_at))
        .join(Run, Run.id == AuditRecord.run_id)
        .where(
            Run.dry_run.is_(False),
            AuditRecord.state == RecordState.QUARANTINED.value,
            AuditRecord.target_key.startswith(GAP_PREFIX, autoescape=True),
            ~superseded,
        )
        .group_by(Run.flow, AuditRecord.target_key)
    )
    if flow:
        query = query.where(Run.flow == flow)
    gaps: dict[tuple[str, GapKey], tuple[int, datetime]] = {}
    with store.session() as session:
        for flow_name, key, count, last in session.execute(query):
            # Keys stored before codes were escaped may spell one gap two ways: count them as one.
            gap = (flow_name, GapKey.parse(key))
            seen, latest = gaps.get(gap, (0, last))
            gaps[gap] = (seen + int(count), max(latest, last))
    return [
        MappingGap(name, gap.dimension, gap.code, count, _aware(last))
        for (name, gap), (count, last) in sorted(gaps.items(), key=lambda item: (item[0][0], str(item[0][1])))
    ]


@dataclass(frozen=True)
class ReplayableRecord:
    """A quarantined or failed record of a run, as stored, that no later run has superseded."""

    source: str
    source_key: str
    kind: str
    payload: dict[str, Any]
    reason: str


def replayable_records(store: Store, run_id: str, flow: str) -> list[ReplayableRecord]:
    """The records of run `run_id` of `flow` to send again, in the order they were read.

    Left out: a record whose source key a run started later has loaded (its newer version is in
    Anaplan), and one that a later regular run read in a different version (loaded, or failed there
    and replayable from that run): replaying this older version would overwrite the newer one."""
    with store.session() as session:
        rows = session.execute(
            select(
                AuditRecord.source,
                AuditRecord.source_key,
                AuditRecord.kind,
                AuditRecord.payload,
                AuditRecord.reason,
                AuditRecord.payload_hash,
            )
            .where(AuditRecord.run_id == run_id, AuditRecord.state.in_([s.value for s in REPLAYABLE_STATES]))
            .order_by(AuditRecord.id)
        ).all()
        started = session.execute(select(Run.started_at).where(Run.id == run_id)).scalar_one()
        keys = [r.source_key for r in rows]
        loaded_later: set[str] = set()
        # Only a version loaded by a run that started after this one is newer: an earlier version in the
        # ledger (e.g. before the account was remapped) must not keep the failed record from replaying.
        # Chunked: a run can fail more records than a statement may have parameters.
        for start in range(0, len(keys), CHUNK):
            loaded_later.update(
                session.execute(
                    select(LoadedLine.source_key)
                    .join(Run, Run.id == LoadedLine.run_id)
                    .where(
                        LoadedLine.flow == flow,
                        LoadedLine.source_key.in_(keys[start : start + CHUNK]),
                        Run.started_at > started,
                    )
                ).scalars()
            )
            # A later regular run that read a different version of the record holds the newer one (loaded,
            # or failed in that run and replayable from it): replaying this older one would overwrite it.
            hashes = {r.source_key: r.payload_hash for r in rows[start : start + CHUNK]}
            loaded_later.update(
                key
                for key, digest in session.execute(
                    select(AuditRecord.source_key, AuditRecord.payload_hash)
                    .join(Run, Run.id == AuditRecord.run_id)
                    .where(
                        AuditRecord.source.in_({r.source for r in rows[start : start + CHUNK]}),
                        AuditRecord.source_key.in_(keys[start : start + CHUNK]),
                        AuditRecord.state != RecordState.DISCARDED.value,
                        Run.flow == flow,
                        Run.started_at > started,
                        Run.dry_run.is_(False),
                        Run.trigger != "replay",
                    )
                )
                if digest != hashes.get(key)
            )
    return [
        ReplayableRecord(source, key, kind, json.loads(payload), reason)
        for source, key, kind, payload, reason, _digest in rows
        if key not in loaded_later
    ]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite hands back naive datetimes
