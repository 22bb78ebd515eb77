"""M3 MI REST v2 over the gateway: envelope, options, paging by key, errors, bulk, GLS840MI posting."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.emulators.infor.conftest import Infor

EXEC = "/M3/m3api-rest/v2/execute"


def records(r: httpx.Response) -> list[dict[str, str]]:
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["nrOfFailedTransactions"] == 0 and not body["wasTerminated"], body
    result: list[dict[str, str]] = body["results"][0]["records"]
    return result


def test_v2_envelope_and_string_values(infor: Infor) -> None:
    r = infor.api.get(f"{EXEC}/GLS200MI/LstVouchersByDt;maxrecs=5", params={"FRDT": "20251101", "TODT": "20251130"})
    body = r.json()
    assert set(body) == {"results", "wasTerminated", "nrOfSuccessfullTransactions", "nrOfFailedTransactions"}
    assert body["nrOfSuccessfullTransactions"] == 1 and body["results"][0]["transaction"] == "LstVouchersByDt"
    rec = body["results"][0]["records"][0]
    assert all(isinstance(v, str) for v in rec.values())
    assert rec["CONO"] == "100" and len(rec["ACDT"]) == 8 and rec["ACDT"].startswith("202511")
    assert {"YEA4", "JRNO", "JSNO", "AIT1", "AIT2", "ACAM", "VTXT", "LMDT", "DBCR"} <= set(rec)


def test_matrix_options_and_query_style_options(infor: Infor) -> None:
    dates = {"FRDT": "20251101", "TODT": "20251231", "DIVI": "MX1"}
    matrix = records(
        infor.api.get(f"{EXEC}/GLS200MI/LstVouchersByDt;maxrecs=4;returncols=DIVI,AIT1,ACAM", params=dates)
    )
    query = records(
        infor.api.get(
            f"{EXEC}/GLS200MI/LstVouchersByDt", params=dates | {"maxrecs": "4", "returncols": "DIVI,AIT1,ACAM"}
        )
    )
    assert matrix == query and len(matrix) == 4
    assert all(set(r) == {"DIVI", "AIT1", "ACAM"} and r["DIVI"] == "MX1" for r in matrix)


def test_default_maxrecs_is_100_and_zero_means_all(infor: Infor) -> None:
    params = {"FRDT": "20251101", "TODT": "20261130"}
    assert len(records(infor.api.get(f"{EXEC}/GLS200MI/LstVouchersByDt", params=params))) == 100
    everything = records(infor.api.get(f"{EXEC}/GLS200MI/LstVouchersByDt;maxrecs=0", params=params))
    assert len(everything) > 500
    # Thirteen periods, every journal balanced except the planted non-numeric amount.
    periods = {r["ACDT"][:6] for r in everything}
    assert len(periods) == 13 and min(periods) == "202511" and max(periods) == "202611"


def test_paging_by_restarting_from_the_last_key(infor: Infor) -> None:
    """M3 has no offset: re-call LstSuppliers from the last SUNO, and LstVouchersByDt from the last date."""
    seen: list[str] = []
    start = ""
    while True:
        page = records(
            infor.api.get(f"{EXEC}/CRS620MI/LstSuppliers;maxrecs=5", params={"FRSU": start} if start else {})
        )
        new = [r["SUNO"] for r in page if r["SUNO"] not in seen]
        seen += new
        if len(page) < 5 or not new:
            break
        start = page[-1]["SUNO"]
    assert seen == [f"S100{n:02d}" for n in range(1, 13)]

    keys: set[tuple[str, str, str, str]] = set()
    frdt = "20251101"
    while True:
        params = {"FRDT": frdt, "TODT": "20260131", "DIVI": "US2"}
        page = records(infor.api.get(f"{EXEC}/GLS200MI/LstVouchersByDt;maxrecs=20", params=params))
        before = len(keys)
        keys |= {(r["YEA4"], r["JRNO"], r["JSNO"], r["ACDT"]) for r in page}
        if len(page) < 20 or len(keys) == before:
            break
        frdt = page[-1]["ACDT"]
    everything = records(
        infor.api.get(f"{EXEC}/GLS200MI/LstVouchersByDt;maxrecs=0", params=params | {"FRDT": "20251101"})
    )
    assert len(keys) == len(everything)


def test_seed_carries_the_bad_records(infor: Infor) -> None:
    lines = records(
        infor.api.get(f"{EXEC}/GLS200MI/LstVouchersByDt;maxrecs=0", params={"FRDT": "20251101", "TODT": "20261130"})
    )
    assert any(r["AIT2"] == "1999" for r in lines)
    assert [r["ACAM"] for r in lines if r["ACAM"] == "12O.50"] == ["12O.50"]
    assert any(r["LMDT"] > r["RGDT"] and r["CHNO"] == "1" for r in lines)
    journals: dict[tuple[str, str, str], Decimal] = {}
    for r in lines:
        if r["ACAM"] != "12O.50" and not (r["DIVI"] == "US2" and r["ACAM"] == "-120.50"):
            key = (r["DIVI"], r["YEA4"], r["JRNO"])
            journals[key] = journals.get(key, Decimal(0)) + Decimal(r["ACAM"])
    assert all(total == 0 for total in journals.values())


def test_accounting_dimensions(infor: Infor) -> None:
    accounts = records(infor.api.get(f"{EXEC}/CRS630MI/LstAccountID", params={"AITP": "1"}))
    assert [a["AITM"] for a in accounts][:3] == ["1000", "2000", "4000"] and len(accounts) == 14
    centers = records(infor.api.get(f"{EXEC}/CRS630MI/LstAccountID", params={"AITP": "2"}))
    assert {c["AITM"]: c["TX40"] for c in centers} == {
        "1100": "Detroit plant",
        "1200": "Monterrey plant",
        "1300": "Toledo plant",
        "1900": "Americas admin",
    }
    one = records(infor.api.get(f"{EXEC}/CRS630MI/GetAccountID", params={"AITP": "1", "AITM": "6300"}))
    assert one[0]["TX40"] == "Travel"


def test_business_error_is_200_with_error_in_results(infor: Infor) -> None:
    r = infor.api.get(f"{EXEC}/CRS620MI/GetBasicData", params={"SUNO": "XYZ"})
    assert r.status_code == 200
    body = r.json()
    assert body["nrOfFailedTransactions"] == 1 and body["nrOfSuccessfullTransactions"] == 0
    res = body["results"][0]
    assert res["errorField"] == "SUNO" and "XYZ" in res["errorMessage"] and res["errorType"] == "ServerReturnedNOK"


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/GLS200MI/LstVouchersByDt", {"FRDT": "20250101"}, "TODT"),
        ("/GLS200MI/LstVouchersByDt", {"FRDT": "2025-01-01", "TODT": "20250131"}, "FRDT"),
        ("/GLS200MI/Nope", {}, "transaction"),
        ("/NOPE01MI/Lst", {}, "program"),
        ("/CRS620MI/LstSuppliers;cono=200", {}, "CONO"),
        ("/CRS620MI/LstSuppliers;maxrecs=abc", {}, "maxrecs"),
    ],
)
def test_request_errors_are_400_with_error_at_top_level(
    infor: Infor, path: str, params: dict[str, str], field: str
) -> None:
    r = infor.api.get(EXEC + path, params=params)
    assert r.status_code == 400
    body = r.json()
    assert body["errorField"] == field and body["errorMessage"] and "errorCode" in body


def test_bulk_post_runs_each_transaction(infor: Infor) -> None:
    body = {
        "program": "CRS620MI",
        "cono": 100,
        "excludeEmptyValues": False,
        "rightTrim": True,
        "maxReturnedRecords": 0,
        "transactions": [
            {"transaction": "GetBasicData", "record": {"SUNO": "S10003"}, "selectedColumns": ["SUNO", "SUNM"]},
            {"transaction": "GetBasicData", "record": {"SUNO": "NOPE"}},
        ],
    }
    r = infor.api.post(EXEC, json=body)
    assert r.status_code == 200
    out = r.json()
    assert out["nrOfSuccessfullTransactions"] == 1 and out["nrOfFailedTransactions"] == 1
    assert out["results"][0]["records"] == [{"SUNO": "S10003", "SUNM": "Aceros del Norte SA de CV"}]
    assert out["results"][1]["errorField"] == "SUNO"


def test_supplier_update_is_seen_everywhere(infor: Infor) -> None:
    records(infor.api.get(f"{EXEC}/CRS620MI/UpdSupplier", params={"SUNO": "S10005", "SUNM": "Precision Tooling LLC"}))
    assert (
        records(infor.api.get(f"{EXEC}/CRS620MI/GetBasicData", params={"SUNO": "S10005"}))[0]["SUNM"]
        == "Precision Tooling LLC"
    )
    assert (
        next(s for s in infor.admin.get("/_emulator/suppliers").json() if s["id"] == "S10005")["name"]
        == "Precision Tooling LLC"
    )
    changed = records(infor.api.get(f"{EXEC}/CRS620MI/LstSuppliers", params={"LMTS": "20260101000000000"}))
    assert [s["SUNO"] for s in changed] == ["S10005"]


def test_invoices_and_payments(infor: Infor) -> None:
    found = records(
        infor.api.get(f"{EXEC}/APS200MI/SearchSupInvoic", params={"SQRY": "DIVI:US1 IVDT:[20251101 TO 20251130]"})
    )
    assert len(found) == 2 and all(f["TRCD"] == "40" for f in found)
    inv = records(
        infor.api.get(f"{EXEC}/APS200MI/GetInvoice", params={k: found[0][k] for k in ("DIVI", "YEA4", "JRNO", "JSNO")})
    )
    assert inv[0]["SINO"] == found[0]["SINO"]
    proposal = records(infor.api.get(f"{EXEC}/APS130MI/LstProposal", params={"DIVI": "US1", "PRPN": "1"}))
    assert proposal[0]["PRPN"] == "1"
    paid = records(infor.api.get(f"{EXEC}/APS130MI/LstInvByPayDate", params={"DIVI": "US1", "PRPN": "1", "PYON": "1"}))
    assert paid and all(p["PYAM"] and p["SINO"].startswith("INV-") for p in paid)


def parm(acdt: str, account: str, cc: str, amount: str) -> str:
    return f"{acdt:<8}{account:<10}{cc:<10}{'USD':<3}{amount:>17}"


def post_batch(infor: Infor, key: str, desc: str, lines: list[str]) -> list[dict[str, Any]]:
    calls = [("AddBatchHead", {"CONO": "100", "DIVI": "US1", "KEY1": key, "INTN": "GLJOURNAL", "DESC": desc})]
    calls += [
        ("AddBatchLine", {"CONO": "100", "DIVI": "US1", "KEY1": key, "LINE": str(n), "PARM": p})
        for n, p in enumerate(lines, 1)
    ]
    calls += [(t, {"CONO": "100", "DIVI": "US1", "KEY1": key}) for t in ("CtrlBatch", "UpdBatch")]
    return [infor.api.get(f"{EXEC}/GLS840MI/{t}", params=p).json() for t, p in calls]


def test_gls840mi_posts_a_journal_findable_by_reference(infor: Infor) -> None:
    ref = "PLAN-2026-12-US1-0001"
    lines = [parm("20261130", "6100", "1100", "2500.00"), parm("20261130", "1000", "1100", "-2500.00")]
    answers = post_batch(infor, "ML0001", ref, lines)
    assert all(a["nrOfFailedTransactions"] == 0 for a in answers), answers
    assert answers[0]["results"][0]["records"] == [{"CONO": "100"}]
    journal = infor.admin.get("/_emulator/journals").json()
    assert len(journal) == 1 and journal[0]["reference"] == ref and journal[0]["product"] == "M3"
    assert [ln["amount"] for ln in journal[0]["lines"]] == ["2500.00", "-2500.00"]
    hits = records(infor.api.get(f"{EXEC}/GLS200MI/SearchGenLedger", params={"SQRY": f'VTXT:"{ref}"'}))
    assert [h["AIT1"] for h in hits] == ["6100", "1000"]
    listed = records(
        infor.api.get(f"{EXEC}/GLS200MI/LstVouchersByDt;maxrecs=0", params={"FRDT": "20261130", "TODT": "20261130"})
    )
    assert [r["ACAM"] for r in listed if r["VTXT"] == ref] == ["2500.00", "-2500.00"]


def test_gls840mi_rejects_unbalanced_and_unknown_codes(infor: Infor) -> None:
    answers = post_batch(
        infor, "BAD1", "bad", [parm("20261130", "6100", "1999", "10.00"), parm("20261130", "1000", "1100", "-9.00")]
    )
    ctrl = answers[-2]
    assert ctrl["nrOfFailedTransactions"] == 1 and "1999" in ctrl["results"][0]["errorMessage"]
    # The batch stays in the interface file, not validated, and nothing reached the GL.
    assert [j["status"] for j in infor.admin.get("/_emulator/journals").json()] == ["interface"]


def test_gls840mi_duplicate_key_is_refused(infor: Infor) -> None:
    head = {"CONO": "100", "DIVI": "US1", "KEY1": "DUP", "INTN": "GLJOURNAL", "DESC": "x"}
    records(infor.api.get(f"{EXEC}/GLS840MI/AddBatchHead", params=head))
    again = infor.api.get(f"{EXEC}/GLS840MI/AddBatchHead", params=head).json()
    assert again["nrOfFailedTransactions"] == 1 and again["results"][0]["errorField"] == "KEY1"


def test_posting_retried_after_a_lost_response_is_found_not_doubled(infor: Infor) -> None:
    ref = "PLAN-LOST-0001"
    lines = [parm("20261115", "6200", "1100", "75.00"), parm("20261115", "1000", "1100", "-75.00")]
    infor.admin.put("/_emulator/faults", json={"next_lost_response": 1, "path_contains": "UpdBatch"}).raise_for_status()
    for t, p in [("AddBatchHead", {"CONO": "100", "DIVI": "US1", "KEY1": "L1", "INTN": "GLJOURNAL", "DESC": ref})] + [
        ("AddBatchLine", {"CONO": "100", "DIVI": "US1", "KEY1": "L1", "LINE": str(n), "PARM": x})
        for n, x in enumerate(lines, 1)
    ]:
        records(infor.api.get(f"{EXEC}/GLS840MI/{t}", params=p))
    with pytest.raises(httpx.RemoteProtocolError):
        infor.api.get(f"{EXEC}/GLS840MI/UpdBatch", params={"CONO": "100", "DIVI": "US1", "KEY1": "L1"})
    # The write landed: a client that looks up by reference before re-posting finds it ...
    hits = records(infor.api.get(f"{EXEC}/GLS200MI/SearchGenLedger", params={"SQRY": f'VTXT:"{ref}"'}))
    assert len(hits) == 2
    # ... and blindly repeating UpdBatch cannot double-post: the batch left the interface file.
    again = infor.api.get(f"{EXEC}/GLS840MI/UpdBatch", params={"CONO": "100", "DIVI": "US1", "KEY1": "L1"}).json()
    assert again["nrOfFailedTransactions"] == 1
    assert len(infor.admin.get("/_emulator/journals").json()) == 1


def test_reset_brings_back_the_seed(infor: Infor) -> None:
    post_batch(
        infor,
        "R1",
        "to-be-reset",
        [parm("20261130", "6100", "1100", "1.00"), parm("20261130", "1000", "1100", "-1.00")],
    )
    assert infor.admin.get("/_emulator/journals").json()
    infor.admin.post("/_emulator/reset").raise_for_status()
    assert infor.admin.get("/_emulator/journals").json() == []
    assert records(infor.api.get(f"{EXEC}/GLS200MI/SearchGenLedger", params={"SQRY": 'VTXT:"to-be-reset"'})) == []


def test_exportmi_select_on_gl_and_ap_ledgers(infor: Infor) -> None:
    query = "select EGDIVI, EGACDT, EGAIT1, EGACAM from FGLEDG where EGCONO = '100' and EGDIVI = 'US2'"
    query += " and EGACDT >= '20261101'"
    rows = records(infor.api.get(f"{EXEC}/EXPORTMI/Select;maxrecs=0", params={"QERY": query, "SEPC": ";", "HDRS": "1"}))
    assert rows[0]["REPL"] == "EGDIVI;EGACDT;EGAIT1;EGACAM"
    assert len(rows) > 1 and all(r["REPL"].startswith("US2;202611") for r in rows[1:])
    query = "select EPSUNO, EPSINO, EPCUAM from FPLEDG where EPCONO = '100' and EPTRCD = '40' and EPDIVI = 'MX1'"
    invoices = records(infor.api.get(f"{EXEC}/EXPORTMI/Select;maxrecs=0", params={"QERY": query}))
    assert len(invoices) == 26 and all(r["REPL"].split(";")[2].startswith("-") for r in invoices)
    bad = infor.api.get(f"{EXEC}/EXPORTMI/Select", params={"QERY": "select NOPE from FGLEDG"}).json()
    assert bad["nrOfFailedTransactions"] == 1 and bad["results"][0]["errorField"] == "QERY"


def test_period_balances_and_voucher_head(infor: Infor) -> None:
    balances = records(
        infor.api.get(
            f"{EXEC}/GLS215MI/LstPerBalances;maxrecs=0",
            params={"DIVI": "US1", "BAKY": "1", "BIT1": "6300", "BIT2": "1900"},
        )
    )
    assert len(balances) == 13 and all(Decimal(b["ACAD"]) > 0 for b in balances)
    dims = records(infor.api.get(f"{EXEC}/GLS215MI/GetBitFromPtid", params={"PTID": balances[0]["PTID"]}))
    assert (dims[0]["BIT1"], dims[0]["BIT2"]) == ("6300", "1900")
    line = records(
        infor.api.get(f"{EXEC}/GLS200MI/LstVouchersByDt;maxrecs=1", params={"FRDT": "20251101", "TODT": "20251130"})
    )[0]
    head = records(
        infor.api.get(f"{EXEC}/GLS200MI/GetVoucherHead", params={k: line[k] for k in ("DIVI", "YEA4", "VONO", "VSER")})
    )
    assert Decimal(head[0]["DSUM"]) == -Decimal(head[0]["CSUM"]) > 0


def test_v1_execute_answers_the_legacy_shape(infor: Infor) -> None:
    r = infor.api.get("/M3/m3api-rest/execute/CRS620MI/GetBasicData", params={"SUNO": "S10001"})
    body = r.json()
    assert r.status_code == 200 and body["Program"] == "CRS620MI" and body["Transaction"] == "GetBasicData"
    values = {nv["Name"]: nv["Value"] for nv in body["MIRecord"][0]["NameValue"]}
    assert values["SUNM"] == "Great Lakes Steel Supply" and body["MIRecord"][0]["RowIndex"] == 0
    assert any(f["@name"] == "SUNO" for f in body["Metadata"]["Field"])
    nok = infor.api.get("/M3/m3api-rest/execute/CRS620MI/GetBasicData", params={"SUNO": "NOPE"}).json()
    assert nok["@type"] == "ServerReturnedNOK" and nok["@field"] == "SUNO" and "NOPE" in nok["Message"]


def test_from_date_after_to_date_is_nok(infor: Infor) -> None:
    body = infor.api.get(f"{EXEC}/GLS200MI/LstVouchersByDt", params={"FRDT": "20260201", "TODT": "20260101"}).json()
    assert body["nrOfFailedTransactions"] == 1 and body["results"][0]["errorField"] == "FRDT"


def test_bulk_post_runs_a_whole_gls840mi_posting_in_order(infor: Infor) -> None:
    ref = "PLAN-BULK-0001"
    lines = [parm("20261031", "6000", "1200", "300.00"), parm("20261031", "1000", "1200", "-300.00")]
    key = {"CONO": "100", "DIVI": "MX1", "KEY1": "BULK1"}
    transactions = [{"transaction": "AddBatchHead", "record": key | {"INTN": "GLJOURNAL", "DESC": ref}}]
    transactions += [
        {"transaction": "AddBatchLine", "record": key | {"LINE": str(n), "PARM": p}} for n, p in enumerate(lines, 1)
    ]
    transactions += [{"transaction": t, "record": key} for t in ("CtrlBatch", "UpdBatch")]
    out = infor.api.post(EXEC, json={"program": "GLS840MI", "cono": 100, "transactions": transactions}).json()
    assert out["nrOfSuccessfullTransactions"] == 5 and out["nrOfFailedTransactions"] == 0
    assert [r["transaction"] for r in out["results"]] == [
        "AddBatchHead",
        "AddBatchLine",
        "AddBatchLine",
        "CtrlBatch",
        "UpdBatch",
    ]
    journal = infor.admin.get("/_emulator/journals").json()[0]
    assert (journal["reference"], journal["division"], journal["detail"]["KEY1"]) == (ref, "MX1", "BULK1")


def test_concurrent_postings_are_all_kept(infor: Infor) -> None:
    headers = dict(infor.api.headers)

    def post(n: int) -> None:
        with httpx.Client(base_url=str(infor.api.base_url), headers=headers, timeout=10) as c:
            key = {"CONO": "100", "DIVI": "US2", "KEY1": f"T{n}"}
            lines = [parm("20261120", "6400", "1300", f"{n}.00"), parm("20261120", "1000", "1300", f"-{n}.00")]
            calls = [("AddBatchHead", key | {"INTN": "GLJOURNAL", "DESC": f"PLAN-T{n}"})]
            calls += [("AddBatchLine", key | {"LINE": str(i), "PARM": p}) for i, p in enumerate(lines, 1)]
            calls += [("UpdBatch", key)]
            for transaction, params in calls:
                assert c.get(f"{EXEC}/GLS840MI/{transaction}", params=params).json()["nrOfFailedTransactions"] == 0

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(post, range(1, 13)))
    journals = infor.admin.get("/_emulator/journals").json()
    assert sorted(j["reference"] for j in journals) == sorted(f"PLAN-T{n}" for n in range(1, 13))
    jrnos = [
        r["JRNO"]
        for r in records(infor.api.get(f"{EXEC}/GLS200MI/SearchGenLedger", params={"SQRY": "ACDT:20261120 AIT1:6400"}))
    ]
    assert len(jrnos) == len(set(jrnos)) >= 12


def test_mns100mi_lists_the_divisions_and_their_local_currency(infor: Infor) -> None:
    listed = records(infor.api.get(f"{EXEC}/MNS100MI/LstDivisions", params={"CONO": "100"}))
    assert [r["DIVI"] for r in listed] == ["MX1", "US1", "US2"]
    basic = records(infor.api.get(f"{EXEC}/MNS100MI/GetBasicData", params={"CONO": "100", "DIVI": "MX1"}))
    assert basic[0]["DIVI"] == "MX1" and basic[0]["LOCD"] == "MXN" and basic[0]["CONM"]  # Monterrey books in pesos
    detroit = records(infor.api.get(f"{EXEC}/MNS100MI/GetBasicData", params={"CONO": "100", "DIVI": "US1"}))
    assert detroit[0]["LOCD"] == "USD"
    nok = infor.api.get(f"{EXEC}/MNS100MI/GetBasicData", params={"CONO": "100", "DIVI": "MX9"}).json()
    assert nok["nrOfFailedTransactions"] == 1 and nok["results"][0]["errorField"] == "DIVI"


def test_a_hidden_line_is_in_the_balances_only(infor: Infor) -> None:
    hidden = {"division": "US1", "period": "2026-03", "account": "6300", "cost_center": "1100", "amount": 10}
    lines = {"FRDT": "20260301", "TODT": "20260331", "DIVI": "US1"}
    before = len(records(infor.api.get(f"{EXEC}/GLS200MI/LstVouchersByDt;maxrecs=0", params=lines)))
    query = {"DIVI": "US1", "BAKY": "1", "BIT1": "6300", "BIT2": "1100"}

    def march() -> Decimal:
        rows = records(infor.api.get(f"{EXEC}/GLS215MI/LstPerBalances;maxrecs=0", params=query))
        found = [r for r in rows if (r["YEA4"], r["PERI"]) == ("2026", "3")]
        return sum((Decimal(r["ACAD"]) + Decimal(r["ACAC"]) for r in found), Decimal(0))

    was = march()
    infor.admin.post("/_emulator/m3/hidden", json=hidden).raise_for_status()
    assert march() == was + 10
    assert len(records(infor.api.get(f"{EXEC}/GLS200MI/LstVouchersByDt;maxrecs=0", params=lines))) == before
    assert infor.admin.post("/_emulator/m3/hidden", json={"division": "US1"}).status_code == 400


def test_crs055_lists_rates_per_type_from_a_date(infor: Infor) -> None:
    """LstRatesPerType: CUCD and CRTP required; the rates of that currency and type in date order against the
    division's local currency, with the currency's conversion method and factor; CUTD starts the list."""
    rows = records(infor.api.get(f"{EXEC}/CRS055MI/LstRatesPerType;divi=US2", params={"CUCD": "JPY", "CRTP": "1"}))
    assert [(r["CUTD"], r["ARAT"]) for r in rows][:2] == [("20251128", "15250"), ("20260130", "15480")]
    assert {(r["LOCD"], r["DMCU"], r["RAFA"]) for r in rows} == {("USD", "2", "2")}
    # Monterrey's local currency is MXN: its rates are against pesos, and it has none for JPY.
    pesos = records(infor.api.get(f"{EXEC}/CRS055MI/LstRatesPerType;divi=MX1", params={"CUCD": "USD", "CRTP": "1"}))
    assert [(r["CUTD"], r["ARAT"], r["LOCD"], r["DMCU"]) for r in pesos][-1] == ("20260331", "17.4375", "MXN", "1")
    assert (
        records(infor.api.get(f"{EXEC}/CRS055MI/LstRatesPerType;divi=MX1", params={"CUCD": "JPY", "CRTP": "1"})) == []
    )
    later = records(
        infor.api.get(f"{EXEC}/CRS055MI/LstRatesPerType", params={"CUCD": "EUR", "CRTP": "1", "CUTD": "20260201"})
    )
    assert [r["CUTD"] for r in later] == ["20260227", "20260331"] and later[0]["DMCU"] == "1"
    assert records(infor.api.get(f"{EXEC}/CRS055MI/LstRatesPerType", params={"CUCD": "EUR", "CRTP": "7"})) == []
    unknown = infor.api.get(f"{EXEC}/CRS055MI/LstRatesPerType", params={"CUCD": "XXX", "CRTP": "1"}).json()
    assert unknown["results"][0]["errorField"] == "CUCD"
    missing = infor.api.get(f"{EXEC}/CRS055MI/LstRatesPerType", params={"CUCD": "EUR"})
    assert "CRTP" in missing.text and "records" not in missing.text
