"""`/_emulator/volume` adds balanced posted lines deterministically; M3's date-range program serves them in order."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ml_connector.emulators.infor.m3_date_index import lines_between
from ml_connector.emulators.infor.models import InforBackend
from ml_connector.emulators.infor.volume import add_lines
from tests.emulators.infor.conftest import Infor
from tests.emulators.infor.test_m3 import EXEC, records

BACKEND = InforBackend()


def _month(infor: Infor) -> list[dict[str, str]]:
    params = {"FRDT": "20260301", "TODT": "20260331"}
    return records(infor.api.get(f"{EXEC}/GLS200MI/LstVouchersByDt;maxrecs=0", params=params))


def test_extra_lines_are_served_balanced_and_the_same_for_the_same_seed(infor: Infor) -> None:
    before = len(_month(infor))
    answer = infor.admin.put("/_emulator/volume", json={"extra_lines": 3000, "seed": 7}).json()
    assert answer["extra_lines"] == 3000 and answer["journals"] > 50
    first = _month(infor)
    assert len(first) > before
    sums: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for rec in first:
        sums[(rec["DIVI"], rec["YEA4"], rec["JRNO"])] += Decimal(rec["ACAM"])
    assert all(total == 0 for total in sums.values())
    keys = [(r["DIVI"], r["ACDT"], int(r["JRNO"]), int(r["JSNO"])) for r in first]
    assert keys == sorted(keys)
    infor.admin.post("/_emulator/reset").raise_for_status()
    infor.admin.put("/_emulator/volume", json={"extra_lines": 3000, "seed": 7}).raise_for_status()
    assert _month(infor) == first


def test_bad_volume_requests_are_refused(infor: Infor) -> None:
    for body in ({"extra_lines": -1}, {"extra_lines": "many"}, {"extra_lines": 10, "seed": 1.5}):
        answer = infor.admin.put("/_emulator/volume", json=body)
        assert answer.status_code == 400 and "extra_lines" in answer.json()["error"]


@settings(max_examples=15, deadline=None)
@given(count=st.integers(min_value=0, max_value=400), seed=st.integers(min_value=0, max_value=2**31))
def test_added_lines_are_exact_in_number_and_balanced_per_journal(count: int, seed: int) -> None:
    BACKEND.reset()
    seeded = len(BACKEND.lines)
    add_lines(BACKEND, count, seed)
    added = BACKEND.lines[seeded:]
    assert len(added) == count
    totals: dict[tuple[str, int, int], int] = defaultdict(int)
    for ln in added:
        totals[(ln.division, ln.year, ln.journal_no)] += int(Decimal(ln.amount) * 100)
    assert all(v == 0 for v in totals.values())
    # The index answers exactly what a scan would, appended lines included.
    start, end = date(2026, 1, 1), date(2026, 2, 28)
    scanned = {id(ln) for ln in BACKEND.lines if start <= ln.acct_date <= end}
    assert {id(ln) for ln in lines_between(BACKEND, BACKEND.division_codes(), start, end)} == scanned


@settings(max_examples=15, deadline=None)
@given(limit=st.integers(min_value=1, max_value=300))
def test_a_date_range_limit_gives_the_first_lines_of_the_whole_range(limit: int) -> None:
    BACKEND.reset()
    add_lines(BACKEND, 200, 3)
    divisions, start, end = BACKEND.division_codes(), date(2026, 1, 1), date(2026, 3, 31)
    whole = lines_between(BACKEND, divisions, start, end)
    assert lines_between(BACKEND, divisions, start, end, limit) == whole[:limit]


def test_maxrecs_on_the_date_range_program_gives_the_first_records_in_order(infor: Infor) -> None:
    infor.admin.put("/_emulator/volume", json={"extra_lines": 2000, "seed": 5}).raise_for_status()
    whole = _month(infor)
    params = {"FRDT": "20260301", "TODT": "20260331"}
    first = records(infor.api.get(f"{EXEC}/GLS200MI/LstVouchersByDt;maxrecs=7", params=params))
    assert len(whole) > 7 and first == whole[:7]
