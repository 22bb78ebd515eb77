from __future__ import annotations

import base64
import csv
import io
import time
import zipfile

import httpx
import pytest

from tests.emulators.oracle.conftest import REST

V2 = {"REST-Framework-Version": "2"}
JOB = "/oracle/apps/ess/financials/generalLedger/programs/common,JournalImportLauncher"


def _row(reference: str, cc: str, account: str, dr: str, cr: str, *, group: str = "77001", **over: str) -> list[str]:
    """One GL_INTERFACE row in the FBDI template's column order (no header row)."""
    row = [""] * 150
    row[0:8] = ["NEW", "300000046975971", "2026/12/31", "Spreadsheet", "Budget", "EUR", "2026/11/21", "A"]
    row[8:11] = ["300", cc, account]
    row[38], row[39] = dr, cr
    row[42], row[45], row[47], row[51] = reference, f"{reference} journal", f"EXT-{reference}", "plan line"
    row[66], row[91], row[94] = group, "Acme EU Ledger", "Dec-26"
    for name, value in over.items():
        row[int(name.removeprefix("c"))] = value
    return row


def _zip(rows: list[list[str]]) -> str:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("GlInterface.csv", text.getvalue())
    return base64.b64encode(buffer.getvalue()).decode()


def _import(api: httpx.Client, rows: list[list[str]], group: str = "77001") -> str:
    payload = {
        "OperationName": "importBulkData",
        "DocumentContent": _zip(rows),
        "ContentType": "zip",
        "FileName": "GlInterface.zip",
        "DocumentAccount": "fin$/generalLedger$/import$",
        "JobName": JOB,
        "ParameterList": f"300000046975980,Spreadsheet,300000046975971,{group},N,N,N",
        "CallbackURL": "#NULL",
        "NotificationCode": "10",
        "JobOptions": "ExtractFileType=ALL",
    }
    answer = api.post(f"{REST}/erpintegrations", json=payload)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["ReqstId"])


def _status(api: httpx.Client, request_id: str) -> str:
    body = api.get(f"{REST}/erpintegrations", params={"finder": f"ESSJobStatusRF;requestId={request_id}"}).json()
    return str(body["items"][0]["RequestStatus"])


def _wait(api: httpx.Client, request_id: str) -> str:
    deadline = time.monotonic() + 10
    while (status := _status(api, request_id)) == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return status


def test_the_import_job_runs_before_journals_appear(api: httpx.Client) -> None:
    api.put("/_emulator/ess", json={"seconds": 0.3}).raise_for_status()
    request_id = _import(api, [_row("LATER", "3100", "6200", "1", ""), _row("LATER", "3900", "2000", "", "1")])
    assert _status(api, request_id) == "RUNNING"
    query = {"q": "BatchName LIKE 'LATER %'"}
    assert api.get(f"{REST}/journalBatches", params=query, headers=V2).json()["count"] == 0
    assert _wait(api, request_id) == "SUCCEEDED"
    assert api.get(f"{REST}/journalBatches", params=query, headers=V2).json()["count"] == 1


def test_import_creates_findable_unposted_journals(api: httpx.Client) -> None:
    rows = [
        _row("PLAN-FY27-0001", "3100", "6100", "1200.50", ""),
        _row("PLAN-FY27-0001", "3200", "6100", "799.50", ""),
        _row("PLAN-FY27-0001", "3900", "2000", "", "2000.00"),
    ]
    request_id = _import(api, rows)
    assert _wait(api, request_id) == "SUCCEEDED"
    found = api.get(
        f"{REST}/journalBatches", params={"q": "BatchName LIKE 'PLAN-FY27-0001 %'", "onlyData": "true"}, headers=V2
    ).json()["items"]
    assert len(found) == 1
    batch = found[0]
    assert batch["BatchName"] == f"PLAN-FY27-0001 Spreadsheet A 77001 {request_id} N"
    assert batch["Status"] == "U" and batch["DefaultPeriodName"] == "Dec-26" and batch["RunningTotalDr"] == 2000.0
    headers = api.get(f"{REST}/journalBatches/{batch['JeBatchId']}/child/journalHeaders").json()["items"]
    assert headers[0]["ExternalReference"] == "EXT-PLAN-FY27-0001"
    assert headers[0]["JournalName"] == "PLAN-FY27-0001 journal"
    lines_href = next(x["href"] for x in headers[0]["links"] if x["name"] == "journalLines")
    lines = api.get(lines_href).json()["items"]
    assert [x["AccountCombination"] for x in lines] == ["300-3100-6100", "300-3200-6100", "300-3900-2000"]
    readout = api.get("/_emulator/journals").json()
    assert len(readout) == 1 and readout[0]["GroupId"] == "77001" and readout[0]["Reference1"] == "PLAN-FY27-0001"
    assert readout[0]["headers"][0]["ExternalReference"] == "EXT-PLAN-FY27-0001"
    assert readout[0]["headers"][0]["lines"][0]["EnteredDr"] == 1200.5


