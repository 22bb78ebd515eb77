"""The emulator's journal import reads the golden FBDI sample (tests/golden/README.md) as Oracle documents it."""

from __future__ import annotations

import base64
import io
import zipfile

import httpx

from tests.emulators.oracle.conftest import REST
from tests.emulators.oracle.test_journal_import import JOB, V2, _wait
from tests.golden.files import GL_INTERFACE_CSV


def test_the_golden_sample_becomes_one_unposted_balanced_journal(api: httpx.Client) -> None:
    api.put("/_emulator/ess", json={"seconds": 0}).raise_for_status()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("GlInterface.csv", GL_INTERFACE_CSV.read_bytes())
    payload = {
        "OperationName": "importBulkData",
        "DocumentContent": base64.b64encode(buffer.getvalue()).decode(),
        "ContentType": "zip",
        "FileName": "GlInterface.zip",
        "DocumentAccount": "fin$/generalLedger$/import$",
        "JobName": JOB,
        "ParameterList": "#NULL,Spreadsheet,300000046975971,558399457,N,N,N",
    }
    answer = api.post(f"{REST}/erpintegrations", json=payload)
    assert answer.status_code == 201, answer.text
    request_id = str(answer.json()["ReqstId"])
    assert _wait(api, request_id) == "SUCCEEDED"
    found = api.get(f"{REST}/journalBatches", params={"q": "BatchName LIKE 'PLAN-FY27-0042 %'"}, headers=V2).json()
    assert found["count"] == 1
    batch = found["items"][0]
    assert batch["BatchName"] == f"PLAN-FY27-0042 Spreadsheet A 558399457 {request_id} N"
    assert (batch["Status"], batch["DefaultPeriodName"], batch["RunningTotalDr"]) == ("U", "Dec-26", 1999.5)
    header = api.get(f"{REST}/journalBatches/{batch['JeBatchId']}/child/journalHeaders").json()["items"][0]
    assert (header["JournalName"], header["ExternalReference"]) == ("PLAN-FY27-0042", "PLAN-FY27-0042")
    assert (header["JournalDescription"], header["UserJeCategoryName"]) == ("FY27 plan return", "Adjustment")
    lines_href = next(x["href"] for x in header["links"] if x["name"] == "journalLines")
    lines = api.get(lines_href).json()["items"]
    assert [(x["AccountCombination"], x["EnteredDr"], x["EnteredCr"], x["Description"]) for x in lines] == [
        ("300-3100-6200", 1200.0, None, "plan rent"),
        ("300-3200-6100", 799.5, None, "plan travel"),
        ("300-3900-2000", None, 1999.5, "plan offset"),
    ]
