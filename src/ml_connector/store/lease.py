"""Per-model leases kept in the store: one holder per name across threads, processes and machines.

A lease is a row in `leases` (name, holder, acquired_at, expires_at). Taking it is one atomic upsert:
insert the row, or overwrite it when it has expired; a heartbeat thread pushes the expiry forward
while the holder works, so a holder that crashes (or is killed) loses the lease once `ttl` runs out.
Waiters poll with jitter until they get it or their timeout ends in a `LockTimeoutError`.

Clock: on PostgreSQL every time comparison and expiry uses the server's clock
(`statement_timestamp()`), because holders on several machines have clocks that drift apart and the
server is the one clock they all see. On SQLite the holders share one machine, so its OS clock is
already the common clock; it is read in Python (UTC) because SQLAlchemy keeps SQLite datetimes as
text in its own format, which SQLite's date functions do not produce.

    locks = LeaseLocks(store, ttl=30)
    with locks.hold("anaplan:8A81B09D5E0A1B7F0001", timeout=600):
        run_the_import()
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, DateTime, delete, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from ml_connector.errors import LockTimeoutError
from ml_connector.store.database import Store
from ml_connector.store.models import Lease
from ml_connector.store.traffic import LOCK_WAIT, Tally, add_traffic

log = logging.getLogger("ml_connector.store.lease")

_TZ = DateTime(timezone=True)
_HOLDER_MAX = 200  # the width of leases.holder


def _aware(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were written as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def default_holder_prefix() -> str:
    """`host:pid`, read at call time so a forked child does not reuse its parent's name."""
    return f"{socket.gethostname()}:{os.getpid()}"


