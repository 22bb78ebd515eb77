"""The Infor emulator's conformance list (see `emulators/common/conformance.py`); sources are infor.md sections.
`probe_client(url)` logs in with the seeded service account and answers a client on `{iu}/{ti}`."""

from __future__ import annotations

import httpx

from ml_connector.emulators.common.conformance import Behaviour, expect
from ml_connector.emulators.infor.tokens import Credentials

M3 = "/M3/m3api-rest/v2/execute"
IDO = "/CSI/IDORequestService/ido"


def probe_client(url: str) -> httpx.Client:
    creds = Credentials()
    form = {
        "grant_type": "password",
        "username": creds.service_key,
        "password": creds.service_secret,
        "client_id": creds.client_id,
        "client_secret": creds.client_secret,
    }
    token = httpx.post(f"{url}/{creds.tenant}/as/token.oauth2", data=form, timeout=30).json()["access_token"]
    return httpx.Client(base_url=f"{url}/{creds.tenant}", headers={"Authorization": f"Bearer {token}"}, timeout=30)


def _v2_envelope(c: httpx.Client) -> None:
    body = c.get(f"{M3}/CRS620MI/GetBasicData", params={"SUNO": "S10001"}).json()
    expect(
        {"results", "wasTerminated", "nrOfSuccessfullTransactions", "nrOfFailedTransactions"} <= set(body),
        "v2 envelope keys",
    )
    expect(body["results"][0]["records"][0]["SUNO"].strip() == "S10001", "the record")


def _nok_in_results(c: httpx.Client) -> None:
    answer = c.get(f"{M3}/CRS620MI/GetBasicData", params={"SUNO": "NOPE"})
    result = answer.json()["results"][0]
    expect(answer.status_code == 200 and result["errorField"] == "SUNO" and result["errorCode"], "NOK in results[0]")


def _typed_metadata(c: httpx.Client) -> None:
    params = {"MINM": "GLS200MI", "TRNM": "LstVouchersByDt", "TRTP": "O"}
    rows = c.get(f"{M3}/MRS001MI/LstAdtFieldInf;maxrecs=0", params=params).json()["results"][0]["records"]
    by_name = {r["FLNM"]: r for r in rows}
    expect((by_name["CONO"]["TYPE"], by_name["CONO"]["LENG"]) == ("N", "3"), "CONO is N3")
    v1 = c.get("/M3/m3api-rest/execute/CRS620MI/GetBasicData", params={"SUNO": "S10001"}).json()
    fields = {f["@name"]: (f["@type"], f["@length"]) for f in v1["Metadata"]["Field"]}
    expect(fields["SUNM"] == ("A", 36), "v1 metadata types SUNM as A36")


def _mongoose_config_required(c: httpx.Client) -> None:
    body = c.get(f"{IDO}/load/SLLedgers").json()
    expect(body["Success"] is False and "X-Infor-MongooseConfig" in body["Message"], "config header required")


def _vch_hdrs_properties(c: httpx.Client) -> None:
    headers = {"X-Infor-MongooseConfig": "ACME_TST_US1"}
    params = {"properties": "VendNum,InvAmt,DiscPct,TermsCode", "recordcap": "1"}
    body = c.get(f"{IDO}/load/SLVchHdrs", params=params, headers=headers).json()
    expect(body["Success"] is True and "DiscPct" in body["Items"][0], "DiscPct loads")


def _gls840_unknown_interface(c: httpx.Client) -> None:
    params = {"CONO": "100", "DIVI": "US1", "KEY1": "PROBE", "INTN": "NOPE", "DESC": "probe"}
    result = c.get(f"{M3}/GLS840MI/AddBatchHead", params=params).json()["results"][0]
    expect(result["errorField"] == "INTN", "an unknown interface is refused on INTN")


def _date_range(c: httpx.Client) -> None:
    params = {"FRDT": "20260201", "TODT": "20260101"}
    result = c.get(f"{M3}/GLS200MI/LstVouchersByDt", params=params).json()["results"][0]
    expect(result["errorField"] == "FRDT", "a reversed date range is a NOK on FRDT")


def _divisions_of_the_company(c: httpx.Client) -> None:
    rows = c.get(f"{M3}/MNS100MI/LstDivisions", params={"CONO": "100"}).json()["results"][0]["records"]
    expect({"CONO", "DIVI", "TX15"} <= set(rows[0]), "LstDivisions answers CONO, DIVI and TX15")
    basic = c.get(f"{M3}/MNS100MI/GetBasicData", params={"CONO": "100", "DIVI": rows[0]["DIVI"]}).json()
    expect(len(basic["results"][0]["records"][0]["LOCD"]) == 3, "GetBasicData names the local currency (LOCD)")


def _documented_outputs_only(c: httpx.Client) -> None:
    record = c.get(f"{M3}/CRS620MI/GetBasicData", params={"SUNO": "S10001"}).json()["results"][0]["records"][0]
    expect(not {"ADR1", "TOWN", "PONO", "LMTS"} & set(record), "GetBasicData has no address or LMTS fields")
    expect({"SUNO", "SUNM", "STAT", "VRNO"} <= set(record), "GetBasicData has its documented fields")
    listed = c.get(f"{M3}/CRS620MI/LstSuppliers;maxrecs=1").json()["results"][0]["records"][0]
    expect(not {"STAT", "VRNO", "ADR1", "LMTS"} & set(listed), "LstSuppliers has no STAT, VRNO, address or LMTS")
    expect({"SUNO", "SUNM", "TEPY", "TINO"} <= set(listed), "LstSuppliers has its documented fields")


