"""What users read about runs and records, defined once for the CLI, the dashboard, the demo and replay:
run history, the audit of a run, why records stopped, open mapping gaps, the records a replay resends.

A mapping gap is open while the latest record of a source key in a flow (latest across every run of
the flow that was not a dry run, whichever run it was in) is quarantined for that missing mapping. A
later run or a replay that loads the record closes it; one that quarantines it again keeps it open.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from ml_connector.engine.keys import GAP_PREFIX, GapKey
from ml_connector.engine.runs import RunInfo, RunLog
from ml_connector.engine.staging_area import from_micros
from ml_connector.engine.states import REPLAYABLE_STATES, RecordState, RunState, Trigger
from ml_connector.store.budget import budget_levels
from ml_connector.store.database import Store
from ml_connector.store.models import (
    AuditEvent,
    AuditRecord,
    ConnectionCheck,
    Credential,
    LoadedLine,
    Run,
    Watermark,
)
from ml_connector.store.traffic import LOCK_WAIT, REQUEST, traffic_totals

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
        return [_audit_row(r) for r in session.execute(query).scalars()]


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


def _not_superseded() -> Any:
    """Correlated: no later record of the same source key in a regular run of the same flow."""
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
    return ~superseded


def mapping_gaps(store: Store, flow: str | None = None) -> list[MappingGap]:
    """The open mapping gaps (see the module's docstring), by flow, dimension and code."""
    query = (
        select(Run.flow, AuditRecord.target_key, func.count(), func.max(Run.started_at))
        .join(Run, Run.id == AuditRecord.run_id)
        .where(
            Run.dry_run.is_(False),
            AuditRecord.state == RecordState.QUARANTINED.value,
            AuditRecord.target_key.startswith(GAP_PREFIX, autoescape=True),
            _not_superseded(),
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


def gap_runs(store: Store, flow: str, dimension: str, code: str) -> list[str]:
    """The runs of `flow` whose records still wait for this mapping gap (what to replay once the rule is
    added), oldest first."""
    query = (
        select(AuditRecord.run_id, AuditRecord.target_key, func.min(Run.started_at))
        .join(Run, Run.id == AuditRecord.run_id)
        .where(
            Run.flow == flow,
            Run.dry_run.is_(False),
            AuditRecord.state == RecordState.QUARANTINED.value,
            AuditRecord.target_key.startswith(GAP_PREFIX, autoescape=True),
            _not_superseded(),
        )
        .group_by(AuditRecord.run_id, AuditRecord.target_key)
    )
    wanted = GapKey(dimension, code)
    found: dict[str, datetime] = {}
    with store.session() as session:
        for run_id, key, started in session.execute(query):
            if GapKey.parse(key) == wanted:
                found[run_id] = started
    return sorted(found, key=lambda run_id: found[run_id])


@dataclass(frozen=True)
class RunFilter:
    """What the run history is narrowed to; every field optional."""

    flow: str | None = None
    state: RunState | None = None
    trigger: Trigger | None = None
    since: datetime | None = None  # started at or after
    until: datetime | None = None  # started before


def run_page(store: Store, where: RunFilter, *, limit: int = 50, offset: int = 0) -> list[RunInfo]:
    """The runs that match `where`, newest first."""
    query = select(Run).order_by(Run.started_at.desc(), Run.id).offset(offset).limit(limit)
    if where.flow:
        query = query.where(Run.flow == where.flow)
    if where.state:
        query = query.where(Run.state == where.state.value)
    if where.trigger:
        query = query.where(Run.trigger == where.trigger.value)
    if where.since:
        query = query.where(Run.started_at >= where.since)
    if where.until:
        query = query.where(Run.started_at < where.until)
    with store.session() as session:
        return [run_info(r) for r in session.execute(query).scalars()]


def flow_names(store: Store) -> list[str]:
    """Every flow that has a run."""
    with store.session() as session:
        return sorted(session.execute(select(Run.flow).distinct()).scalars())


def search_records(
    store: Store,
    run_id: str,
    *,
    state: str | None = None,
    reason: str | None = None,
    text: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditRow]:
    """The records of a run narrowed by state, by words of their reason, and by `text` found in their
    source key, their cell (account, cost center, period) or their payload (e.g. an account code)."""
    query = select(AuditRecord).where(AuditRecord.run_id == run_id)
    if state:
        query = query.where(AuditRecord.state == state)
    if reason:
        query = query.where(AuditRecord.reason.contains(reason, autoescape=True))
    if text:
        query = query.where(
            or_(
                AuditRecord.source_key.contains(text, autoescape=True),
                AuditRecord.target_key.contains(text, autoescape=True),
                AuditRecord.payload.contains(text, autoescape=True),
            )
        )
    query = query.order_by(AuditRecord.id).offset(offset).limit(limit)
    with store.session() as session:
        return [_audit_row(r) for r in session.execute(query).scalars()]


@dataclass(frozen=True)
class Transition:
    state: str
    at: datetime
    detail: str


@dataclass(frozen=True)
class RecordDetail:
    """One record of one run with every state it went through."""

    record: AuditRow
    run: RunInfo
    transitions: list[Transition]
    updated_at: datetime


def record_detail(store: Store, record_id: int) -> RecordDetail | None:
    with store.session() as session:
        row = session.get(AuditRecord, record_id)
        if row is None:
            return None
        run = session.get(Run, row.run_id)
        if run is None:
            return None
        events = session.execute(
            select(AuditEvent).where(AuditEvent.record_id == record_id).order_by(AuditEvent.at, AuditEvent.id)
        ).scalars()
        transitions = [Transition(e.state, _aware(e.at), e.detail) for e in events]
        if row.first_state and row.read_at is not None:  # its row is its first step (older rows: an event)
            transitions.insert(0, Transition(row.first_state, _aware(row.read_at), ""))
        return RecordDetail(_audit_row(row), run_info(run), transitions, _aware(row.updated_at))


@dataclass(frozen=True)
class Milestone:
    """A step of a run's timeline: when the first and last record reached a state."""

    step: str
    first: datetime
    last: datetime
    records: int


def run_timeline(store: Store, run_id: str) -> list[Milestone]:
    """When the run's records were read (staged or stopped), loaded and closed, from their transitions."""
    query = (
        select(AuditEvent.state, func.min(AuditEvent.at), func.max(AuditEvent.at), func.count())
        .where(AuditEvent.run_id == run_id)
        .group_by(AuditEvent.state)
    )
    first = (
        select(AuditRecord.first_state, func.min(AuditRecord.read_at), func.max(AuditRecord.read_at), func.count())
        .where(AuditRecord.run_id == run_id, AuditRecord.first_state != "", AuditRecord.read_at.is_not(None))
        .group_by(AuditRecord.first_state)
    )
    with store.session() as session:
        rows = [*session.execute(first).all(), *session.execute(query).all()]
    steps: dict[str, Milestone] = {}
    for state, began, ended, count in rows:
        if began is None or ended is None:
            continue
        step = Milestone(state, _aware(began), _aware(ended), int(count))
        seen = steps.get(state)
        if seen is not None:
            step = Milestone(state, min(seen.first, step.first), max(seen.last, step.last), seen.records + step.records)
        steps[state] = step
    return sorted(steps.values(), key=lambda m: (m.first, m.step))


def task_ids(store: Store, run_id: str) -> list[tuple[str, int]]:
    """The Anaplan tasks (or ERP documents) that took the run's records, with how many each took."""
    query = (
        select(AuditRecord.target_ref, func.count())
        .where(AuditRecord.run_id == run_id, AuditRecord.target_ref != "")
        .group_by(AuditRecord.target_ref)
        .order_by(AuditRecord.target_ref)
    )
    with store.session() as session:
        return [(ref, int(count)) for ref, count in session.execute(query)]


def watermarks(store: Store) -> dict[str, list[tuple[str, datetime]]]:
    """Flow -> (source, how far its incremental reads have got)."""
    found: dict[str, list[tuple[str, datetime]]] = {}
    with store.session() as session:
        for row in session.execute(select(Watermark).order_by(Watermark.flow, Watermark.source)).scalars():
            found.setdefault(row.flow, []).append((row.source, _aware(row.value)))
    return found


@dataclass(frozen=True)
class CredentialDates:
    connection: str
    system: str
    stored_at: datetime
    expires_on: datetime | None


def credential_dates(store: Store) -> list[CredentialDates]:
    """When each connection's credentials were stored and when they expire (never the credentials)."""
    query = select(Credential.connection, Credential.system, Credential.updated_at, Credential.expires_on)
    with store.session() as session:
        return [
            CredentialDates(name, system, _aware(stored), _aware(expires) if expires else None)
            for name, system, stored, expires in session.execute(query.order_by(Credential.connection))
        ]


@dataclass(frozen=True)
class LastPing:
    connection: str
    ok: bool
    detail: str  # redacted before it was stored
    checked_at: datetime


def last_pings(store: Store) -> dict[str, LastPing]:
    """The last ping of each connection, from `ml-connector ping` or the console."""
    with store.session() as session:
        return {
            row.connection: LastPing(row.connection, row.ok, row.detail, _aware(row.checked_at))
            for row in session.execute(select(ConnectionCheck)).scalars()
        }


def _open_quarantined() -> Any:
    return (
        Run.dry_run.is_(False),
        AuditRecord.state == RecordState.QUARANTINED.value,
        _not_superseded(),
    )


def open_quarantined(store: Store) -> int:
    """Records whose latest version, in any flow, is quarantined (what still waits for a fix)."""
    query = (
        select(func.count())
        .select_from(AuditRecord)
        .join(Run, Run.id == AuditRecord.run_id)
        .where(*_open_quarantined())
    )
    with store.session() as session:
        return int(session.execute(query).scalar_one())


def open_quarantined_records(store: Store, *, limit: int = 100, offset: int = 0) -> list[tuple[str, str, AuditRow]]:
    """(flow, run id, record) of every record whose latest version is quarantined, newest run first."""
    query = (
        select(Run.flow, AuditRecord)
        .join(Run, Run.id == AuditRecord.run_id)
        .where(*_open_quarantined())
        .order_by(Run.started_at.desc(), AuditRecord.id)
        .offset(offset)
        .limit(limit)
    )
    with store.session() as session:
        return [(flow, record.run_id, _audit_row(record)) for flow, record in session.execute(query)]


@dataclass(frozen=True)
class CellTotal:
    cell: str  # an encoded CellKey
    total: Decimal
    lines: int


def cell_totals(store: Store, flow: str, *, text: str | None = None, limit: int = 200) -> list[CellTotal]:
    """The cells a flow has loaded, with their totals from the ledger (what Anaplan should hold)."""
    query = (
        select(LoadedLine.target_key, func.sum(LoadedLine.amount_micros), func.count())
        .where(LoadedLine.flow == flow, LoadedLine.target_key != "")
        .group_by(LoadedLine.target_key)
        .order_by(LoadedLine.target_key)
        .limit(limit)
    )
    if text:
        query = query.where(LoadedLine.target_key.contains(text, autoescape=True))
    with store.session() as session:
        return [CellTotal(key, _amount(micros), int(count)) for key, micros, count in session.execute(query)]


@dataclass(frozen=True)
class SourceLine:
    """A source line as it counts in a cell: its ERP key, amount, currency and the run that loaded it."""

    source_key: str
    cell: str
    amount: Decimal
    currency: str
    run_id: str
    record_id: int | None  # its audit record in that run
    payload: dict[str, Any]


def cell_lines(store: Store, flow: str, cell: str) -> list[SourceLine]:
    """Every source line that makes up the cell's total, as kept in the ledger."""
    return _lines(store, flow, LoadedLine.target_key == cell)


def line_cell(store: Store, flow: str, source_key: str) -> SourceLine | None:
    """The cell a source line counts in now (None if it counts in none)."""
    found = _lines(store, flow, LoadedLine.source_key == source_key)
    return found[0] if found and found[0].cell else None


def _lines(store: Store, flow: str, where: Any) -> list[SourceLine]:
    query = (
        select(LoadedLine, AuditRecord.id, AuditRecord.payload)
        .outerjoin(
            AuditRecord,
            (AuditRecord.run_id == LoadedLine.run_id) & (AuditRecord.source_key == LoadedLine.source_key),
        )
        .where(LoadedLine.flow == flow, where)
        .order_by(LoadedLine.source_key, AuditRecord.id)
    )
    lines: dict[str, SourceLine] = {}
    with store.session() as session:
        for line, record_id, payload_text in session.execute(query):
            payload: dict[str, Any] = json.loads(payload_text) if payload_text else {}
            lines[line.source_key] = SourceLine(
                line.source_key,
                line.target_key,
                _amount(line.amount_micros),
                str(payload.get("currency", "")),
                line.run_id,
                record_id,
                payload,
            )
    return list(lines.values())


def _amount(micros: int | None) -> Decimal:
    return from_micros(int(micros or 0))


@dataclass(frozen=True)
class Operations:
    """What `/metrics` reports, read from the store at scrape time."""

    runs: list[tuple[str, str, int]]  # (flow, state, runs)
    records: list[tuple[str, int]]  # (state, records)
    durations: list[tuple[str, float]]  # (flow, seconds) of recent finished runs
    last_success: dict[str, datetime]  # the last run that loaded what it could (succeeded or partial)
    budget_tokens: list[tuple[str, float]]  # (tenant, tokens left when last counted)
    open_gaps: int
    quarantined: int
    requests: list[tuple[str, str, int]] = field(default_factory=list)  # (system, outcome, requests)
    lock_waits: list[tuple[str, int, float]] = field(default_factory=list)  # (lock, waits, seconds waited)


def operations(store: Store, recent_runs: int = 5000) -> Operations:
    with store.session() as session:
        runs = [
            (flow, state, int(n))
            for flow, state, n in session.execute(
                select(Run.flow, Run.state, func.count()).group_by(Run.flow, Run.state)
            )
        ]
        records = [
            (state, int(n))
            for state, n in session.execute(select(AuditRecord.state, func.count()).group_by(AuditRecord.state))
        ]
        finished = session.execute(
            select(Run.flow, Run.started_at, Run.ended_at)
            .where(Run.ended_at.is_not(None))
            .order_by(Run.started_at.desc())
            .limit(recent_runs)
        ).all()
        durations = [(flow, (_aware(end) - _aware(start)).total_seconds()) for flow, start, end in finished if end]
        last = {
            flow: _aware(moment)
            for flow, moment in session.execute(
                select(Run.flow, func.max(Run.ended_at))
                .where(Run.state.in_([RunState.SUCCEEDED.value, RunState.PARTIAL.value]), Run.dry_run.is_(False))
                .group_by(Run.flow)
            )
            if moment is not None
        }
    tokens = budget_levels(store)
    traffic = traffic_totals(store)
    requests = sorted((name, outcome, t.count) for (kind, name, outcome), t in traffic.items() if kind == REQUEST)
    waits = sorted((name, t.count, t.seconds) for (kind, name, _o), t in traffic.items() if kind == LOCK_WAIT)
    return Operations(
        runs, records, durations, last, tokens, len(mapping_gaps(store)), open_quarantined(store), requests, waits
    )


def run_info(row: Run) -> RunInfo:
    return RunLog.info(row)


def _audit_row(r: AuditRecord) -> AuditRow:
    return AuditRow(
        r.id, r.source, r.source_key, r.kind, r.state, r.target_key, r.target_ref, r.reason, r.hint, r.payload
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite hands back naive datetimes
