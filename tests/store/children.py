"""Entry points that the lease and budget tests run in real child processes ("spawn" context).

Each writes what it saw as JSON to `out`, so the parent can check the intervals and timestamps after
the children exit (or are killed). Each imports only what it runs: a spawned child pays for every
import again, and several start at once on a shared machine.
"""

from __future__ import annotations

import json
import os
import time
from multiprocessing.synchronize import Barrier, Event
from pathlib import Path

from ml_connector.store.database import Store


def lease_cycles(url: str, keys: list[str], cycles: int, hold_for: float, start_line: Barrier, out: str) -> None:
    """`cycles` times: hold the next key, note (pid, key, start, end) while holding it, release."""
    from ml_connector.store.lease import LeaseLocks

    store = Store(url)
    locks = LeaseLocks(store, ttl=5.0, poll=0.02)
    seen: list[dict[str, object]] = []
    start_line.wait(60)  # every worker is imported and connected: they all contend from here
    for cycle in range(cycles):
        key = keys[cycle % len(keys)]
        with locks.hold(key, timeout=60):
            start = time.time()
            time.sleep(hold_for)
            end = time.time()
        seen.append({"pid": os.getpid(), "key": key, "start": start, "end": end})
    Path(out).write_text(json.dumps(seen))
    store.dispose()


def hold_until_killed(url: str, key: str, ttl: float, ready: Event, out: str) -> None:
    """Hold `key` (heartbeat running), say who holds it, then sleep until the parent kills us."""
    from ml_connector.store.lease import LeaseLocks

    store = Store(url)
    locks = LeaseLocks(store, ttl=ttl)
    with locks.hold(key, timeout=30):
        current = locks.current(key)
        Path(out).write_text(json.dumps({"pid": os.getpid(), "holder": current[0] if current else None}))
        ready.set()
        time.sleep(600)


def draw_budget(url: str, tenant: str, per_minute: int, burst: int, count: int, start_line: Barrier, out: str) -> None:
    """Take `count` requests from the tenant's shared bucket and note when each was granted."""
    from ml_connector.store.budget import SqlTokenBucket

    store = Store(url)
    bucket = SqlTokenBucket(store, tenant, per_minute, burst)
    granted: list[float] = []
    start_line.wait(60)
    for _ in range(count):
        bucket.acquire(timeout=60)
        granted.append(time.time())
    Path(out).write_text(json.dumps({"pid": os.getpid(), "granted": granted}))
    store.dispose()