def _maxrecs_on_date_range(c: httpx.Client) -> None:
    params = {"FRDT": "20250101", "TODT": "20271231"}
    records = c.get(f"{M3}/GLS200MI/LstVouchersByDt;maxrecs=3", params=params).json()["results"][0]["records"]
    expect(len(records) == 3, "maxrecs=3 gives three records")


def _voucher_lines_carry_change_dates(c: httpx.Client) -> None:
    params = {"FRDT": "20251101", "TODT": "20251130"}
    record = c.get(f"{M3}/GLS200MI/LstVouchersByDt;maxrecs=1", params=params).json()["results"][0]["records"][0]
    expect(len(record["LMDT"].strip()) == 8 and len(record["RGDT"].strip()) == 8, "LMDT and RGDT are yyyyMMdd dates")
    expect("LMTS" not in record, "GLS200MI has no LMTS timestamp")


def _bulk_reads(c: httpx.Client) -> None:
    body = {
        "program": "CRS620MI",
        "cono": "100",
        "transactions": [
            {"transaction": "GetBasicData", "record": {"SUNO": "S10001"}},
            {"transaction": "GetBasicData", "record": {"SUNO": "NOPE"}},
        ],
    }
    answer = c.post(M3, json=body).json()
    expect(len(answer["results"]) == 2 and answer["nrOfFailedTransactions"] == 1, "one result per transaction")
    expect(answer["results"][1]["errorField"] == "SUNO", "a failing transaction is reported in its own result")


COMPASS = "/DATAFABRIC/compass/v2/jobs"


def _compass_paged_result(c: httpx.Client) -> None:
    sql = "SELECT DIVI, TRCD, SINO FROM FPLEDG WHERE TRCD = 40"
    submitted = c.post(f"{COMPASS}/", content=sql, headers={"Content-Type": "text/plain"})
    expect(submitted.status_code == 202 and submitted.json().get("queryId"), "a submit answers a queryId")
    query = submitted.json()["queryId"]
    for _ in range(200):
        state = c.get(f"{COMPASS}/{query}/status/").json()["status"]
        if state not in ("RUNNING", "TRANSFORMING"):
            break
    expect(state == "FINISHED", f"the query finishes ({state})")
    page = c.get(f"{COMPASS}/{query}/result/", params={"offset": "1", "limit": "2"}).json()
    expect(len(page) == 2 and all(row["TRCD"] == "40" for row in page), "offset and limit page the rows")
    expect(c.get(f"{COMPASS}/unknown-query/status/").status_code == 404, "an unknown (or expired) query is 404")


BEHAVIOURS = [
    Behaviour(
        "M3 v2 answers results[].records with the transaction counters", "infor.md 2.2 (v2 response JSON)", _v2_envelope
    ),
    Behaviour(
        "An M3 NOK answers HTTP 200 with errorMessage/errorCode/errorField in results[0]",
        "infor.md 2.2 (SDK: 'For HTTP 200 errors, error info is in results[0]')",
        _nok_in_results,
    ),
    Behaviour(
        "MRS001MI and v1 Metadata give M3's field types and lengths (CONO N3)",
        "infor.md 2.1 (SDK calls MRS001MI/LstAdtFieldInf), 2.3, appendix B",
        _typed_metadata,
    ),
    Behaviour(
        "Mongoose IDO calls need X-Infor-MongooseConfig; failures answer Success false with a Message",
        "infor.md 3.1 and 3.2",
        _mongoose_config_required,
    ),
    Behaviour(
        "SLVchHdrs serves the property list live tenants answer (DiscPct included)",
        "infor.md 3.4 (property list of a real sync URL)",
        _vch_hdrs_properties,
    ),
    Behaviour(
        "GLS840MI AddBatchHead names a configured interface (INTN)",
        "infor.md 2.5 and appendix A",
        _gls840_unknown_interface,
    ),
    Behaviour("GLS200MI LstVouchersByDt reads a FRDT..TODT range", "infor.md 2.4 and appendix A", _date_range),
    Behaviour(
        "M3 transactions answer only their documented output fields",
        "infor.md appendix B (M3H5 {PGM}/{TRN}Response.cs, from M3's MI metadata)",
        _documented_outputs_only,
    ),
    Behaviour("maxrecs caps a date-range read", "infor.md 2.2 (matrix parameter maxrecs)", _maxrecs_on_date_range),
    Behaviour(
        "GL voucher lines carry their entry and change dates (RGDT, LMDT), not a timestamp",
        "infor.md appendix B (GLS200MI/LstVouchersByDtResponse.cs: RGDT D10, LMDT D10, CHNO N3)",
        _voucher_lines_carry_change_dates,
    ),
    Behaviour(
        "A bulk POST runs many transactions of one program, each answered in its own result",
        "infor.md 2.1 (bulk execute; inforion sends chunks of 100)",
        _bulk_reads,
    ),
    Behaviour(
        "MNS100MI lists the company's divisions and each one's local currency",
        "GaryWayneSmith/M3H5 M3H5Lib.Api/MNS100MIResource.cs, MNS100MI/{LstDivisions,GetBasicData}Response.cs",
        _divisions_of_the_company,
    ),
    Behaviour(
        "Compass v2: a text/plain SQL submit answers a queryId, status reaches FINISHED, offset/limit page the result",
        "docs.infor.com bca1622476381846 (Version 2 Compass APIs to page a query result), uan1631199548644",
        _compass_paged_result,
    ),
]
