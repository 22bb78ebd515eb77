"""The emulator's exportBulkData: documented request and answer shapes, ESS job states, the output zip in
the layout of the golden sample, from the same journals the REST resources serve, and its fault knobs."""

from __future__ import annotations

import base64
import csv
import io
import re
import time
import zipfile
from typing import Any

import httpx

from tests.emulators.oracle.conftest import REST
from tests.golden.files import journal_lines_extract

JOB = "/oracle/apps/ess/custom/mlconnector,JournalLinesExtract"
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$")


def submit(api: httpx.Client, parameters: str = "Acme EU Ledger,#NULL,#NULL", job: str = JOB) -> httpx.Response:
    body = {
        "OperationName": "exportBulkData",
        "JobName": job,
        "ParameterList": parameters,
        "JobOptions": "",
        "CallbackURL": "#NULL",
        "NotificationCode": "10",
    }
    return api.post(f"{REST}/erpintegrations", json=body)


def status(api: httpx.Client, request_id: str) -> str:
    params = {"finder": f"ESSJobStatusRF;requestId={request_id}"}
    return str(api.get(f"{REST}/erpintegrations", params=params).json()["items"][0]["RequestStatus"])


def finished(api: httpx.Client, request_id: str) -> str:
    seen = [status(api, request_id)]
    while seen[-1] == "RUNNING":
        time.sleep(0.1)
        seen.append(status(api, request_id))
    return seen[-1]


def output(api: httpx.Client, request_id: str) -> dict[str, Any]:
    params = {"finder": f"ESSJobExecutionDetailsRF;requestId={request_id},fileType=OUT", "onlyData": "true"}
    item: dict[str, Any] = api.get(f"{REST}/erpintegrations", params=params).json()["items"][0]
    return item


def extract(item: dict[str, Any]) -> list[dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(item["DocumentContent"]))) as archive:
        (name,) = archive.namelist()
        text = archive.read(name).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def rest_lines(api: httpx.Client, ledger: str = "Acme EU Ledger") -> dict[tuple[str, str, str], dict[str, Any]]:
    """The journal lines of `ledger`'s journals, read through the REST resources."""
    out = {}
    batches = api.get(f"{REST}/journalBatches", params={"limit": "500", "onlyData": "true"}).json()["items"]
    for batch in batches:
        headers = api.get(f"{REST}/journalBatches/{batch['JeBatchId']}/child/journalHeaders").json()["items"]
        for header in headers:
            if header.get("LedgerName") != ledger:
                continue  # the extract was asked for one ledger (its first argument)
            link = next(x["href"] for x in header["links"] if x["rel"] == "self")
            lines = api.get(httpx.URL(link).path + "/child/journalLines", params={"limit": "500"}).json()["items"]
            for line in lines:
                out[(str(batch["JeBatchId"]), str(header["JeHeaderId"]), str(line["JeLineNumber"]))] = line
    return out


def test_export_runs_as_an_ess_job_and_serves_the_golden_layout(api: httpx.Client) -> None:
    answer = submit(api)
    assert answer.status_code == 201
    request_id = answer.json()["ReqstId"]
    assert request_id.isdigit() and answer.json()["OperationName"] == "exportBulkData"
    assert status(api, request_id) == "RUNNING"
    assert finished(api, request_id) == "SUCCEEDED"
    item = output(api, request_id)
    assert item["FileName"] == f"ExportBulkData_JournalLinesExtract_{request_id}.zip"
    rows = extract(item)
    golden = journal_lines_extract()
    assert list(rows[0]) == list(golden[0])  # the same columns, in the same order
    for row in rows:
        assert STAMP.match(row["LAST_UPDATE_DATE"]) and STAMP.match(row["BATCH_LAST_UPDATE_DATE"])
        assert re.match(r"^\d{4}-\d\d-\d\d$", row["DEFAULT_EFFECTIVE_DATE"])
        assert row["LEDGER_NAME"] == "Acme EU Ledger"


def test_the_extract_holds_what_the_rest_resources_hold(api: httpx.Client) -> None:
    request_id = submit(api).json()["ReqstId"]
    finished(api, request_id)
    rows = extract(output(api, request_id))
    rest = rest_lines(api)
    assert len(rows) == len(rest)
    for row in rows:
        line = rest[(row["JE_BATCH_ID"], row["JE_HEADER_ID"], row["JE_LINE_NUM"])]
        assert row["ACCOUNT_COMBINATION"] == line["AccountCombination"]
        for column, attr in (("ACCOUNTED_DR", "AccountedDr"), ("ACCOUNTED_CR", "AccountedCr")):
            assert row[column] == ("" if line[attr] is None else str(line[attr]))
        assert row["DESCRIPTION"] == (line["Description"] or "")


def test_volume_lines_are_in_the_extract(api: httpx.Client) -> None:
    before = submit(api).json()["ReqstId"]
    finished(api, before)
    count = len(extract(output(api, before)))
    api.put("/_emulator/volume", json={"extra_lines": 300, "seed": 3}).raise_for_status()
    after = submit(api).json()["ReqstId"]
    finished(api, after)
    assert len(extract(output(api, after))) == count + 300


def test_the_updated_since_argument_filters_batches(api: httpx.Client) -> None:
    request_id = submit(api, "#NULL,2999-01-01T00:00:00+00:00,#NULL").json()["ReqstId"]
    finished(api, request_id)
    assert extract(output(api, request_id)) == []


def test_bad_requests_answer_400(api: httpx.Client) -> None:
    assert submit(api, job="/oracle/apps/ess/custom,NoSuchJob").status_code == 400
    assert submit(api, "#NULL,yesterday,#NULL").status_code == 400
    other = api.post(f"{REST}/erpintegrations", json={"OperationName": "submitESSJobRequest"})
    assert other.status_code == 400


def test_fault_knobs_fail_the_job_and_cut_the_download(api: httpx.Client) -> None:
    api.put("/_emulator/exports", json={"fail": 1, "corrupt": 1}).raise_for_status()
    failed = submit(api).json()["ReqstId"]
    assert finished(api, failed) == "ERROR"
    assert output(api, failed).get("FileName") is None  # no output file
    good = submit(api).json()["ReqstId"]
    assert finished(api, good) == "SUCCEEDED"
    broken = base64.b64decode(output(api, good)["DocumentContent"])
    try:
        zipfile.ZipFile(io.BytesIO(broken))
        raise AssertionError("a cut download still opened as a zip")
    except zipfile.BadZipFile:
        pass
    assert extract(output(api, good))  # the next download is whole
    assert api.put("/_emulator/exports", json={"fail": -1}).status_code == 400
