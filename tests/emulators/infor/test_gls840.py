"""GLS840MI batches that are not updated stay in the interface file (FGLINH/FGLINL), outside the GL."""

from __future__ import annotations

from tests.emulators.infor.conftest import Infor
from tests.emulators.infor.test_m3 import EXEC, parm, records

BASE = {"CONO": "100", "DIVI": "US1"}
LINES = [parm("20261130", "6100", "1100", "40.00"), parm("20261130", "1000", "1100", "-40.00")]


def add_for_review(infor: Infor, key: str, ref: str) -> None:
    records(
        infor.api.get(f"{EXEC}/GLS840MI/AddBatchHead", params=BASE | {"KEY1": key, "INTN": "GLJOURNAL", "DESC": ref})
    )
    for n, p in enumerate(LINES, 1):
        records(infor.api.get(f"{EXEC}/GLS840MI/AddBatchLine", params=BASE | {"KEY1": key, "LINE": str(n), "PARM": p}))
    records(infor.api.get(f"{EXEC}/GLS840MI/CtrlBatch", params=BASE | {"KEY1": key}))


def test_a_validated_batch_waits_for_review_outside_the_gl(infor: Infor) -> None:
    add_for_review(infor, "RV1", "PLAN-REVIEW-1")
    journals = infor.admin.get("/_emulator/journals").json()
    assert [(j["reference"], j["status"], j["detail"]["KEY1"]) for j in journals] == [
        ("PLAN-REVIEW-1", "for review", "RV1")
    ]
    assert [(ln["line"], ln["account"], ln["amount"]) for ln in journals[0]["lines"]] == [
        (1, "6100", "40.00"),
        (2, "1000", "-40.00"),
    ]
    assert records(infor.api.get(f"{EXEC}/GLS200MI/SearchGenLedger", params={"SQRY": 'VTXT:"PLAN-REVIEW-1"'})) == []
    listed = records(
        infor.api.get(f"{EXEC}/GLS200MI/LstVouchersByDt;maxrecs=0", params={"FRDT": "20261130", "TODT": "20261130"})
    )
    assert not [r for r in listed if r["VTXT"] == "PLAN-REVIEW-1"]


def test_repeated_head_and_line_answer_record_already_exists(infor: Infor) -> None:
    add_for_review(infor, "RV2", "PLAN-REVIEW-2")
    head = infor.api.get(
        f"{EXEC}/GLS840MI/AddBatchHead", params=BASE | {"KEY1": "RV2", "INTN": "GLJOURNAL", "DESC": "x"}
    )
    line = infor.api.get(f"{EXEC}/GLS840MI/AddBatchLine", params=BASE | {"KEY1": "RV2", "LINE": "2", "PARM": LINES[0]})
    for answer, field in ((head.json(), "KEY1"), (line.json(), "LINE")):
        assert answer["nrOfFailedTransactions"] == 1
        assert (answer["results"][0]["errorCode"], answer["results"][0]["errorField"]) == ("XRE0104", field)
    journal = infor.admin.get("/_emulator/journals").json()[0]
    assert journal["status"] == "for review" and [ln["amount"] for ln in journal["lines"]] == ["40.00", "-40.00"]


def test_update_moves_the_batch_into_the_gl(infor: Infor) -> None:
    add_for_review(infor, "RV3", "PLAN-REVIEW-3")
    records(infor.api.get(f"{EXEC}/GLS840MI/UpdBatch", params=BASE | {"KEY1": "RV3"}))
    assert [j["status"] for j in infor.admin.get("/_emulator/journals").json()] == ["posted"]
    hits = records(infor.api.get(f"{EXEC}/GLS200MI/SearchGenLedger", params={"SQRY": 'VTXT:"PLAN-REVIEW-3"'}))
    assert [h["ACAM"] for h in hits] == ["40.00", "-40.00"]


def test_exportmi_reads_the_interface_file(infor: Infor) -> None:
    query = "select GHDIVI, GHKEY1, GHDESC from FGLINH where GHCONO = '100' and GHKEY1 = 'RV4'"
    assert records(infor.api.get(f"{EXEC}/EXPORTMI/Select;maxrecs=0", params={"QERY": query})) == []
    add_for_review(infor, "RV4", "PLAN-REVIEW-4")
    assert records(infor.api.get(f"{EXEC}/EXPORTMI/Select;maxrecs=0", params={"QERY": query})) == [
        {"REPL": "US1;RV4;PLAN-REVIEW-4"}
    ]
    query = "select GLLINE, GLPARM from FGLINL where GLKEY1 = 'RV4'"
    rows = records(infor.api.get(f"{EXEC}/EXPORTMI/Select;maxrecs=0", params={"QERY": query, "SEPC": "|"}))
    assert [r["REPL"].split("|")[0] for r in rows] == ["1", "2"]
