"""The M3 emulator answers GL searches on a change-date range (`SearchGenLedger SQRY=LMDT:[a TO b]`) from an
index, the same lines a scan would find, and sees a line changed in place; AP ledger rows carry EPLMDT."""

from __future__ import annotations

from datetime import date

import httpx

from tests.emulators.infor.conftest import Infor

EXEC = "/M3/m3api-rest/v2/execute"


def records(r: httpx.Response) -> list[dict[str, str]]:
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["nrOfFailedTransactions"] == 0, body
    result: list[dict[str, str]] = body["results"][0]["records"]
    return result


def search(infor: Infor, query: str, maxrecs: int = 0) -> list[dict[str, str]]:
    return records(infor.api.get(f"{EXEC}/GLS200MI/SearchGenLedger;maxrecs={maxrecs}", params={"SQRY": query}))


def change_day(line: object) -> date:
    moment = getattr(line, "changed", None) or getattr(line, "created", None)
    assert moment is not None
    return moment.date()  # type: ignore[no-any-return]


def test_a_change_date_range_finds_exactly_the_lines_changed_in_it(infor: Infor) -> None:
    lines = infor.app.backend.lines
    low, high = date(2026, 9, 1), date(2026, 10, 31)
    expected = {(ln.division, ln.year, ln.journal_no, ln.journal_seq) for ln in lines if low <= change_day(ln) <= high}
    found = search(infor, "LMDT:[20260901 TO 20261031]")
    assert {(r["DIVI"], int(r["YEA4"]), int(r["JRNO"]), int(r["JSNO"])) for r in found} == expected
    assert len(found) == len(expected) > 10
    assert all("20260901" <= r["LMDT"] <= "20261031" for r in found)
    one = search(infor, "LMDT:[20260901 TO 20261031] DIVI:MX1")
    assert one and {r["DIVI"] for r in one} == {"MX1"} and len(one) < len(found)
    assert search(infor, "LMDT:[20260901 TO 20261031]", maxrecs=3) == found[:3]
    # Other terms still narrow the answer (matched line by line).
    assert {r["AIT1"] for r in search(infor, "LMDT:[20260901 TO 20261031] AIT1:6200")} == {"6200"}


def test_a_line_changed_in_place_moves_to_its_new_change_date(infor: Infor) -> None:
    assert search(infor, "LMDT:[20300101 TO 20300101]") == []  # builds the index
    body = {"line": 5, "amount": "12.34", "changed": "2030-01-01T09:00:00Z"}
    changed = infor.admin.post("/_emulator/ledger/change", json=body)
    assert changed.status_code == 200, changed.text
    found = search(infor, "LMDT:[20300101 TO 20300101]")
    assert [(r["JRNO"], r["JSNO"], r["ACAM"]) for r in found] == [
        (str(changed.json()["journal_no"]), str(changed.json()["journal_seq"]), "12.34")
    ]
    assert found[0]["CHNO"] != "0"
    assert infor.admin.post("/_emulator/ledger/change", json={"line": 10**9}).status_code == 404
    assert infor.admin.post("/_emulator/ledger/change", json={"line": 1, "changed": "soon"}).status_code == 400


def test_a_bad_search_date_is_refused(infor: Infor) -> None:
    answer = infor.api.get(f"{EXEC}/GLS200MI/SearchGenLedger", params={"SQRY": "LMDT:[2026-09-01 TO 20261031]"})
    assert answer.status_code == 400 and answer.json()["errorField"] == "SQRY"


def test_the_ap_ledger_has_change_dates(infor: Infor) -> None:
    query = "select EPDIVI, EPTRCD, EPLMDT from FPLEDG where EPCONO = '100' and EPLMDT >= '20261101'"
    rows = records(infor.api.get(f"{EXEC}/EXPORTMI/Select;maxrecs=0", params={"QERY": query, "SEPC": ";"}))
    assert rows and all(r["REPL"].split(";")[2] >= "20261101" for r in rows)
    assert {r["REPL"].split(";")[1] for r in rows} == {"40", "50"}