class LeaseLocks:
    """`ModelLocks` backed by leases in the store, for runs on several processes or machines.

    `holder` names this worker in the lease row (default `host:pid`); each `hold` appends a random
    suffix, so two threads of one process never mistake each other's lease for their own. `ttl` is
    how long a lease outlives its holder's last heartbeat; `heartbeat` how often it is renewed
    (default `ttl / 3`); `poll` the mean wait between attempts while another holder has it.
    """

    def __init__(
        self,
        store: Store,
        holder: str | None = None,
        ttl: float = 30.0,
        heartbeat: float | None = None,
        poll: float = 0.2,
    ) -> None:
        if ttl <= 0 or poll <= 0:
            raise ValueError("a lease needs ttl > 0 and poll > 0")
        beat = ttl / 3 if heartbeat is None else heartbeat
        if not 0 < beat < ttl:
            raise ValueError("the heartbeat must be positive and shorter than the ttl, or the lease lapses")
        self._store = store
        self._holder = holder
        self.ttl = ttl
        self.heartbeat = beat
        self.poll = poll

    # -- public -----------------------------------------------------------------------------------

    @contextmanager
    def hold(self, key: str, timeout: float | None = None) -> Iterator[None]:
        """Wait (up to `timeout` s, forever if None) for the lease on `key` and hold it for the block."""
        holder = self._new_holder()
        self._wait_for(key, holder, timeout)
        stop = threading.Event()
        lost = threading.Event()
        beat = threading.Thread(
            target=self._beat, args=(key, holder, stop, lost), name=f"lease-heartbeat {key}", daemon=True
        )
        beat.start()
        try:
            yield
        finally:
            stop.set()
            beat.join()
            self._release(key, holder)
            if lost.is_set():
                log.error(
                    "the lease on %s was lost while %s held it (no heartbeat for %.0f s); "
                    "another run may have worked on the same model",
                    key,
                    holder,
                    self.ttl,
                )

    def current(self, key: str) -> tuple[str, datetime] | None:
        """The holder of the live lease on `key` and when it expires (UTC), or None when it is free."""
        now, _ = self._times()
        query = select(Lease.holder, Lease.expires_at).where(Lease.name == key, Lease.expires_at >= now)
        with self._store.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return str(row.holder), _aware(row.expires_at)

    # -- acquiring --------------------------------------------------------------------------------

    def _new_holder(self) -> str:
        prefix = self._holder if self._holder is not None else default_holder_prefix()
        suffix = uuid.uuid4().hex[:12]
        return f"{prefix[: _HOLDER_MAX - len(suffix) - 1]}:{suffix}"

    def _wait_for(self, key: str, holder: str, timeout: float | None) -> None:
        started = time.monotonic()
        deadline = None if timeout is None else started + timeout
        tries = 0
        while True:
            tries += 1
            try:
                if self._try_acquire(key, holder):
                    if tries > 1:
                        self._count_wait(key, time.monotonic() - started)
                    return
            except OperationalError as exc:
                # A dropped connection or a busy database is a reason to wait, not to fail the run.
                # If our INSERT committed but the answer was lost, the next try finds the row already
                # ours (holder = us) and takes it again.
                log.warning("could not reach the store for the lease on %s, trying again: %s", key, exc)
            # Jitter keeps waiters of several processes from hitting the database in lockstep.
            pause = self.poll * random.uniform(0.5, 1.5)  # noqa: S311 - jitter, not security
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise self._timeout_error(key, timeout)
                pause = min(pause, remaining)
            time.sleep(pause)

    def _count_wait(self, key: str, seconds: float) -> None:
        """Add a wait for `key` to the store's counts (`/metrics`); a count that cannot be written is
        only logged: the lease is held, and the run goes on."""
        try:
            add_traffic(self._store, {(LOCK_WAIT, key, ""): Tally(1, seconds)})
        except SQLAlchemyError as exc:
            log.warning("could not count the wait for the lock on %s: %s", key, exc)

    def _try_acquire(self, key: str, holder: str) -> bool:
        """One atomic attempt: insert the lease, or take it over if it has expired or is already ours."""
        now, expiry = self._times()
        values: dict[str, Any] = {"name": key, "holder": holder, "acquired_at": now, "expires_at": expiry}
        takeover = (Lease.expires_at < now) | (Lease.holder == holder)
        if self._store.is_postgres:
            pg = postgresql.insert(Lease).values(values)
            stmt: Any = pg.on_conflict_do_update(
                index_elements=[Lease.name],
                set_={"holder": pg.excluded.holder, "acquired_at": now, "expires_at": expiry},
                where=takeover,
            )
        else:
            lite = sqlite.insert(Lease).values(values)
            stmt = lite.on_conflict_do_update(
                index_elements=[Lease.name],
                set_={"holder": lite.excluded.holder, "acquired_at": now, "expires_at": expiry},
                where=takeover,
            )
        # An upsert whose WHERE fails changes no row and returns none, on both databases.
        with self._store.engine.begin() as conn:
            return conn.execute(stmt.returning(Lease.holder)).first() is not None

    def _timeout_error(self, key: str, timeout: float | None) -> LockTimeoutError:
        try:
            now_held = self.current(key)
        except OperationalError:
            now_held = None
        waited = f"waited {timeout:.1f} s" if timeout is not None else "waited"
        if now_held is None:
            return LockTimeoutError(f"{waited} for the lock on {key}; it was just released or unreadable")
        other, expires_at = now_held
        return LockTimeoutError(
            f"{waited} for the lock on {key}; it is held by {other} "
            f"until {expires_at.isoformat(sep=' ', timespec='milliseconds')} unless renewed",
        )

    # -- holding ----------------------------------------------------------------------------------

    def _beat(self, key: str, holder: str, stop: threading.Event, lost: threading.Event) -> None:
        while not stop.wait(self.heartbeat):
            try:
                if not self._extend(key, holder):
                    lost.set()
                    log.error("the lease on %s expired and was taken over before %s renewed it", key, holder)
                    return
            except OperationalError as exc:
                # Keep trying: one missed beat leaves two more before the ttl runs out.
                log.warning("could not renew the lease on %s: %s", key, exc)

    def _extend(self, key: str, holder: str) -> bool:
        _, expiry = self._times()
        stmt = update(Lease).where(Lease.name == key, Lease.holder == holder).values(expires_at=expiry)
        with self._store.engine.begin() as conn:
            return conn.execute(stmt).rowcount == 1

    def _release(self, key: str, holder: str) -> None:
        # Only our own row: if the lease lapsed and someone else took it, theirs stays.
        try:
            with self._store.engine.begin() as conn:
                conn.execute(delete(Lease).where(Lease.name == key, Lease.holder == holder))
        except OperationalError as exc:
            log.warning("could not release the lease on %s; it frees itself in %.0f s: %s", key, self.ttl, exc)

    def _times(self) -> tuple[ColumnElement[datetime], ColumnElement[datetime]]:
        """(now, now + ttl) in the lease clock: the server's on PostgreSQL, this machine's on SQLite."""
        ttl = timedelta(seconds=self.ttl)
        if self._store.is_postgres:
            now: ColumnElement[datetime] = func.statement_timestamp(type_=_TZ)
            return now, now + ttl
        wall = datetime.now(UTC)
        return literal(wall, _TZ), literal(wall + ttl, _TZ)
