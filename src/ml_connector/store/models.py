"""The store's tables (SQLAlchemy 2). One schema for SQLite and PostgreSQL; Alembic migrates it.

Amounts in `ledger_lines` are kept as integer micro-units (amount × 10^6) so SQL sums are exact on
both databases (SQLite has no exact decimal type).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


TZ = DateTime(timezone=True)


class Credential(Base):
    """A connection's secrets, encrypted by the vault. Never decrypted into a log or a page."""

    __tablename__ = "credentials"
    connection: Mapped[str] = mapped_column(String(100), primary_key=True)
    system: Mapped[str] = mapped_column(String(20))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(TZ)
    updated_at: Mapped[datetime] = mapped_column(TZ)
    expires_on: Mapped[datetime | None] = mapped_column(TZ, nullable=True)


class Run(Base):
    __tablename__ = "runs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    flow: Mapped[str] = mapped_column(String(100), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    stage: Mapped[str] = mapped_column(String(30), default="")
    trigger: Mapped[str] = mapped_column(String(20), default="manual")
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    parent_run_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    since: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    until: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    started_at: Mapped[datetime] = mapped_column(TZ)
    ended_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    counts: Mapped[str] = mapped_column(Text, default="{}")
    detail: Mapped[str] = mapped_column(Text, default="{}")
    error: Mapped[str] = mapped_column(Text, default="")
    holder: Mapped[str] = mapped_column(String(200), default="")
    heartbeat_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)


class AuditRecord(Base):
    """One source record in one run, and where it ended. It is also the run's staging: a row whose
    `ledger_op` is "L" is the staged version of its source key's line (its cell, amount, measure and
    currency), "T" a tombstone (the key used to count in a cell and no longer does), "" neither. At most
    one row of a run per source key carries an op; the merge of a verified load reads them and the move
    of its records to `loaded` clears them, in one transaction; a failed or crashed run's are cleared,
    never half-merged. `first_state` and `read_at` are the record's state and time when read (its first
    step of history); later transitions are `audit_events` rows."""

    __tablename__ = "audit_records"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    run_id: Mapped[str] = mapped_column(String(36), ForeignKey("runs.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(100))
    source_key: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    payload_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))
    target_key: Mapped[str] = mapped_column(String(300), default="")
    target_ref: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    hint: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(TZ)
    first_state: Mapped[str] = mapped_column(String(20), default="", server_default="")
    read_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    ledger_op: Mapped[str] = mapped_column(String(1), default="", server_default="")
    amount_micros: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    measure: Mapped[str] = mapped_column(String(50), default="", server_default="")
    currency: Mapped[str] = mapped_column(String(20), default="", server_default="")

    __table_args__ = (
        Index("ix_audit_run_state", "run_id", "state"),
        # No (run_id, target_key) index: a run's lines go to every cell at once, so such an index takes
        # inserts all over itself. Moves by cell scan the run's rows instead (AuditTrail.move_cells).
        Index("ix_audit_source_key", "source", "source_key"),
        Index(
            "ix_audit_run_staging",
            "run_id",
            "source_key",
            unique=True,
            sqlite_where=text("ledger_op != ''"),
            postgresql_where=text("ledger_op != ''"),
        ),
    )


