"""A tenant's request budget kept in the store, so several processes and machines share one bucket.

The bucket has the same shape as the in-process `TokenBucket` (`bucket_shape`, `refill_state`), with
its state (tokens, counted_at) in `budget_buckets`. Each attempt is one short transaction that locks
the tenant's row, refills, takes a token if one is there and commits; waiting happens after the
commit, never inside the transaction.

The clock is the wall clock (`time.time()`): a monotonic clock means nothing outside its own
process, and holders on several machines must agree on when the bucket was last counted.

    BudgetRegistry(sql_budget_factory(store))   # every budget it makes lives in the database
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Executable, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from ml_connector.errors import RetriableError
from ml_connector.http.budget import RequestBudget, bucket_shape, refill_state, wait_for_token
from ml_connector.store.database import Store
from ml_connector.store.models import BudgetBucket

# The same float allowance as TokenBucket: 0.9999999 tokens is a token.
_EPSILON = 1e-9


class SqlTokenBucket:
    """A token bucket for `tenant` whose state lives in the store, shared by every process using it.

    `per_minute` and `burst` shape it as `TokenBucket` does, so no 60-second window holds more than
    `per_minute` requests across all processes together. Processes that share a tenant should agree
    on its shape; the stored tokens are capped at whatever capacity the caller has.
    """

    def __init__(
        self,
        store: Store,
        tenant: str,
        per_minute: int,
        burst: int | None = None,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.tenant = tenant
        self.per_minute = per_minute
        self.capacity, self.refill = bucket_shape(per_minute, burst)
        self._store = store
        self._clock = clock
        self._sleep = sleep

    def try_acquire(self) -> float:
        """Take a token and return 0, or return the seconds until one is due."""
        try:
            with self._row_locked() as conn:
                return self._take(conn)
        except OperationalError as exc:
            raise RetriableError(
                f"the request budget of {self.tenant} could not be read from the store ({type(exc).__name__})",
                hint="Check that the store database is reachable; the run can be repeated safely.",
            ) from exc

    def acquire(self, timeout: float | None = None) -> None:
        """Block until one request may be sent; `RetriableError` if that is more than `timeout` s away."""
        describe = f"{self.per_minute}/min for {self.tenant}"
        wait_for_token(self.try_acquire, self._clock, self._sleep, timeout, describe)

    def _take(self, conn: Connection) -> float:
        row = conn.execute(self._select()).first()
        if row is None:
            conn.execute(self._insert_full())
            row = conn.execute(self._select()).first()
            if row is None:  # pragma: no cover - the row was inserted or already there
                raise RuntimeError(f"budget row for {self.tenant} vanished inside its own transaction")
        # Read the clock only once the row is ours: a lock wait must not make our `now` stale.
        now = self._clock()
        tokens = refill_state(float(row.tokens), float(row.counted_at), now, self.capacity, self.refill)
        if tokens < 1.0 - _EPSILON:
            # Nothing to write: the stored state refills to the same value later.
            return (1.0 - tokens) / self.refill
        # max(): a machine whose clock is behind must not move counted_at back, or the next caller
        # would be credited the same seconds of refill twice.
        counted_at = max(float(row.counted_at), now)
        conn.execute(
            update(BudgetBucket)
            .where(BudgetBucket.tenant == self.tenant)
            .values(tokens=max(0.0, tokens - 1.0), counted_at=counted_at)
        )
        return 0.0

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
        if self._store.is_postgres:
            return postgresql.insert(BudgetBucket).values(values).on_conflict_do_nothing(index_elements=["tenant"])
        return sqlite.insert(BudgetBucket).values(values).on_conflict_do_nothing(index_elements=["tenant"])

    @contextmanager
    def _row_locked(self) -> Iterator[Connection]:
        with self._store.engine.connect() as conn, conn.begin():
            if not self._store.is_postgres:
                # pysqlite's legacy transaction control begins a DEFERRED transaction at the first
                # write, so two processes could both read the same tokens before either writes.
                # BEGIN IMMEDIATE takes the write lock before the read; busy_timeout makes the other
                # process wait for it. Emitted by hand on this connection only, so the shared engine
                # keeps its settings; sqlite3 still sends the COMMIT or ROLLBACK.
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            yield conn


def sql_budget_factory(store: Store, burst: int | None = None) -> Callable[[str, int], RequestBudget]:
    """A factory for `BudgetRegistry`: every tenant's budget kept in `store`."""

    def make(tenant: str, per_minute: int) -> RequestBudget:
        return SqlTokenBucket(store, tenant, per_minute, burst)

    return make