def test_bad_batches_are_rejected_whole_and_logged(api: httpx.Client) -> None:
    rows = [
        _row("GOOD", "3100", "6200", "10", ""),
        _row("GOOD", "3900", "2000", "", "10"),
        _row("CLOSED-CC", "3999", "6200", "5", ""),
        _row("CLOSED-CC", "3900", "2000", "", "5"),
        _row("UNBALANCED", "3100", "6200", "5", ""),
        _row("UNBALANCED", "3900", "2000", "", "4"),
        _row("NOT-A-NUMBER", "3100", "6200", "12O.50", ""),
    ]
    request_id = _import(api, rows)
    assert _wait(api, request_id) == "WARNING"
    assert [j["BatchName"].split()[0] for j in api.get("/_emulator/journals").json()] == ["GOOD"]
    details = api.get(
        f"{REST}/erpintegrations", params={"finder": f"ESSJobExecutionDetailsRF;requestId={request_id},fileType=LOG"}
    ).json()["items"][0]
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(details["DocumentContent"]))) as archive:
        log = archive.read(archive.namelist()[0]).decode()
    assert "3999" in log and "unbalanced" in log and "not a number" in log


def test_group_id_must_match_the_parameter_list(api: httpx.Client) -> None:
    request_id = _import(api, [_row("X", "3100", "6200", "1", ""), _row("X", "3900", "2000", "", "1")], group="1")
    assert _wait(api, request_id) == "ERROR"
    assert api.get("/_emulator/journals").json() == []


def test_unknown_request_and_bad_document(api: httpx.Client) -> None:
    empty = api.get(f"{REST}/erpintegrations", params={"finder": "ESSJobStatusRF;requestId=1"}).json()
    assert empty["items"] == [] and empty["count"] == 0
    bad = api.post(
        f"{REST}/erpintegrations",
        json={"OperationName": "importBulkData", "DocumentContent": "not base64!", "JobName": JOB},
    )
    assert bad.status_code == 400


def test_unposted_batches_can_be_deleted_posted_ones_cannot(api: httpx.Client) -> None:
    batches = api.get(f"{REST}/journalBatches", params={"limit": 500, "onlyData": "true"}).json()["items"]
    posted = next(b for b in batches if b["Status"] == "P")
    unposted = next(b for b in batches if b["Status"] == "U")
    assert api.delete(f"{REST}/journalBatches/{posted['JeBatchId']}").status_code == 400
    assert api.delete(f"{REST}/journalBatches/{unposted['JeBatchId']}").status_code == 204
    assert api.get(f"{REST}/journalBatches/{unposted['JeBatchId']}").status_code == 404


def test_a_lost_response_still_imports_so_clients_must_look_up_first(api: httpx.Client) -> None:
    api.put("/_emulator/ess", json={"seconds": 0}).raise_for_status()
    api.put("/_emulator/faults", json={"next_lost_response": 1, "path_contains": "erpintegrations"}).raise_for_status()
    rows = [_row("LOST-1", "3100", "6200", "3", ""), _row("LOST-1", "3900", "2000", "", "3")]
    with pytest.raises(httpx.RemoteProtocolError):
        _import(api, rows)
    jobs = api.get("/_emulator/jobs").json()
    assert [j["RequestStatus"] for j in jobs] == ["SUCCEEDED"]
    found = api.get(f"{REST}/journalBatches", params={"q": "BatchName LIKE 'LOST-1 %'"}, headers=V2).json()
    assert found["count"] == 1
