"""LeaseLocks in one process, on SQLite and PostgreSQL: taking, renewing, releasing, timing out."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select, update

from ml_connector.errors import LockTimeoutError
from ml_connector.locking import ModelLocks
from ml_connector.store import Store
from ml_connector.store.lease import LeaseLocks
from ml_connector.store.models import Lease


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_store(request: pytest.FixtureRequest) -> Store:
    made: Store = request.getfixturevalue("store" if request.param == "sqlite" else "pg_store")
    return made


def _rows(store: Store) -> list[tuple[str, str]]:
    with store.engine.connect() as conn:
        return [(row.name, row.holder) for row in conn.execute(select(Lease.name, Lease.holder))]


def test_is_a_model_lock(store: Store) -> None:
    locks: ModelLocks = LeaseLocks(store)
    with locks.hold("model-1"):
        pass


def test_hold_writes_the_row_and_release_deletes_it(any_store: Store) -> None:
    locks = LeaseLocks(any_store, holder="worker-7", ttl=5)
    assert locks.current("m") is None
    before = datetime.now(UTC)
    with locks.hold("m"):
        current = locks.current("m")
        assert current is not None
        holder, expires_at = current
        assert holder.startswith("worker-7:")
        assert expires_at.tzinfo is not None
        # Same machine, so the server's clock and ours agree to well under a second.
        assert before + timedelta(seconds=4) < expires_at < before + timedelta(seconds=6.5)
    assert locks.current("m") is None
    assert _rows(any_store) == []


def test_default_holder_names_host_and_pid(store: Store) -> None:
    import os
    import socket

    locks = LeaseLocks(store)
    with locks.hold("m"):
        current = locks.current("m")
        assert current is not None
        assert current[0].startswith(f"{socket.gethostname()}:{os.getpid()}:")


def test_one_process_holds_two_keys(any_store: Store) -> None:
    locks = LeaseLocks(any_store, ttl=5)
    with locks.hold("model-a"), locks.hold("model-b"):
        a, b = locks.current("model-a"), locks.current("model-b")
        assert a is not None and b is not None
        assert a[0] != b[0]
    assert _rows(any_store) == []


def test_waiter_times_out_with_a_clear_message(any_store: Store) -> None:
    locks = LeaseLocks(any_store, holder="run-42", ttl=5, poll=0.05)
    with locks.hold("model-x"):
        started = time.monotonic()
        with pytest.raises(LockTimeoutError) as caught, locks.hold("model-x", timeout=0.4):
            pytest.fail("a second holder got in")
        waited = time.monotonic() - started
    message = str(caught.value)
    assert "model-x" in message
    assert "run-42:" in message
    assert "until 20" in message and "+00:00" in message
    assert "waited 0.4 s" in message
    assert caught.value.hint
    assert 0.4 <= waited < 2.0


def test_heartbeat_keeps_the_lease_past_its_ttl(any_store: Store) -> None:
    locks = LeaseLocks(any_store, ttl=0.6, poll=0.05)
    other = LeaseLocks(any_store, ttl=0.6, poll=0.05)
    with locks.hold("m"):
        first = locks.current("m")
        time.sleep(1.0)
        later = locks.current("m")
        assert first is not None and later is not None
        assert later[0] == first[0]
        assert later[1] > first[1]
        with pytest.raises(LockTimeoutError), other.hold("m", timeout=0.3):
            pytest.fail("the lease lapsed while its holder was alive")


def test_an_expired_lease_is_taken_over(any_store: Store) -> None:
    past = datetime.now(UTC) - timedelta(seconds=5)
    with any_store.engine.begin() as conn:
        conn.execute(insert(Lease).values(name="m", holder="dead:1:x", acquired_at=past, expires_at=past))
    locks = LeaseLocks(any_store, ttl=5, poll=0.05)
    assert locks.current("m") is None  # expired, so nobody holds it
    with locks.hold("m", timeout=1):
        current = locks.current("m")
        assert current is not None and current[0] != "dead:1:x"
    assert _rows(any_store) == []


def test_a_lapsed_holder_does_not_delete_its_successors_lease(any_store: Store) -> None:
    locks = LeaseLocks(any_store, ttl=5, heartbeat=4, poll=0.05)
    with locks.hold("m"):
        # Someone else took the row over (as if our lease had lapsed while we were frozen).
        with any_store.engine.begin() as conn:
            conn.execute(update(Lease).values(holder="successor:2:y"))
    assert _rows(any_store) == [("m", "successor:2:y")]


def test_threads_of_one_process_take_turns(any_store: Store) -> None:
    locks = LeaseLocks(any_store, ttl=5, poll=0.02)
    inside = 0
    most = 0
    guard = threading.Lock()

    def work() -> None:
        nonlocal inside, most
        for _ in range(3):
            with locks.hold("shared", timeout=30):
                with guard:
                    inside += 1
                    most = max(most, inside)
                time.sleep(0.02)
                with guard:
                    inside -= 1

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == 1
    assert _rows(any_store) == []


@pytest.mark.parametrize(
    ("ttl", "heartbeat", "poll"),
    [(0, None, 0.2), (1, 1.0, 0.2), (1, 2.0, 0.2), (1, None, 0), (1, -1.0, 0.2)],
)
def test_bad_settings_are_refused(store: Store, ttl: float, heartbeat: float | None, poll: float) -> None:
    with pytest.raises(ValueError, match="ttl|heartbeat"):
        LeaseLocks(store, ttl=ttl, heartbeat=heartbeat, poll=poll)


def test_a_lease_lost_while_held_is_logged(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    locks = LeaseLocks(store, ttl=0.6, heartbeat=0.1)
    with caplog.at_level(logging.ERROR, logger="ml_connector.store.lease"), locks.hold("m"):
        with store.engine.begin() as conn:
            conn.execute(update(Lease).values(holder="successor:2:y"))
        time.sleep(0.3)
    assert any("was lost" in record.getMessage() for record in caplog.records)
    assert _rows(store) == [("m", "successor:2:y")]
