"""The actuals pipeline's own work, without the network: N ledger lines streamed through mapping,
staging, period totals, the CSV an import reads and the merge into the loaded ledger. Peak memory must
not grow with N. Reports the bytes written to the store per line (what the run asks the disk to take,
WAL included) and the store's size per line after the merge."""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from ml_connector.config import FlowSection
from ml_connector.engine.audit import AuditTrail
from ml_connector.engine.runs import RunLog
from ml_connector.engine.staging_area import Segment, StagingArea
from ml_connector.flows.actuals import gl_row
from ml_connector.flows.loading import cell_rows, write_rows
from ml_connector.flows.staging import GL_PREFIX, Stager, batched
from ml_connector.mapping.rules import Dimension, MappingTable, Rule, RuleKind
from ml_connector.records import LedgerLine
from ml_connector.store import Store, upgrade

ACCOUNTS = [str(a) for a in range(4000, 7600, 100)]
COST_CENTERS = [str(c) for c in range(1100, 1400, 10)]


def lines(count: int) -> Iterator[LedgerLine]:
    stamp = datetime(2026, 11, 1, tzinfo=UTC)
    for i in range(count):
        month = i % 12 + 1
        yield LedgerLine(
            source="bench",
            source_key=f"bench:{i}",
            ledger="100",
            period=f"2026-{month:02d}",
            posted_on=date(2026, month, 1),
            account=ACCOUNTS[i % len(ACCOUNTS)],
            cost_center=COST_CENTERS[(i // 7) % len(COST_CENTERS)],
            amount=Decimal(i % 10_000) / 100,
            currency="USD",
            updated_at=stamp,
        )


def bytes_written() -> int:
    """Bytes this process has handed to write() so far (Linux), what it asks the disk to take."""
    try:
        for line in Path("/proc/self/io").read_text().splitlines():
            if line.startswith("wchar:"):
                return int(line.split()[1])
    except OSError:
        pass
    return -1


def main(count: int) -> dict[str, object]:
    mapping = MappingTable(
        "bench",
        [Rule(Dimension.ACCOUNT, RuleKind.PATTERN, "*", "="), Rule(Dimension.COST_CENTER, RuleKind.PATTERN, "*", "=")],
    )
    flow = FlowSection(kind="actuals", source="erp", target="anaplan", model="FP&A")
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(store)
        run_id = RunLog(store).start("bench")
        ledger = StagingArea(store, "bench", run_id)
        stager = Stager(flow, mapping, ledger, AuditTrail(store, run_id))
        written = bytes_written()
        started = time.perf_counter()
        with Segment(store) as segment:  # several batches per transaction, as a run stages
            for batch in batched(lines(count)):
                stager.take(batch, segment=segment)
                segment.done(len(batch))
        staged = time.perf_counter() - started
        started = time.perf_counter()
        columns, make = gl_row(flow)
        keys = write_rows(Path(folder) / "actuals.csv", columns, cell_rows(ledger.totals(GL_PREFIX), make))
        summed = time.perf_counter() - started
        started = time.perf_counter()
        with store.session() as session:
            ledger.merge(session)
        merged = time.perf_counter() - started
        written = bytes_written() - written - (Path(folder) / "actuals.csv").stat().st_size
        store.dispose()
        on_disk = sum(path.stat().st_size for path in Path(folder).glob("bench.db*"))
    return {
        "benchmark": "actuals_pipeline",
        "lines": count,
        "cells": len(keys),
        "stage_seconds": round(staged, 1),
        "lines_per_second": round(count / staged),
        "totals_and_csv_seconds": round(summed, 2),
        "merge_seconds": round(merged, 2),
        "written_bytes_per_line": round(written / count) if written >= 0 else None,
        "store_bytes_per_line": round(on_disk / count),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
