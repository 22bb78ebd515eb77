"""LeaseLocks across real processes ("spawn"), on a SQLite file and on PostgreSQL.

Proves: holders in different processes never overlap on one key and every cycle completes; a holder
killed with SIGKILL keeps the lease until its last expiry and loses it then; a waiter with a short
timeout gets a `LockTimeoutError` naming the key and the other process as holder.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from ml_connector.errors import LockTimeoutError
from ml_connector.store import Store, upgrade
from ml_connector.store.lease import LeaseLocks
from tests.store import children

SPAWN = multiprocessing.get_context("spawn")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated store that child processes open by URL."""
    url: str = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    store = Store(url)
    upgrade(store)
    store.dispose()
    yield url


def test_processes_never_overlap_on_one_key(shared_url: str, tmp_path: Path) -> None:
    keys, cycles, workers = ["model-a", "model-b"], 6, 4
    start_line = SPAWN.Barrier(workers + 1)
    outs = [tmp_path / f"cycles-{n}.json" for n in range(workers)]
    procs = [
        SPAWN.Process(target=children.lease_cycles, args=(shared_url, keys, cycles, 0.03, start_line, str(out)))
        for out in outs
    ]
    for proc in procs:
        proc.start()
    start_line.wait(60)
    for proc in procs:
        proc.join(90)
        assert proc.exitcode == 0, f"child {proc.pid} ended with {proc.exitcode}"

    by_key: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    for out in outs:
        for seen in json.loads(out.read_text()):
            by_key[seen["key"]].append((seen["start"], seen["end"], seen["pid"]))
    assert sum(len(spans) for spans in by_key.values()) == workers * cycles
    for key, spans in by_key.items():
        assert len(spans) == workers * cycles // len(keys)
        assert len({pid for _, _, pid in spans}) == workers
        spans.sort()
        handovers = 0
        for (_, end, pid), (start, _, next_pid) in zip(spans, spans[1:], strict=False):
            assert start >= end, f"{key}: process {next_pid} started at {start} before {pid} ended at {end}"
            handovers += next_pid != pid and start - end < 0.25
        # The processes really contended: the lease passed straight from one to another.
        assert handovers >= 1
    store = Store(shared_url)
    assert LeaseLocks(store).current("model-a") is None
    store.dispose()


def test_a_killed_holder_loses_the_lease_when_it_expires(shared_url: str, tmp_path: Path) -> None:
    ttl = 1.0
    ready = SPAWN.Event()
    out = tmp_path / "holder.json"
    holder = SPAWN.Process(target=children.hold_until_killed, args=(shared_url, "model-k", ttl, ready, str(out)))
    holder.start()
    store = Store(shared_url)
    try:
        assert ready.wait(60), "the holder never got the lease"
        child = json.loads(out.read_text())
        assert child["holder"].split(":")[1] == str(child["pid"])
        waiter = LeaseLocks(store, ttl=ttl, poll=0.05)

        # Alive: its heartbeat keeps the lease well past one ttl, and a waiter with a short timeout is
        # told who holds it.
        time.sleep(1.2 * ttl)
        with pytest.raises(LockTimeoutError) as caught, waiter.hold("model-k", timeout=0.3):
            pytest.fail("got a lease that a live process holds")
        message = str(caught.value)
        assert "model-k" in message and child["holder"] in message and "until" in message

        holder.kill()  # SIGKILL: no finally block, no release, the heartbeat thread dies with it
        holder.join(10)
        killed_at = time.time()
        current = waiter.current("model-k")
        assert current is not None and current[0] == child["holder"]
        last_expiry = current[1].timestamp()
        assert last_expiry > killed_at  # still live when it died, so the wait below is real

        with waiter.hold("model-k", timeout=10):
            got_at = time.time()
            mine = waiter.current("model-k")
        assert mine is not None and mine[0] != child["holder"]
        # Not before the dead holder's lease ran out (one clock on one machine; 20 ms for rounding) ...
        assert got_at >= last_expiry - 0.02, f"got it {last_expiry - got_at:.3f} s before the lease expired"
        # ... and soon after: within the ttl plus a few polls.
        assert got_at - killed_at <= ttl + 0.5
    finally:
        if holder.is_alive():
            holder.kill()
            holder.join(10)
        store.dispose()
