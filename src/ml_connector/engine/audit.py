"""The per-record audit trail: one row per source record per run, and an event per later state change.

A record's row is its first step of history (`first_state`, `read_at`) and, for a flow that stages
ledger lines, its staging too (see `StagingArea`): a line is written once. Writes are set-based so
that 100,000 records cost a few seconds: records go in with one executemany per batch, and transitions
with one UPDATE plus one INSERT ... SELECT each.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, literal, select, update
from sqlalchemy.orm import Session

from ml_connector.engine.bulk_rows import insert_rows
from ml_connector.engine.key_lists import key_chunks
from ml_connector.engine.states import RecordState
from ml_connector.store.database import Store
from ml_connector.store.models import AuditEvent, AuditRecord

# The table, not the mapped class: audit rows are written and moved in bulk, so SQLAlchemy's ORM layer
# (objects to build, an identity map to keep in step after each UPDATE) is per-row work with no use here.
RECORDS = cast(Table, AuditRecord.__table__)


# One encoder for every payload: json.dumps with options builds a new one per call (a fifth of its time).
# Its encode() keeps no state between calls, so threads may share it.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str)


def canonical_json(payload: dict[str, Any]) -> str:
    return _CANONICAL.encode(payload)


def payload_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class AuditEntry:
    """One source record as the audit sees it."""

    source: str
    source_key: str
    kind: str
    payload: dict[str, Any]
    state: RecordState
    target_key: str = ""
    target_ref: str = ""
    reason: str = ""
    hint: str = ""
    _json: str = field(default="", init=False, repr=False)
    _hash: str = field(default="", init=False, repr=False)

    @property
    def payload_json(self) -> str:
        if not self._json:
            self._json = canonical_json(self.payload)
        return self._json

    @property
    def hash(self) -> str:
        if not self._hash:
            self._hash = payload_hash(self.payload_json)
        return self._hash


MOVE_CHUNK = 5000  # records moved per statement
CELLS_PER_SCAN = 128  # cells whose records one scan of a run's rows finds (move_cells)


class AuditTrail:
    """The audit of one run."""

    def __init__(self, store: Store, run_id: str) -> None:
        self.store = store
        self.run_id = run_id

    def rows(self, entries: Sequence[AuditEntry], now: datetime) -> list[dict[str, Any]]:
        """The rows that record `entries` as read at `now` (a staging area adds its columns to them)."""
        return [
            {
                "run_id": self.run_id,
                "source": e.source,
                "source_key": e.source_key,
                "kind": e.kind,
                "payload_hash": e.hash,
                "payload": e.payload_json,
                "state": e.state.value,
                "first_state": e.state.value,
                "target_key": e.target_key,
                "target_ref": e.target_ref,
                "reason": e.reason,
                "hint": e.hint,
                "updated_at": now,
                "read_at": now,
                # Not staged; a staging area fills these for the lines it stages (see StagingArea.take).
                "ledger_op": "",
                "amount_micros": 0,
                "measure": "",
                "currency": "",
            }
            for e in entries
        ]

    def add(self, entries: Sequence[AuditEntry], *, session: Session | None = None) -> None:
        """Record entries as read (inside the caller's transaction when `session` is given): one row each,
        which is also its first step of history (no event row)."""
        if not entries:
            return
        rows = self.rows(entries, datetime.now(UTC))
        with self.store.session() if session is None else nullcontext(session) as session:
            insert_rows(session, RECORDS, rows)

    def move(
        self,
        from_state: RecordState,
        to_state: RecordState,
        *,
        target_keys: Iterable[str] | None = None,
        target_prefix: str = "",
        target_ref: str = "",
        reason: str = "",
        hint: str = "",
        unstage: bool = False,
        session: Session | None = None,
    ) -> int:
        """Move this run's records from one state to another (all, or those of some cells); inside the
        caller's transaction when `session` is given. `unstage`: the moved records stop marking staged
        lines too, in the same row write (the commit's move, once the merge has read them)."""
        now = datetime.now(UTC)
        conditions = [AuditRecord.run_id == self.run_id, AuditRecord.state == from_state.value]
        if target_prefix:
            conditions.append(AuditRecord.target_key.startswith(target_prefix, autoescape=True))
        keys = list(target_keys) if target_keys is not None else None
        moved = 0
        values = _moved_values(to_state, now, target_ref, reason, hint)
        if unstage:
            values["ledger_op"] = ""
        with self.store.session() if session is None else nullcontext(session) as session:
            for chunk in key_chunks(keys, 512) if keys is not None else [None]:
                where = list(conditions)
                if chunk is not None:
                    where.append(AuditRecord.target_key.in_(chunk))
                if from_state is to_state:  # the rows keep matching: one pass
                    moved += self._move_rows(session, where, to_state, values, now, reason)
                    continue
                # A few thousand rows per statement: one UPDATE of every row of a large run makes SQLite hold
                # them all for the statement, and a run's memory would grow with its lines.
                while True:
                    ids = select(AuditRecord.id).where(*where).order_by(AuditRecord.id).limit(MOVE_CHUNK)
                    done = self._move_rows(
                        session, [AuditRecord.id.in_(ids.scalar_subquery())], to_state, values, now, reason
                    )
                    moved += done
                    if done < MOVE_CHUNK:
                        break
        return moved

    def move_cells(
        self,
        from_state: RecordState,
        to_state: RecordState,
        cells: Mapping[str, tuple[str, str]],
        *,
        target_ref: str = "",
        session: Session | None = None,
    ) -> int:
        """Move this run's records of many cells, each cell with its own (reason, hint). Records have no
        index by cell (a run's lines land in every cell at once, so one would take inserts all over
        itself): one scan of the run's rows finds the records of up to CELLS_PER_SCAN cells, which
        are then moved by id. `move(target_keys=...)` scans once per call: fine for a few keys."""
        now = datetime.now(UTC)
        moved = 0
        with self.store.session() if session is None else nullcontext(session) as session:
            for group in key_chunks(sorted(cells), CELLS_PER_SCAN):
                found: dict[str, list[int]] = {}
                rows = session.execute(
                    select(AuditRecord.id, AuditRecord.target_key).where(
                        AuditRecord.run_id == self.run_id,
                        AuditRecord.state == from_state.value,
                        AuditRecord.target_key.in_(group),
                    )
                )
                for record_id, key in rows:
                    found.setdefault(key, []).append(int(record_id))
                for key in sorted(found):
                    reason, hint = cells[key]
                    values = _moved_values(to_state, now, target_ref, reason, hint)
                    for ids in key_chunks(found[key]):
                        moved += self._move_rows(session, [AuditRecord.id.in_(ids)], to_state, values, now, reason)
        return moved

    @staticmethod
    def _move_rows(
        session: Session, where: list[Any], to_state: RecordState, values: dict[str, Any], now: datetime, reason: str
    ) -> int:
        """An event for each record matching `where`, then the records themselves; the rows moved."""
        session.execute(
            insert(AuditEvent).from_select(
                ["record_id", "run_id", "state", "at", "detail"],
                select(
                    AuditRecord.id, AuditRecord.run_id, literal(to_state.value), literal(now), literal(reason[:2000])
                ).where(*where),
            )
        )
        result = session.execute(update(RECORDS).where(*where).values(**values))
        return int(getattr(result, "rowcount", 0) or 0)

    def counts(self) -> dict[str, int]:
        with self.store.session() as session:
            rows = session.execute(
                select(AuditRecord.state, func.count())
                .where(AuditRecord.run_id == self.run_id)
                .group_by(AuditRecord.state)
            )
            return {state: int(n) for state, n in rows}


def _moved_values(to_state: RecordState, now: datetime, target_ref: str, reason: str, hint: str) -> dict[str, Any]:
    """The columns a move sets: the state and time, and the reference, reason and hint when given."""
    values: dict[str, Any] = {"state": to_state.value, "updated_at": now}
    if target_ref:
        values["target_ref"] = target_ref
    if reason:
        values["reason"] = reason
    if hint:
        values["hint"] = hint
    return values
