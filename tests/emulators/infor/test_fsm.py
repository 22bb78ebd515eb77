"""FSM Landmark through the gateway: `_generic` lists, paging, GLTransactionInterface posting and journalizing."""

from __future__ import annotations

from typing import Any

import httpx

from tests.emulators.infor.conftest import TI, Infor

SOAP = "/FSM/fsm/soap"
LIST = SOAP + "/classes/{}/lists/_generic"
CREATE = SOAP + "/classes/GLTransactionInterface/actions/CreateUnreleased/batch"
JOURNALIZE = SOAP + "/ldrest/GLTransactionInterface/InterfaceTransactions_InterfaceTransactionsForm_FormOperation"
DELETE = (
    SOAP
    + "/ldrest/GLTransactionInterface/"
    + ("DeleteAllTransactionsForRunGroup_DeleteAllTransactionsForRunGroupForm_FormOperation")
)


def listing(infor: Infor, business_class: str, **params: Any) -> tuple[dict[str, Any], list[dict[str, str]]]:
    r = infor.api.get(LIST.format(business_class), params={"_out": "JSON"} | params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert isinstance(body, list) and "_links" in body[0]
    return body[0], [rec["_fields"] for rec in body[1:]]


def test_list_shape_fields_and_filter(infor: Infor) -> None:
    meta, rows = listing(
        infor,
        "GLTransactionDetail",
        _fields="FinanceCodeBlock,PostingDate,TransactionAmount,Account",
        _limit=5,
        _lplFilter='Account = "6300" and PostingDate >= 20260101',
    )
    assert meta["_count"] >= len(rows) == 5
    assert all(set(r) == {"FinanceCodeBlock", "PostingDate", "TransactionAmount", "Account"} for r in rows)
    assert all(r["Account"] == "6300" and r["PostingDate"] >= "20260101" for r in rows)
    ledger, entity, unit, account = rows[0]["FinanceCodeBlock"].split("|")
    assert (ledger, entity, account) == ("CORE", "100", "6300") and unit in {"1100", "1200", "1300", "1900", "1999"}


def test_simple_filter_and_reference_classes(infor: Infor) -> None:
    _, units = listing(infor, "AccountingUnit", _fields="_all")
    assert sorted(u["AccountingUnit"] for u in units) == ["1100", "1200", "1300", "1900"]
    _, chart = listing(infor, "GeneralLedgerChartAccount", _fields="GeneralLedgerChartAccount,AccountDescription")
    assert {"GeneralLedgerChartAccount": "6100", "AccountDescription": "Rent"} in chart
    _, vendors = listing(infor, "Vendor", _filter='"Vendor::S10004"')
    assert [v["VendorName"] for v in vendors] == ["Midwest Industrial Power"]
    _, invoices = listing(infor, "PayablesInvoice", _limit=3)
    _, payments = listing(infor, "CashLedgerPayment", _limit=3)
    assert invoices[0]["Invoice"].startswith("INV-") and payments[0]["PaymentAmount"]


def test_paging_with_next_links(infor: Infor) -> None:
    meta, rows = listing(
        infor,
        "GLTransactionDetail",
        _fields="GLTransactionDetail",
        _limit=100,
        _pageNav="true",
        _lplFilter="FiscalYear = 2026",
    )
    seen = [r["GLTransactionDetail"] for r in rows]
    while meta["_links"]:
        nxt = next(link["href"] for link in meta["_links"] if link["rel"] == "next")
        body = httpx.get(nxt, headers=infor.api.headers).json()
        meta, rows = body[0], [rec["_fields"] for rec in body[1:]]
        seen += [r["GLTransactionDetail"] for r in rows]
    _, everything = listing(infor, "GLTransactionDetail", _fields="GLTransactionDetail", _lplFilter="FiscalYear = 2026")
    assert len(seen) == len(set(seen)) == len(everything) > 100


def records(run_group: str, lines: list[tuple[str, str, str]], date: str = "20261130") -> dict[str, Any]:
    return {
        "_records": [
            {
                "_fields": {
                    "FinanceEnterpriseGroup": "1",
                    "GLTransactionInterface.RunGroup": run_group,
                    "GLTransactionInterface.SequenceNumber": str(n),
                    "AccountingEntity": "100",
                    "AccountingUnit": unit,
                    "AccountCode": account,
                    "PostingDate": date,
                    "TransactionAmount": amount,
                    "Description": f"line {n}",
                },
                "message": "BatchImport",
            }
            for n, (account, unit, amount) in enumerate(lines, 1)
        ]
    }


def test_create_unreleased_then_journalize_posts_and_is_findable(infor: Infor) -> None:
    group = "PLAN202612FSM0001"
    r = infor.api.post(CREATE, json=records(group, [("6500", "1300", "1200.00"), ("1000", "1300", "-1200.00")]))
    assert r.status_code == 200
    answers = r.json()
    assert [a.get("message") for a in answers[:2]] == [
        "GLTransactionInterface created"
    ] * 2 and "batchStatus" in answers[-1]
    _, pending = listing(infor, "GLTransactionInterface", _lplFilter=f'RunGroup = "{group}"')
    assert [p["Status"] for p in pending] == ["0", "0"]
    done = infor.api.get(JOURNALIZE, params={"PrmRunGroup": group, "PrmJournalizeByEntity": "true", "_cmAll": "true"})
    assert done.status_code == 200
    _, results = listing(infor, "GLTransactionInterfaceResult", _lplFilter=f'RunGroup = "{group}"')
    outcome = (results[0]["PassedCount"], results[0]["FailedCount"], results[0]["Status"])
    assert outcome == ("2", "0", "1")
    _, posted = listing(infor, "GLTransactionDetail", _lplFilter=f'Reference = "{group}"')
    assert sorted(p["TransactionAmount"] for p in posted) == ["-1200.00", "1200.00"]
    journals = infor.admin.get("/_emulator/journals").json()
    assert [(j["product"], j["reference"], j["division"]) for j in journals] == [("FSM", group, "US2")]
    m3 = infor.api.get(
        "/M3/m3api-rest/v2/execute/GLS200MI/LstVouchersByDt;maxrecs=0",
        params={"FRDT": "20261130", "TODT": "20261130", "DIVI": "US2"},
    ).json()
    assert any(rec["VTXT"] == "line 1" for rec in m3["results"][0]["records"])


def test_duplicate_records_and_journalizing_twice(infor: Infor) -> None:
    group = "DUPGROUP"
    infor.api.post(
        CREATE, json=records(group, [("6500", "1100", "1.00"), ("1000", "1100", "-1.00")])
    ).raise_for_status()
    again = infor.api.post(CREATE, json=records(group, [("6500", "1100", "1.00")])).json()
    assert "already exists" in again[0]["exception"]
    assert infor.api.get(JOURNALIZE, params={"PrmRunGroup": group}).status_code == 200
    twice = infor.api.get(JOURNALIZE, params={"PrmRunGroup": group})
    assert twice.status_code == 400 and "exception" in twice.json()[0]
    assert len(infor.admin.get("/_emulator/journals").json()) == 1


def test_journalize_with_errors_fails_the_run_group_and_can_be_deleted(infor: Infor) -> None:
    group = "BADGROUP"
    infor.api.post(
        CREATE, json=records(group, [("6500", "1999", "5.00"), ("1000", "1100", "-5.00")])
    ).raise_for_status()
    infor.api.get(JOURNALIZE, params={"PrmRunGroup": group}).raise_for_status()
    _, results = listing(infor, "GLTransactionInterfaceResult", _lplFilter=f'RunGroup = "{group}"')
    assert (results[0]["PassedCount"], results[0]["FailedCount"]) == ("0", "2")
    _, pending = listing(infor, "GLTransactionInterface", _lplFilter=f'RunGroup = "{group}"')
    assert all(p["Status"] == "2" and "1999" in p["ErrorMessage"] for p in pending)
    infor.api.get(DELETE, params={"PrmRunGroup": group}).raise_for_status()
    _, pending = listing(infor, "GLTransactionInterface", _lplFilter=f'RunGroup = "{group}"')
    assert pending == [] and infor.admin.get("/_emulator/journals").json() == []


def test_errors_and_auth(infor: Infor) -> None:
    assert infor.api.get(LIST.format("NoSuchClass")).status_code == 404
    r = infor.api.get(LIST.format("GLTransactionDetail"), params={"_fields": "Nope"})
    assert r.status_code == 400 and "exception" in r.json()[0]
    assert httpx.get(f"{infor.iu}/{TI}{LIST.format('Vendor')}").status_code == 401


def test_edit_only_checks_without_posting(infor: Infor) -> None:
    group = "EDITONLY"
    infor.api.post(
        CREATE, json=records(group, [("6500", "1100", "3.00"), ("1000", "1100", "-3.00")])
    ).raise_for_status()
    infor.api.get(JOURNALIZE, params={"PrmRunGroup": group, "PrmEditOnly": "true"}).raise_for_status()
    _, pending = listing(infor, "GLTransactionInterface", _lplFilter=f'RunGroup = "{group}"')
    assert [p["Status"] for p in pending] == ["0", "0"] and infor.admin.get("/_emulator/journals").json() == []
    infor.api.get(JOURNALIZE, params={"PrmRunGroup": group}).raise_for_status()
    assert len(infor.admin.get("/_emulator/journals").json()) == 1
