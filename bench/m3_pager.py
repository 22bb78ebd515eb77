"""The M3 date-window pager at volume: calls and records fetched against the page floor, over real HTTP.

python -m bench.m3_pager --lines 200000            # the Infor emulator seeded with 200k extra GL lines
python -m bench.m3_pager --lines 200000 --division US1

The Infor emulator runs in a process of its own (`ml-connector emulate infor --extra-lines N`). The M3 reader
reads the whole GL history once, as a first run does (GLS200MI LstVouchersByDt by accounting-date windows,
`page_size` 500), then once more incrementally (a run with nothing changed: SearchGenLedger on the change date).
Figures: calls, records fetched and kept, the floor ceil(kept / page size), calls / floor, the largest answer
and the time; the emulator's own request count confirms the calls.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from ml_connector.systems.infor import InforClient, InforSettings, IonApiCredentials
from ml_connector.systems.infor.m3 import M3Lines
from ml_connector.systems.infor.paging import DateWindowPager

CLI = [str(Path(sys.executable).parent / "ml-connector")]
PAGE = 500


class InforProcess:
    """`ml-connector emulate infor --extra-lines N` in a process of its own."""

    def __init__(self, lines: int, seed: int, port: int) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own CLI
            [*CLI, "emulate", "infor", "--port", str(port), "--extra-lines", str(lines), "--seed", str(seed)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.facts = json.loads(self.process.stdout.readline())
        self.admin = str(self.facts["admin_url"])
        for _ in range(600):
            try:
                if httpx.get(f"{self.admin}/health", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise SystemExit("the Infor emulator did not start")

    def requests(self) -> int:
        return int(httpx.get(f"{self.admin}/stats", timeout=30).json()["total"])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class CountingPagers:
    """Wraps `DateWindowPager.read` to keep every pager a reader makes, for its figures."""

    def __init__(self) -> None:
        self.pagers: list[DateWindowPager[Any]] = []
        self.largest = 0
        self._read = DateWindowPager.read

    def __enter__(self) -> CountingPagers:
        counting = self

        def read(pager: DateWindowPager[Any], start: Any, end: Any) -> Any:
            counting.pagers.append(pager)
            fetch = pager.fetch

            def measured(window: Any, maxrecs: int) -> Any:
                records = fetch(window, maxrecs)
                counting.largest = max(counting.largest, len(records))
                return records

            pager.fetch = measured
            return counting._read(pager, start, end)

        DateWindowPager.read = read  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        DateWindowPager.read = self._read  # type: ignore[method-assign]


def main(lines: int, seed: int, division: str, port: int) -> dict[str, Any]:
    emulator = InforProcess(lines, seed, port)
    try:
        settings = InforSettings(
            credentials=IonApiCredentials.from_file(Path(emulator.facts["ionapi"])),
            product="m3",
            company="100",
            division=division,
            divisions=(division,) if division else ("US1", "MX1", "US2"),
            allow_any_url=True,
            history_from="2000-01-01",
            page_size=PAGE,
            requests_per_minute=10_000_000,
        )
        with InforClient(settings) as client:
            assert isinstance(client.line, M3Lines)
            client.ping()
            before = emulator.requests()
            started = time.perf_counter()
            with CountingPagers() as full:
                kept = sum(1 for _ in client.ledger_lines(None, None))
            seconds = time.perf_counter() - started
            made = emulator.requests() - before
            calls = sum(p.calls for p in full.pagers)
            fetched = sum(p.returned for p in full.pagers)
            before = emulator.requests()
            since = datetime.now(UTC) - timedelta(hours=1)
            started = time.perf_counter()
            changed = sum(1 for _ in client.ledger_lines(since, datetime.now(UTC)))
            incremental_seconds = time.perf_counter() - started
            incremental_requests = emulator.requests() - before
    finally:
        emulator.stop()
    floor = math.ceil(kept / PAGE)
    return {
        "bench": "m3_pager",
        "extra_lines": lines,
        "division": division or "all",
        "page_size": PAGE,
        "lines_kept": kept,
        "calls": calls,
        "requests_seen_by_emulator": made,
        "records_fetched": fetched,
        "fetched_not_kept": fetched - kept,
        "page_floor": floor,
        "calls_over_floor": round(calls / floor, 3),
        "largest_answer": full.largest,
        "seconds": round(seconds, 1),
        "no_change_run": {"lines": changed, "requests": incremental_requests, "seconds": round(incremental_seconds, 2)},
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--division", default="", help="read one division (default: the whole company)")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    print(json.dumps(main(args.lines, args.seed, args.division, args.port)))
