"""What the store-kept request budget costs per request, before (one transaction in the store per
request) and after (a block per transaction, in the budget file beside the store), on SQLite.

python -m bench.budget [REQUESTS]

- `free`: REQUESTS (at most 9,000, default 5,000) acquires as fast as they go from a tenant that is
  never short (100,000/min: its burst of 10,000 covers them): the budget's own cost, in µs per
  request, and store transactions per 1,000 requests.
- `beside_a_writer`: 300 acquires at 6,000/min (the demo's ERP budget; its burst of 600 covers
  them, so the budget itself never makes them wait) while another thread stages: it holds the
  store's write lock 50 ms at a time, as a batch's transaction does. The mean and longest acquire
  and their sum show whether reading waits for writing.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from ml_connector.http.reserve import TokenReserve
from ml_connector.store import Store, upgrade
from ml_connector.store.budget import SqlTokenBucket
from ml_connector.store.budget_file import budget_engine


def before(store: Store, tenant: str, per_minute: int) -> SqlTokenBucket:
    """The bucket as it was: in the store's own file, one transaction per request."""
    bucket = SqlTokenBucket(store, tenant, per_minute, engine=store.engine, hold=0.0)
    bucket.reserve = TokenReserve(bucket._take_block, max_block=1, hold=0.0)
    return bucket


def after(store: Store, tenant: str, per_minute: int) -> SqlTokenBucket:
    return SqlTokenBucket(store, tenant, per_minute, engine=budget_engine(store))


def free(store: Store, requests: int) -> dict[str, dict[str, float]]:
    out = {}
    for name, make in (("before", before), ("after", after)):
        bucket = make(store, f"free-{name}", 100_000)
        started = time.perf_counter()
        for _ in range(requests):
            bucket.acquire(timeout=60)
        took = time.perf_counter() - started
        out[name] = {
            "us_per_request": round(took / requests * 1e6, 1),
            "transactions_per_1000_requests": round(bucket.reserve.blocks_taken / requests * 1000, 1),
        }
    return out


def beside_a_writer(store: Store, requests: int = 300) -> dict[str, dict[str, float]]:
    out = {}
    for name, make in (("before", before), ("after", after)):
        bucket = make(store, f"writer-{name}", 6000)
        stop = threading.Event()

        def stage(stop: threading.Event = stop) -> None:
            while not stop.is_set():
                with store.engine.connect() as conn:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                    time.sleep(0.05)
                    conn.rollback()
                time.sleep(0.005)

        writer = threading.Thread(target=stage)
        writer.start()
        waits = []
        try:
            for _ in range(requests):
                started = time.perf_counter()
                bucket.acquire(timeout=60)
                waits.append(time.perf_counter() - started)
        finally:
            stop.set()
            writer.join()
        out[name] = {
            "mean_ms": round(statistics.fmean(waits) * 1000, 2),
            "max_ms": round(max(waits) * 1000, 1),
            "seconds": round(sum(waits), 2),
        }
    return out


def main(requests: int) -> dict[str, object]:
    requests = min(requests, 9000)  # beyond the burst, the tenant's refill would be measured, not the budget
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(store)
        figures: dict[str, object] = {"benchmark": "budget_sqlite", "requests": requests}
        figures["free"] = free(store, requests)
        figures["beside_a_writer"] = beside_a_writer(store)
        store.dispose()
    return figures


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)))
