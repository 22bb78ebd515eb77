"""CSI Mongoose IDO REST through the gateway: config header, load options, bookmark paging, UpdateCollection."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.emulators.infor.conftest import TI, Infor

IDO = "/CSI/IDORequestService/ido"
ALL = {"X-Infor-MongooseConfig": TI}
DETROIT = {"X-Infor-MongooseConfig": f"{TI}_US1"}


def load(infor: Infor, ido: str, headers: dict[str, str] = ALL, **params: Any) -> dict[str, Any]:
    r = infor.api.get(f"{IDO}/load/{ido}", params=params, headers=headers)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    assert body["Success"] is True and body["Message"] is None
    return body


def test_config_header_is_required(infor: Infor) -> None:
    r = infor.api.get(f"{IDO}/load/SLLedgers")
    # Mongoose answers 200 and reports failure in Success/Message.
    assert r.status_code == 200 and r.json()["Success"] is False and "X-Infor-MongooseConfig" in r.json()["Message"]
    r = infor.api.get(f"{IDO}/load/SLLedgers", headers={"X-Infor-MongooseConfig": "OTHER_PRD"})
    assert r.json()["Success"] is False and r.json()["Items"] is None
    configs = infor.api.get(f"{IDO}/configurations").json()
    assert configs == {"Message": None, "Success": True, "Configurations": [TI, f"{TI}_MX1", f"{TI}_US1", f"{TI}_US2"]}


def test_load_envelope_properties_and_item_id(infor: Infor) -> None:
    body = load(infor, "SLLedgers", properties="Acct,DomAmount,TransDate,Ref", recordcap=3)
    assert set(body) == {"Items", "Bookmark", "MoreRowsExist", "Success", "Message"}
    assert len(body["Items"]) == 3 and body["MoreRowsExist"] is True
    item = body["Items"][0]
    assert set(item) == {"Acct", "DomAmount", "TransDate", "Ref", "_ItemId"}
    assert item["_ItemId"].startswith("PBT=[ledger]") and item["TransDate"][:8].isdigit()
    assert body["Bookmark"].startswith("<B><P>")
    readonly = load(infor, "SLLedgers", properties="Acct", recordcap=1, readonly="true")
    assert "_ItemId" not in readonly["Items"][0]


def test_recordcap_default_200_and_zero_all(infor: Infor) -> None:
    assert len(load(infor, "SLLedgers", properties="TransNum")["Items"]) == 200
    assert len(load(infor, "SLLedgers", properties="TransNum", recordcap=-1)["Items"]) == 200
    everything = load(infor, "SLLedgers", properties="TransNum", recordcap=0)
    assert len(everything["Items"]) > 600 and everything["MoreRowsExist"] is False


def test_filter_and_orderby(infor: Infor) -> None:
    body = load(
        infor,
        "SLLedgers",
        properties="Acct,AcctUnit1,TransDate,DomAmount",
        recordcap=0,
        filter="(Acct = '6300' OR Acct = '6500') AND TransDate >= '20260101' AND TransDate < '20260201'",
        orderby="DomAmount DESC",
    )
    items = body["Items"]
    assert items and all(i["Acct"] in ("6300", "6500") and i["TransDate"].startswith("202601") for i in items)
    amounts = [float(i["DomAmount"]) for i in items]
    assert amounts == sorted(amounts, reverse=True)


def test_illegal_filter_is_refused(infor: Infor) -> None:
    r = infor.api.get(f"{IDO}/load/SLLedgers", params={"filter": "Acct IN (SELECT 1)"}, headers=ALL)
    assert r.status_code == 200 and "IllegalFilterException" in r.json()["Message"] and not r.json()["Success"]
    r = infor.api.get(f"{IDO}/load/SLLedgers", params={"properties": "Nope"}, headers=ALL)
    assert r.json()["Success"] is False


def test_bookmark_paging_reads_every_row_once(infor: Infor) -> None:
    params = {"properties": "TransNum,Acct", "recordcap": 150, "filter": "ControlYear = 2026"}
    body = load(infor, "SLLedgers", **params)
    seen = [i["TransNum"] for i in body["Items"]]
    while body["MoreRowsExist"]:
        body = load(infor, "SLLedgers", loadtype="NEXT", bookmark=body["Bookmark"], **params)
        seen += [i["TransNum"] for i in body["Items"]]
    everything = load(infor, "SLLedgers", properties="TransNum", recordcap=0, filter="ControlYear = 2026")
    assert sorted(seen) == sorted(i["TransNum"] for i in everything["Items"]) and len(set(seen)) == len(seen)


def test_site_config_sees_only_its_site(infor: Infor) -> None:
    sites = {i["Site"] for i in load(infor, "SLLedgers", DETROIT, properties="Site", recordcap=0)["Items"]}
    assert sites == {"US1"}
    vouchers = load(infor, "SLVchHdrs", DETROIT, recordcap=0)["Items"]
    assert (
        vouchers and {v["Site"] for v in vouchers} == {"US1"} and all(v["VendNum"].startswith("S1") for v in vouchers)
    )


def test_reference_data_and_ap_idos(infor: Infor) -> None:
    charts = load(infor, "SLCharts", recordcap=0)["Items"]
    assert {c["Acct"] for c in charts} >= {"1000", "2000", "7000"} and len(charts) == 14
    units = load(infor, "SLUnitcd1s", recordcap=0)["Items"]
    assert sorted(u["UnitCode1"] for u in units) == ["1100", "1200", "1300", "1900"]
    vendors = load(infor, "SLVendors", recordcap=0, filter="VendNum = 'S10012'")["Items"]
    assert vendors[0]["Name"] == "Servicios Electricos Regios" and vendors[0]["VadCountry"] == "MX"
    payments = load(infor, "SLAppmts", recordcap=0)["Items"]
    assert payments and all(p["CheckAmt"] for p in payments)
    bad = load(infor, "SLLedgers", recordcap=0, filter="AcctUnit1 = '1999' OR DomAmount = '12O.50'")["Items"]
    assert len(bad) == 2


def journal_change(ref: str, acct: str, unit: str, amount: str, date: str = "20261130") -> dict[str, Any]:
    props = {"Id": "GENERAL", "TransDate": date, "Acct": acct, "AcctUnit1": unit, "DomAmount": amount, "Ref": ref}
    return {
        "Action": 1,
        "ItemId": "PBT=[journal]",
        "UpdateLocking": 1,
        "Properties": [{"Name": k, "Value": v, "Modified": True, "IsNull": False} for k, v in props.items()],
    }


def test_insert_journal_lines_and_find_them_by_ref(infor: Infor) -> None:
    ref = "PLAN-2026-12-CSI-0001"
    body = {"Changes": [journal_change(ref, "6100", "1100", "900.00"), journal_change(ref, "1000", "1100", "-900.00")]}
    r = infor.api.post(f"{IDO}/update/SLJournals", params={"refresh": "true"}, json=body, headers=DETROIT)
    assert r.status_code == 200 and r.json()["Success"] is True
    refreshed = r.json()["RefreshItems"]
    assert len(refreshed) == 2 and refreshed[0]["Action"] == 1 and refreshed[0]["ItemId"].startswith("PBT=[journal]")
    names = {p["Name"]: p["Value"] for p in refreshed[1]["Properties"]}
    assert all(p["Modified"] is False and p["OriginalValue"] is None for p in refreshed[1]["Properties"])
    assert names["SeqNo"] == "2" and names["Site"] == "US1"
    found = load(infor, "SLJournals", DETROIT, filter=f"Ref = '{ref}'", recordcap=0)["Items"]
    assert [f["DomAmount"] for f in found] == ["900.00", "-900.00"]
    journals = infor.admin.get("/_emulator/journals").json()
    assert len(journals) == 1 and journals[0]["product"] == "CSI" and journals[0]["reference"] == ref
    assert len(journals[0]["lines"]) == 2


def test_update_and_delete_by_item_id(infor: Infor) -> None:
    infor.api.post(
        f"{IDO}/update/SLJournals", json={"Changes": [journal_change("R-UPD", "6200", "1100", "5")]}, headers=DETROIT
    ).raise_for_status()
    item = load(infor, "SLJournals", DETROIT, filter="Ref = 'R-UPD'")["Items"][0]
    change = {
        "Action": 2,
        "ItemId": item["_ItemId"],
        "Properties": [{"Name": "DomAmount", "Value": "7.50", "Modified": True}],
    }
    assert infor.api.post(f"{IDO}/update/SLJournals", json={"Changes": [change]}, headers=DETROIT).json()["Success"]
    assert load(infor, "SLJournals", DETROIT, filter="Ref = 'R-UPD'")["Items"][0]["DomAmount"] == "7.50"
    # The ItemId carries the row's timestamp: a stale one is refused (optimistic locking).
    delete = {"Changes": [{"Action": 4, "ItemId": item["_ItemId"], "Properties": []}]}
    stale = infor.api.post(f"{IDO}/update/SLJournals", json=delete, headers=DETROIT)
    assert stale.json()["Success"] is False
    item = load(infor, "SLJournals", DETROIT, filter="Ref = 'R-UPD'")["Items"][0]
    delete = {"Changes": [{"Action": 4, "ItemId": item["_ItemId"], "Properties": []}]}
    gone = infor.api.post(f"{IDO}/update/SLJournals", params={"refresh": "true"}, headers=DETROIT, json=delete)
    assert gone.json() == {"Message": None, "Success": True, "RefreshItems": None}
    assert load(infor, "SLJournals", DETROIT, filter="Ref = 'R-UPD'")["Items"] == []


@pytest.mark.parametrize(
    ("acct", "unit", "amount", "word"),
    [("9999", "1100", "1", "Account"), ("6100", "1999", "1", "Unit Code 1"), ("6100", "1100", "12O.50", "DomAmount")],
)
def test_invalid_journal_lines_are_refused_whole(infor: Infor, acct: str, unit: str, amount: str, word: str) -> None:
    body = {"Changes": [journal_change("R-BAD", "6100", "1100", "1"), journal_change("R-BAD", acct, unit, amount)]}
    r = infor.api.post(f"{IDO}/update/SLJournals", json=body, headers=DETROIT)
    assert r.json()["Success"] is False and word in r.json()["Message"] and r.json()["RefreshItems"] is None
    assert load(infor, "SLJournals", DETROIT, filter="Ref = 'R-BAD'")["Items"] == []


def test_vendor_update_by_keys_is_seen_by_m3(infor: Infor) -> None:
    change = {
        "Action": 2,
        "ItemId": "",
        "Properties": [
            {"Name": "VendNum", "Value": "S10002", "Modified": False},
            {"Name": "TermsCode", "Value": "45", "Modified": True},
        ],
    }
    r = infor.api.post(f"{IDO}/update/SLVendors", json={"Changes": [change]}, headers=ALL)
    assert r.status_code == 200 and r.json()["Success"]
    m3 = infor.api.get("/M3/m3api-rest/v2/execute/CRS620MI/GetBasicData", params={"SUNO": "S10002"}).json()
    assert m3["results"][0]["records"][0]["TEPY"] == "45"


def test_unknown_ido_and_read_only_ido(infor: Infor) -> None:
    assert infor.api.get(f"{IDO}/load/SLNope", headers=ALL).json()["Success"] is False
    r = infor.api.post(f"{IDO}/update/SLLedgers", json={"Changes": []}, headers=ALL)
    assert r.json()["Success"] is False
    info = infor.api.get(f"{IDO}/info/SLJournals", headers=ALL).json()
    assert info["Keys"] == ["Id", "SeqNo"] and any(p["Name"] == "Ref" for p in info["Properties"])


def test_csi_needs_a_token_too(infor: Infor) -> None:
    r = httpx.get(f"{infor.iu}/{TI}{IDO}/load/SLLedgers", headers=ALL)
    assert r.status_code == 401


def test_last_and_prev_pages(infor: Infor) -> None:
    params = {"properties": "UnitCode1", "recordcap": 2}
    last = load(infor, "SLUnitcd1s", loadtype="LAST", **params)
    assert [i["UnitCode1"] for i in last["Items"]] == ["1300", "1900"]
    prev = load(infor, "SLUnitcd1s", loadtype="PREV", bookmark=last["Bookmark"], **params)
    assert [i["UnitCode1"] for i in prev["Items"]] == ["1100", "1200"] and prev["MoreRowsExist"] is False


def test_filter_may_use_getdate_and_dateadd(infor: Infor) -> None:
    # The IDO guide allows exactly these two functions in a filter.
    params = {"filter": "TransDate >= DATEADD(year, -50, GETDATE()) AND TransDate <= GETDATE()", "recordcap": "5"}
    body = infor.api.get(f"{IDO}/load/SLLedgers", params=params, headers=ALL).json()
    assert body["Success"] is True and body["Items"]
