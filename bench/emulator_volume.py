"""How long `--extra-lines N` takes to seed each ERP emulator, and what a one-month M3 date-range read costs after.

python -m bench.emulator_volume oracle 1000000
python -m bench.emulator_volume infor 1000000
python -m bench.emulator_volume anaplan 1000000
"""

from __future__ import annotations

import json
import resource
import sys
import time
from datetime import date


def oracle(count: int) -> dict[str, object]:
    from ml_connector.emulators.oracle.models import OracleBackend
    from ml_connector.emulators.oracle.volume import add_lines

    backend = OracleBackend()
    started = time.perf_counter()
    journals = add_lines(backend, count, 42)
    return {"seed_seconds": round(time.perf_counter() - started, 2), "journals": journals}


def infor(count: int) -> dict[str, object]:
    from ml_connector.emulators.infor.m3_date_index import lines_between
    from ml_connector.emulators.infor.models import InforBackend
    from ml_connector.emulators.infor.volume import add_lines

    backend = InforBackend()
    started = time.perf_counter()
    journals = add_lines(backend, count, 42)
    seeded = time.perf_counter() - started
    divisions = backend.division_codes()
    started = time.perf_counter()
    first = lines_between(backend, divisions, date(2026, 3, 1), date(2026, 3, 31))
    first_call = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(20):
        again = lines_between(backend, divisions, date(2026, 3, 1), date(2026, 3, 31))
    later_calls = (time.perf_counter() - started) / 20
    started = time.perf_counter()
    scanned = [ln for ln in backend.lines if date(2026, 3, 1) <= ln.acct_date <= date(2026, 3, 31)]
    scan = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(20):
        page = lines_between(backend, divisions, date(2026, 3, 1), date(2026, 3, 31), 100)
    maxrecs_100 = (time.perf_counter() - started) / 20
    assert len(again) == len(first) == len(scanned) and page == first[:100]
    return {
        "seed_seconds": round(seeded, 2),
        "journals": journals,
        "month_lines": len(first),
        "date_range_first_call_seconds": round(first_call, 3),
        "date_range_call_seconds": round(later_calls, 4),
        "date_range_maxrecs_100_call_seconds": round(maxrecs_100, 5),
        "full_scan_seconds": round(scan, 3),
    }


def anaplan(count: int) -> dict[str, object]:
    from ml_connector.emulators.anaplan import build_app
    from ml_connector.emulators.anaplan.volume import add_lines

    backend = build_app(task_seconds=0).backend
    started = time.perf_counter()
    members = add_lines(backend, count, 42)
    seeded = time.perf_counter() - started
    planning = backend.models[backend.tenant.models[0].id].planning
    started = time.perf_counter()
    rows = planning.cell_rows(planning.modules["Actuals"])
    return {
        "seed_seconds": round(seeded, 2),
        "members": members,
        "actuals_rows": len(rows),
        "export_rows_seconds": round(time.perf_counter() - started, 2),
    }


def main(system: str, count: int) -> dict[str, object]:
    figures = {"oracle": oracle, "infor": infor, "anaplan": anaplan}[system](count)
    peak = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return {"benchmark": f"emulator_volume_{system}", "extra_lines": count, **figures, "peak_rss_mb": peak}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]))))
