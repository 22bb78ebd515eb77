"""A tenant's request budget kept in the store, so several processes and machines share one bucket.

The bucket is shaped like the in-process `TokenBucket` (`bucket_shape`, `refill_state`), with its
state (tokens, counted_at) in a `budget_buckets` table: in a sibling file of an SQLite store, in the
store itself on PostgreSQL (`ml_connector.store.budget_file`). A process takes tokens in blocks, one
short transaction per block (lock the tenant's row, refill, take up to the block, commit), and hands
them out to its threads from a `TokenReserve`; a reserved token is good for `RESERVE_HOLD_SECONDS`,
which the bucket's shape pays for, so no 60 s window of all processes' requests exceeds the limit.
Waiting happens after the commit, never inside the transaction.

The clock is the wall clock (`time.time()`): a monotonic clock means nothing outside its own
process, and holders on several machines must agree on when the bucket was last counted.

    BudgetRegistry(sql_budget_factory(store))   # every budget it makes lives in the database
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, Executable, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from ml_connector.errors import RetriableError
from ml_connector.http.budget import RequestBudget, TokenBucket, bucket_shape, refill_state, wait_for_token
from ml_connector.http.reserve import RESERVE_HOLD_SECONDS, Grant, TokenReserve, max_block
from ml_connector.store.budget_file import budget_engine, budget_file_path
from ml_connector.store.database import Store
from ml_connector.store.models import BudgetBucket

# The same float allowance as TokenBucket: 0.9999999 tokens is a token.
_EPSILON = 1e-9


class SqlTokenBucket:
    """A token bucket for `tenant` whose state lives in the store, shared by every process using it.

    `per_minute` and `burst` shape it as `TokenBucket` does, with `hold` (how long a reserved token
    stays good) paid for in its refill, so no 60-second window holds more than `per_minute` requests
    across all processes together. Processes that share a tenant should agree on its shape; the
    stored tokens are capped at whatever capacity the caller has. `engine`: where the buckets are
    kept (`budget_engine(store)` unless given). `clock` is the wall clock the processes share,
    `local_clock` this process's own (for the reserve's expiry).
    """

    def __init__(
        self,
        store: Store,
        tenant: str,
        per_minute: int,
        burst: int | None = None,
        *,
        engine: Engine | None = None,
        hold: float = RESERVE_HOLD_SECONDS,
        clock: Callable[[], float] = time.time,
        local_clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.tenant = tenant
        self.per_minute = per_minute
        self.hold = hold
        self.capacity, self.refill = bucket_shape(per_minute, burst, hold)
        self._is_postgres = store.is_postgres
        self._engine = engine if engine is not None else budget_engine(store)
        self._clock = clock
        self._local_clock = local_clock
        self._sleep = sleep
        self.reserve = TokenReserve(
            self._take_block, max_block=max_block(self.capacity, self.refill), hold=hold, clock=local_clock
        )

    def try_acquire(self) -> float:
        """Take a token (from the reserve, or a new block from the store) and return 0, or return the
        seconds until one is due."""
        return self.reserve.try_acquire()

    def acquire(self, timeout: float | None = None) -> None:
        """Block until one request may be sent; `RetriableError` if that is more than `timeout` s away."""
        describe = f"{self.per_minute}/min for {self.tenant}"
        wait_for_token(self.try_acquire, self._clock, self._sleep, timeout, describe)

    def _take_block(self, want: int) -> Grant:
        try:
            with self._row_locked() as conn:
                return self._take(conn, want)
        except OperationalError as exc:
            raise RetriableError(
                f"the request budget of {self.tenant} could not be read from the store ({type(exc).__name__})",
                hint="Check that the store database is reachable; the run can be repeated safely.",
            ) from exc

    def _take(self, conn: Connection, want: int) -> Grant:
        row = conn.execute(self._select()).first()
        if row is None:
            conn.execute(self._insert_full())
            row = conn.execute(self._select()).first()
            if row is None:  # pragma: no cover - the row was inserted or already there
                raise RuntimeError(f"budget row for {self.tenant} vanished inside its own transaction")
        # Read the clocks only once the row is ours: a lock wait must not make our `now` stale, and
        # the reserve's expiry counts from the moment the tokens left the bucket.
        now, at = self._clock(), self._local_clock()
        tokens = refill_state(float(row.tokens), float(row.counted_at), now, self.capacity, self.refill)
        count = min(want, math.floor(tokens + _EPSILON))
        if count < 1:
            # Nothing to write: the stored state refills to the same value later.
            return Grant(0, (1.0 - tokens) / self.refill, at)
        # max(): a machine whose clock is behind must not move counted_at back, or the next caller
        # would be credited the same seconds of refill twice.
        counted_at = max(float(row.counted_at), now)
        conn.execute(
            update(BudgetBucket)
            .where(BudgetBucket.tenant == self.tenant)
            .values(tokens=max(0.0, tokens - count), counted_at=counted_at)
        )
        return Grant(count, 0.0, at)

    def _select(self) -> Executable:
        # FOR UPDATE locks the row on PostgreSQL; SQLite has no row locks (SQLAlchemy omits the
        # clause) and is serialized by BEGIN IMMEDIATE instead.
        return (
            select(BudgetBucket.tokens, BudgetBucket.counted_at)
            .where(BudgetBucket.tenant == self.tenant)
            .with_for_update()
        )

    def _insert_full(self) -> Executable:
        # A new tenant starts with a full bucket. ON CONFLICT DO NOTHING: a process that created the
        # row a moment ago wins, and we lock and use its row.
        values = {"tenant": self.tenant, "tokens": self.capacity, "counted_at": self._clock()}
        if self._is_postgres:
            return postgresql.insert(BudgetBucket).values(values).on_conflict_do_nothing(index_elements=["tenant"])
        return sqlite.insert(BudgetBucket).values(values).on_conflict_do_nothing(index_elements=["tenant"])

    @contextmanager
    def _row_locked(self) -> Iterator[Connection]:
        with self._engine.connect() as conn, conn.begin():
            if not self._is_postgres:
                # pysqlite's legacy transaction control begins a DEFERRED transaction at the first
                # write, so two processes could both read the same tokens before either writes.
                # BEGIN IMMEDIATE takes the write lock before the read; busy_timeout makes the other
                # process wait for it. Emitted by hand on this connection only, so the shared engine
                # keeps its settings; sqlite3 still sends the COMMIT or ROLLBACK.
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            yield conn


class StoreBudgets:
    """A factory for `BudgetRegistry`: every tenant's budget kept in `store` (one engine for them all).

    An in-memory SQLite store is one process's by nature: its budgets are in-process buckets.
    `close` disposes of the budget file's engine.
    """

    def __init__(self, store: Store, burst: int | None = None) -> None:
        self._store = store
        self._burst = burst
        self._in_memory = not store.is_postgres and budget_file_path(store) is None
        self._engine = None if self._in_memory else budget_engine(store)

    def __call__(self, tenant: str, per_minute: int) -> RequestBudget:
        if self._engine is None:
            return TokenBucket(per_minute, self._burst)
        return SqlTokenBucket(self._store, tenant, per_minute, self._burst, engine=self._engine)

    def close(self) -> None:
        if self._engine is not None and self._engine is not self._store.engine:
            self._engine.dispose()


def sql_budget_factory(store: Store, burst: int | None = None) -> StoreBudgets:
    """A factory for `BudgetRegistry`: every tenant's budget kept in `store`."""
    return StoreBudgets(store, burst)


def budget_levels(store: Store) -> list[tuple[str, float]]:
    """(tenant, tokens left when last counted) of every bucket kept for `store`, for `/metrics`."""
    path = budget_file_path(store)
    if path is not None and not path.exists():
        return []  # no process has spent from a shared budget yet (or the file was deleted)
    engine = budget_engine(store)
    try:
        with engine.connect() as conn:
            return [
                (tenant, float(left)) for tenant, left in conn.execute(select(BudgetBucket.tenant, BudgetBucket.tokens))
            ]
    finally:
        if engine is not store.engine:
            engine.dispose()