class AuditEvent(Base):
    """A state transition of an audit record, with its time."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    record_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), ForeignKey("audit_records.id", ondelete="CASCADE"), index=True
    )
    run_id: Mapped[str] = mapped_column(String(36), index=True)
    state: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(TZ)
    detail: Mapped[str] = mapped_column(Text, default="")


class LoadedLine(Base):
    """The latest version of every source line a flow has read, keyed by its source key.

    Period totals are summed from here, so an incremental read that brings only changed lines still
    loads the full total of every cell it touches, and a line read twice counts once.
    """

    __tablename__ = "ledger_lines"
    flow: Mapped[str] = mapped_column(String(100), primary_key=True)
    source_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    target_key: Mapped[str] = mapped_column(String(300))
    amount_micros: Mapped[int] = mapped_column(BigInteger)
    measure: Mapped[str] = mapped_column(String(50), default="")
    currency: Mapped[str] = mapped_column(String(20), default="", server_default="")
    payload_hash: Mapped[str] = mapped_column(String(64))
    run_id: Mapped[str] = mapped_column(String(36))
    updated_at: Mapped[datetime] = mapped_column(TZ)

    __table_args__ = (Index("ix_ledger_flow_target", "flow", "target_key"),)


class Watermark(Base):
    __tablename__ = "watermarks"
    flow: Mapped[str] = mapped_column(String(100), primary_key=True)
    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[datetime] = mapped_column(TZ)
    run_id: Mapped[str] = mapped_column(String(36))
    updated_at: Mapped[datetime] = mapped_column(TZ)


class MappingRule(Base):
    """One mapping rule: exact code, glob pattern, or default, for a dimension of a mapping set."""

    __tablename__ = "mappings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mapping: Mapped[str] = mapped_column(String(100))
    dimension: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(200))
    target: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("mapping", "dimension", "kind", "source", name="uq_mapping_rule"),)


class Lease(Base):
    """A named lock with an expiry: a holder that dies loses it when the lease runs out."""

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(TZ)
    expires_at: Mapped[datetime] = mapped_column(TZ)


class BudgetBucket(Base):
    """A tenant's request budget shared by processes: tokens left and when they were counted."""

    __tablename__ = "budget_buckets"
    tenant: Mapped[str] = mapped_column(String(200), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    counted_at: Mapped[float] = mapped_column(Float)


class TrafficCount(Base):
    """What every process on this store has counted since it was made: requests by system and outcome
    ("2xx", "429", "5xx", "network", ...), and waits for a lock by lock name, with the seconds waited."""

    __tablename__ = "traffic_counts"
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # "request" or "lock_wait"
    name: Mapped[str] = mapped_column(String(200), primary_key=True)  # the system, or the lock's name
    outcome: Mapped[str] = mapped_column(String(20), primary_key=True)  # a request's outcome; "" for a wait
    count: Mapped[int] = mapped_column(BigInteger)
    seconds: Mapped[float] = mapped_column(Float)


class ScheduleState(Base):
    """When each flow's schedule last fired, so a restart can catch up once instead of bursting."""

    __tablename__ = "schedule_state"
    flow: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_fired_at: Mapped[datetime] = mapped_column(TZ)


class ConsoleUser(Base):
    """A person who may sign in to the web console: an argon2 hash of the password, never the password."""

    __tablename__ = "console_users"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    created_at: Mapped[datetime] = mapped_column(TZ)


class ConnectionCheck(Base):
    """The last `ping` of a connection (from the CLI or the console): whether it answered, and what it said."""

    __tablename__ = "connection_checks"
    connection: Mapped[str] = mapped_column(String(100), primary_key=True)
    ok: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime] = mapped_column(TZ)


class ReturnJournal(Base):
    """Every journal a return flow meant to post, posted, or is waiting on, by its deterministic reference.

    Written as `intended` before anything reaches the ERP, `submitted` just before the write that can land
    after its answer is lost (with the ERP's request id once known), `posted` once the ERP holds it. The
    lines are the journal's own (a reversal's are already negated; the balancing line is not kept)."""

    __tablename__ = "return_journals"
    reference: Mapped[str] = mapped_column(String(100), primary_key=True)
    flow: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(20))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    reverses: Mapped[str] = mapped_column(String(100), default="")
    lines: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))
    document_id: Mapped[str] = mapped_column(String(100), default="")
    request_id: Mapped[str] = mapped_column(String(100), default="")
    run_id: Mapped[str] = mapped_column(String(36))
    updated_at: Mapped[datetime] = mapped_column(TZ)

    __table_args__ = (Index("ix_return_journals_period", "flow", "version", "period"),)
