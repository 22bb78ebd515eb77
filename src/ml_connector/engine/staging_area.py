"""Staging and period totals: the heart of "never double a number".

A run stages the lines it read (keyed by source key, so a line read twice counts once). The total of
every cell the run touches is then summed from the lines already loaded (minus those the run
restages) plus the staged ones, and loaded into Anaplan as an overwrite. Only after the load is
verified are the staged lines merged into `ledger_lines`, in the same transaction that moves the
watermark. A crash anywhere before that leaves `ledger_lines` and the watermark as they were.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from types import TracebackType
from typing import Any, cast

from sqlalchemy import (
    Table,
    and_,
    delete,
    func,
    literal,
    literal_column,
    select,
    text,
    union,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ml_connector.engine.audit import RECORDS, AuditEntry, AuditTrail
from ml_connector.engine.bulk_rows import insert_rows
from ml_connector.engine.key_lists import key_chunks
from ml_connector.engine.states import RecordState
from ml_connector.errors import InvalidRecordError
from ml_connector.failpoints import failpoint
from ml_connector.store.database import Store
from ml_connector.store.models import AuditRecord, LoadedLine

MICROS = Decimal(1_000_000)
# A run's staging commits per segment of this many lines or seconds, whichever comes first.
SEGMENT_LINES = 5000
SEGMENT_SECONDS = 2.0
CLEAR_CHUNK = 5000  # staged rows unmarked per statement when a run is discarded
MAX_MICROS = 2**62
LINE = "L"  # ledger_op of an audit record that is its key's staged line
TOMBSTONE = "T"  # ledger_op of one whose key must leave the loaded ledger
LINE_KIND = "line"
TOMBSTONE_KIND = "tombstone"
GONE_REASON = "no longer counts in its cell (gone from the source, or bad or unmapped now)"
# Literal, not a bound parameter, so SQLite can use the partial index ix_audit_run_staging.
STAGING = AuditRecord.ledger_op != literal_column("''")
MERGED = [
    "flow",
    "source_key",
    "target_key",
    "amount_micros",
    "measure",
    "currency",
    "payload_hash",
    "run_id",
    "updated_at",
]


def to_micros(amount: Decimal) -> int:
    """Exact integer micro-units; more than 6 decimals or an absurd size is a bad record, not a rounding."""
    scaled = amount * MICROS
    if scaled != scaled.to_integral_value() or abs(scaled) >= MAX_MICROS:
        raise InvalidRecordError(
            f"amount {amount} has more than 6 decimal places or is out of range",
            hint="Fix the amount at the source; ml-connector never rounds a number silently.",
        )
    return int(scaled)


def from_micros(micros: int) -> Decimal:
    if not micros:
        return Decimal(0)
    amount = (Decimal(micros) / MICROS).normalize()
    # normalize() turns 1000 into 1E+3, which is how str() would write it into an import file.
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount


class Segment:
    """Several batches staged in one transaction: committed once it holds `lines` lines or has been open
    `seconds` (so a long write never holds SQLite's lock for long), and at the end. A process killed
    anywhere leaves whole segments only; a dead run's staging is cleared by the next run of its flow.
    The caller commits early too when the next batch is not read yet, so no lock waits on the ERP."""

    def __init__(self, store: Store, *, lines: int = SEGMENT_LINES, seconds: float = SEGMENT_SECONDS) -> None:
        self.store = store
        self.lines = lines
        self.seconds = seconds
        self._stack: ExitStack | None = None
        self._session: Session | None = None
        self._opened = 0.0
        self._held = 0

    @property
    def session(self) -> Session:
        if self._session is None:
            self._stack = ExitStack()
            self._session = self._stack.enter_context(self.store.session())
            self._opened = time.monotonic()
            self._held = 0
        return self._session

    def done(self, lines: int) -> None:
        """`lines` more lines are written in the open transaction; commit when the segment is full."""
        self._held += lines
        if self._held >= self.lines or time.monotonic() - self._opened >= self.seconds:
            self.commit()

    def commit(self) -> None:
        if self._stack is None:
            return
        failpoint("staging.segment_commit")
        stack, self._stack, self._session = self._stack, None, None
        stack.close()

    def __enter__(self) -> Segment:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self._stack is None:
            return
        stack, self._stack, self._session = self._stack, None, None
        if error is None:
            failpoint("staging.segment_commit")
        stack.__exit__(kind, error, tb)  # commits, or rolls back on an error


@dataclass(frozen=True)
class StagedLine:
    source_key: str
    target_key: str
    amount_micros: int
    measure: str
    payload_hash: str
    currency: str = ""


@dataclass(frozen=True)
class CellTotal:
    """The total of one measure of one cell, in one currency (a cell whose lines come in two currencies
    gives two totals, so the caller can refuse to add them up)."""

    target_key: str
    measure: str
    amount: Decimal
    currency: str = ""


class StagingArea:
    """The staging area of one run of one flow."""

    def __init__(self, store: Store, flow: str, run_id: str) -> None:
        self.store = store
        self.flow = flow
        self.run_id = run_id

    def already_loaded(
        self, hashes: dict[str, str], targets: dict[str, str] | None = None, *, session: Session | None = None
    ) -> set[str]:
        """The source keys whose identical version (same payload hash) is already loaded, in the same
        cell when `targets` names it (a remapped line must move to its new cell)."""
        if not hashes:
            return set()
        found: set[str] = set()
        with self.store.session() if session is None else nullcontext(session) as session:
            for chunk in key_chunks(list(hashes)):
                rows = session.execute(
                    select(LoadedLine.source_key, LoadedLine.payload_hash, LoadedLine.target_key).where(
                        LoadedLine.flow == self.flow, LoadedLine.source_key.in_(chunk)
                    )
                )
                found.update(
                    key
                    for key, digest, target in rows
                    if hashes.get(key) == digest and (targets is None or targets.get(key) == target)
                )
        return found

    def take(
        self,
        audit: AuditTrail,
        entries: Sequence[AuditEntry],
        lines: Sequence[StagedLine],
        dropped: dict[str, str],
        *,
        skip_unchanged: bool = True,
        session: Session | None = None,
    ) -> None:
        """One batch read, in one transaction (the caller's when `session` is given): lines whose
        identical version is loaded already become `unchanged` (and are not staged), the others are
        staged, the `dropped` ones (source key -> payload hash) tombstoned, and every entry goes into the
        audit. A line is one row: the audit record of its last version in the batch carries its staging."""
        with self.store.session() if session is None else nullcontext(session) as session:
            unchanged: set[str] = set()
            if skip_unchanged:
                unchanged = self.already_loaded(
                    {s.source_key: s.payload_hash for s in lines},
                    {s.source_key: s.target_key for s in lines},
                    session=session,
                )
            for entry in entries:
                if entry.source_key in unchanged and entry.state is RecordState.STAGED:
                    entry.state = RecordState.UNCHANGED
            now = datetime.now(UTC)
            rows = audit.rows(entries, now)
            last = {row["source_key"]: row for row in rows}
            put = [s for s in lines if s.source_key not in unchanged]
            orphans: list[StagedLine] = []
            for line in put:
                row = last.get(line.source_key)
                if row is None:
                    orphans.append(line)
                    continue
                row.update(self._line_columns(line))
            counted = self._counted(session, list(dropped))
            for key in counted:
                row = last.get(key)
                if row is None:
                    orphans.append(StagedLine(key, "", 0, "", dropped[key]))
                    continue
                row["ledger_op"] = TOMBSTONE
            rows.extend(self._rows(orphans, now))
            self._write(session, rows)

    def loaded_in(self, target_keys: Collection[str]) -> dict[str, str]:
        """Source key -> payload hash of the flow's loaded lines in these cells."""
        cells = sorted(target_keys)
        found: dict[str, str] = {}
        with self.store.session() as session:
            for chunk in key_chunks(cells):
                rows = session.execute(
                    select(LoadedLine.source_key, LoadedLine.payload_hash).where(
                        LoadedLine.flow == self.flow, LoadedLine.target_key.in_(chunk)
                    )
                )
                found.update({key: digest for key, digest in rows})
        return found

    @staticmethod
    def _line_columns(line: StagedLine) -> dict[str, Any]:
        if not line.target_key:
            return {"ledger_op": TOMBSTONE}
        return {
            "ledger_op": LINE,
            "target_key": line.target_key,
            "amount_micros": line.amount_micros,
            "measure": line.measure,
            "currency": line.currency,
        }

    def _rows(
        self, lines: Sequence[StagedLine], now: datetime, *, old_cells: dict[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """Rows for lines staged with no record read in this batch (a caller staging directly, or a
        repair's line the ERP no longer has): the record stands for the line itself, in flight."""
        rows = []
        for line in lines:
            row: dict[str, Any] = {
                "run_id": self.run_id,
                "source": self.flow,
                "source_key": line.source_key,
                "kind": LINE_KIND if line.target_key else TOMBSTONE_KIND,
                "payload_hash": line.payload_hash,
                "payload": "{}",
                "state": RecordState.STAGED.value,
                "first_state": RecordState.STAGED.value,
                "target_key": line.target_key or (old_cells or {}).get(line.source_key, ""),
                "target_ref": "",
                "reason": "" if line.target_key else GONE_REASON,
                "hint": "",
                "updated_at": now,
                "read_at": now,
                "ledger_op": "",
                "amount_micros": 0,
                "measure": "",
                "currency": "",
            }
            row.update(self._line_columns(line))
            rows.append(row)
        return rows

    def _write(self, session: Session, rows: list[dict[str, Any]]) -> None:
        """Insert audit rows; those that stage a key take over from the run's earlier version of it (the
        last version read wins), so the store, not a set in memory, keeps a key staged once."""
        keys = [row["source_key"] for row in rows if row["ledger_op"]]
        for chunk in key_chunks(keys):
            session.execute(
                update(RECORDS)
                .where(AuditRecord.run_id == self.run_id, STAGING, AuditRecord.source_key.in_(chunk))
                .values(ledger_op="")
            )
        if rows:
            insert_rows(session, RECORDS, rows)

    def _counted(self, session: Session, keys: list[str]) -> list[str]:
        """Those of `keys` that count somewhere now: loaded, or staged earlier in this run."""
        found: set[str] = set()
        for chunk in key_chunks(keys):
            found.update(
                session.execute(
                    select(LoadedLine.source_key).where(LoadedLine.flow == self.flow, LoadedLine.source_key.in_(chunk))
                ).scalars()
            )
            found.update(
                session.execute(
                    select(AuditRecord.source_key).where(
                        AuditRecord.run_id == self.run_id, STAGING, AuditRecord.source_key.in_(chunk)
                    )
                ).scalars()
            )
        return [key for key in keys if key in found]

    def stage(self, lines: Sequence[StagedLine], *, session: Session | None = None) -> None:
        """Stage lines that have no record of their own in this batch (each becomes one)."""
        if not lines:
            return
        latest = {line.source_key: line for line in lines}
        with self.store.session() if session is None else nullcontext(session) as session:
            self._write(session, self._rows(list(latest.values()), datetime.now(UTC)))

    def tombstone(
        self, source_keys: Collection[str], payload_hashes: dict[str, str], *, session: Session | None = None
    ) -> None:
        """Lines that used to count somewhere (loaded, or staged earlier in this run) and now must not,
        because they turned bad, unmapped or gone; each becomes a record of the run, in the cell it left."""
        keys = list(dict.fromkeys(source_keys))
        if not keys:
            return
        with self.store.session() if session is None else nullcontext(session) as session:
            counted = self._counted(session, keys)
            old_cells: dict[str, str] = {}
            for chunk in key_chunks(counted):
                old_cells.update(
                    session.execute(
                        select(AuditRecord.source_key, AuditRecord.target_key).where(
                            AuditRecord.run_id == self.run_id, STAGING, AuditRecord.source_key.in_(chunk)
                        )
                    ).all()
                )
                old_cells.update(
                    session.execute(
                        select(LoadedLine.source_key, LoadedLine.target_key).where(
                            LoadedLine.flow == self.flow, LoadedLine.source_key.in_(chunk)
                        )
                    ).all()
                )
            lines = [StagedLine(k, "", 0, "", payload_hashes.get(k, "")) for k in counted]
            self._write(session, self._rows(lines, datetime.now(UTC), old_cells=old_cells))

    def _staged(self, *, lines_only: bool) -> Any:
        """The run's staging as (source_key, target_key, measure, currency, amount_micros): its staged
        lines, or every staged key (tombstones too) when not `lines_only`. Plain columns, no expression:
        the totals join on them."""
        where = [AuditRecord.run_id == self.run_id, STAGING]
        if lines_only:
            where.append(AuditRecord.ledger_op == literal_column(f"'{LINE}'"))
        return (
            select(
                AuditRecord.source_key,
                AuditRecord.target_key,
                AuditRecord.measure,
                AuditRecord.currency,
                AuditRecord.amount_micros,
            )
            .where(*where)
            .subquery("staged" if lines_only else "restaged")
        )

    def totals(self, prefix: str) -> Iterator[CellTotal]:
        """Totals of every cell under `prefix` that this run touches, ordered by cell: loaded lines not
        restaged, plus staged lines. A touched cell with no lines left totals zero."""
        staged = self._staged(lines_only=True)
        restaged = self._staged(lines_only=False)
        copy = LoadedLine.__table__.c
        affected = union(
            select(staged.c.target_key),
            select(copy.target_key).join(
                restaged, and_(copy.flow == self.flow, copy.source_key == restaged.c.source_key)
            ),
        ).subquery("affected")
        contributions = union_all(
            select(copy.target_key, copy.measure, copy.currency, copy.amount_micros).where(
                copy.flow == self.flow,
                copy.target_key.in_(select(affected.c.target_key)),
                copy.source_key.not_in(select(restaged.c.source_key)),
            ),
            select(staged.c.target_key, staged.c.measure, staged.c.currency, staged.c.amount_micros),
        ).subquery("contributions")
        # Summed per cell before the join: a cell's lines are many, the cells touched far fewer.
        sums = (
            select(
                contributions.c.target_key,
                contributions.c.measure,
                contributions.c.currency,
                func.sum(contributions.c.amount_micros).label("micros"),
            )
            .group_by(contributions.c.target_key, contributions.c.measure, contributions.c.currency)
            .subquery("sums")
        )
        cells = (
            select(affected.c.target_key, sums.c.measure, sums.c.currency, func.coalesce(sums.c.micros, 0))
            .select_from(affected)
            .outerjoin(sums, sums.c.target_key == affected.c.target_key)
            .where(affected.c.target_key.startswith(prefix, autoescape=True))
            .order_by(affected.c.target_key, sums.c.measure, sums.c.currency)
        )
        if self.store.is_postgres:
            # Staging was just filled: without fresh statistics PostgreSQL takes it for a few rows and
            # joins it in nested loops, quadratic in the lines of a run (100,000 lines: minutes). In its
            # own short transaction, so its lock is not held while the totals stream.
            with self.store.session() as session:
                session.execute(text("ANALYZE audit_records, ledger_lines"))
        with self.store.session() as session:
            for key, measure, currency, micros in session.execute(cells).yield_per(2000):
                yield CellTotal(key, measure or "", from_micros(int(micros)), currency or "")

    def merge(self, session: Session, *, exclude_target_keys: Collection[str] = ()) -> int:
        """Make staged lines the loaded truth, except those in cells Anaplan rejected (they stay
        failed in the audit, to be replayed). Runs inside the caller's transaction."""
        excluded = set(exclude_target_keys)
        if excluded:
            self._hold_rejected(session, excluded)
        # By key, not delete-and-copy: a tombstone removes its line, any other staged line takes its place.
        tombstones = select(AuditRecord.source_key).where(
            AuditRecord.run_id == self.run_id, STAGING, AuditRecord.ledger_op == TOMBSTONE
        )
        session.execute(
            delete(cast(Table, LoadedLine.__table__)).where(
                LoadedLine.flow == self.flow, LoadedLine.source_key.in_(tombstones)
            )
        )
        source = select(
            literal(self.flow),
            AuditRecord.source_key,
            AuditRecord.target_key,
            AuditRecord.amount_micros,
            AuditRecord.measure,
            AuditRecord.currency,
            AuditRecord.payload_hash,
            literal(self.run_id),
            AuditRecord.updated_at,
        ).where(AuditRecord.run_id == self.run_id, STAGING, AuditRecord.ledger_op == LINE)
        make_insert = postgresql.insert if self.store.is_postgres else sqlite.insert
        statement = make_insert(LoadedLine).from_select(MERGED, source)
        statement = statement.on_conflict_do_update(
            index_elements=["flow", "source_key"],
            set_={c: statement.excluded[c] for c in MERGED if c not in ("flow", "source_key")},
        )
        result = session.execute(statement)
        # The ops are cleared by the commit's move of these records to `loaded` (engine.commit), which writes
        # each row anyway: a clear of its own would write every row of the run once more, in index order.
        return int(getattr(result, "rowcount", 0) or 0)

    def _clear(self, session: Session) -> None:
        """The run's records stop marking staged lines (a run that did not commit). In chunks: one UPDATE
        of every staged row of a large run makes SQLite hold all of them for the statement (about 0.4 KB a
        line: 39 MB at 100k lines), so memory would grow with the run; a chunk at a time it stays flat."""
        while True:
            chunk = (
                select(AuditRecord.id)
                .where(AuditRecord.run_id == self.run_id, STAGING)
                .limit(CLEAR_CHUNK)
                .scalar_subquery()
            )
            result = session.execute(update(RECORDS).where(AuditRecord.id.in_(chunk)).values(ledger_op=""))
            if int(getattr(result, "rowcount", 0) or 0) < CLEAR_CHUNK:
                return

    def _hold_rejected(self, session: Session, excluded: set[str]) -> None:
        """Staged lines of rejected cells are not merged. Where the line's loaded version sits in a cell
        that was rejected too, Anaplan kept that cell's old value, so the ledger keeps the line there;
        otherwise its old cell was overwritten without it, so the ledger must forget it (a tombstone).
        In chunks: a load can reject more cells than a statement may have parameters."""
        copy = LoadedLine.__table__.c
        cells = sorted(excluded)
        for chunk in key_chunks(cells):
            rows = session.execute(
                select(AuditRecord.source_key, copy.target_key)
                .outerjoin(LoadedLine, and_(copy.flow == self.flow, copy.source_key == AuditRecord.source_key))
                .where(
                    AuditRecord.run_id == self.run_id,
                    STAGING,
                    AuditRecord.ledger_op == LINE,
                    AuditRecord.target_key.in_(chunk),
                )
            ).all()
            keep = [key for key, old in rows if old is not None and old in excluded]
            forget = [key for key, old in rows if old is None or old not in excluded]
            for chosen, op in ((keep, ""), (forget, TOMBSTONE)):
                for part in key_chunks(chosen):
                    session.execute(
                        update(RECORDS)
                        .where(AuditRecord.run_id == self.run_id, STAGING, AuditRecord.source_key.in_(part))
                        .values(ledger_op=op)
                    )

    def discard(self) -> None:
        """Nothing of this run is staged any more (its records keep their history)."""
        with self.store.session() as session:
            self._clear(session)


def loaded_totals(store: Store, flow: str, prefix: str) -> dict[str, Decimal]:
    """The total of every cell under `prefix` that the flow's loaded lines make up (what Anaplan holds
    from this flow, as far as the store knows)."""
    copy = LoadedLine.__table__.c
    query = (
        select(copy.target_key, func.sum(copy.amount_micros))
        .where(copy.flow == flow, copy.target_key.startswith(prefix, autoescape=True))
        .group_by(copy.target_key)
    )
    with store.session() as session:
        return {key: from_micros(int(micros or 0)) for key, micros in session.execute(query)}
