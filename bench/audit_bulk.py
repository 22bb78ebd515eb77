"""How long 100,000 audit records take to write (and to move to their final state) on SQLite."""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from ml_connector.engine.audit import AuditEntry, AuditTrail
from ml_connector.engine.runs import RunLog
from ml_connector.engine.states import RecordState
from ml_connector.store import Store, upgrade


def main(count: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(store)
        run_id = RunLog(store).start("bench")
        audit = AuditTrail(store, run_id)
        entries = [
            AuditEntry(
                "oracle",
                f"oracle:{i // 50}:{i}:1",
                "gl",
                {"account": "6100", "cost_center": "3100", "amount": f"{i}.25", "period": "2026-03"},
                RecordState.STAGED,
                target_key=f"GL|6100|3100|Mar 26|{i % 500}",
            )
            for i in range(count)
        ]
        started = time.perf_counter()
        for start in range(0, count, 1000):
            audit.add(entries[start : start + 1000])
        written = time.perf_counter() - started
        started = time.perf_counter()
        moved = audit.move(RecordState.STAGED, RecordState.LOADED, target_prefix="GL|", target_ref="task-1")
        transition = time.perf_counter() - started
        store.dispose()
    return {
        "benchmark": "audit_bulk_sqlite",
        "records": count,
        "insert_seconds": round(written, 2),
        "insert_records_per_second": round(count / written),
        "transition_seconds": round(transition, 2),
        "records_moved": moved,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)))
