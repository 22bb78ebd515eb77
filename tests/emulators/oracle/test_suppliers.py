from __future__ import annotations

import httpx

from tests.emulators.oracle.conftest import REST

BATCH = {"Content-Type": "application/vnd.oracle.adf.batch+json"}
V4 = {"REST-Framework-Version": "4"}


def _supplier(api: httpx.Client, number: str) -> dict:
    items = api.get(f"{REST}/suppliers", params={"q": f"SupplierNumber={number}"}).json()["items"]
    assert len(items) == 1
    return dict(items[0])


def test_seeded_supplier_with_sites_and_addresses(api: httpx.Client) -> None:
    s = _supplier(api, "5001")
    assert s["Supplier"] == "Rheinstahl Werkstoffe GmbH" and s["Status"] == "ACTIVE"
    assert s["TaxpayerId"] == "DE811234501" and len(str(s["SupplierId"])) == 15
    one = api.get(f"{REST}/suppliers/{s['SupplierId']}")
    assert one.status_code == 200 and one.headers["ETag"]
    sites = api.get(f"{REST}/suppliers/{s['SupplierId']}/child/sites").json()["items"]
    assert sites[0]["PaymentTerms"] == "Net 30" and sites[0]["ProcurementBU"] == "Acme Stuttgart BU"
    addresses = api.get(f"{REST}/suppliers/{s['SupplierId']}/child/addresses").json()["items"]
    assert addresses[0]["City"] == "Duisburg" and addresses[0]["Country"] == "DE"
    contacts = api.get(f"{REST}/suppliers/{s['SupplierId']}/child/contacts").json()["items"]
    assert contacts[0]["LastName"] == "Weber" and contacts[0]["Email"].endswith(".example")


def test_create_then_duplicate_is_refused(api: httpx.Client) -> None:
    payload = {"Supplier": "Donau Bearings GmbH", "TaxpayerId": "AT999", "TaxOrganizationType": "Corporation"}
    created = api.post(f"{REST}/suppliers", json=payload)
    assert created.status_code == 201
    body = created.json()
    assert created.headers["Location"].endswith(f"/suppliers/{body['SupplierId']}")
    assert body["SupplierNumber"] == "5013" and body["Status"] == "ACTIVE"
    again = api.post(f"{REST}/suppliers", json=payload, headers=V4)
    assert again.status_code == 400 and "already exists" in again.json()["o:errorDetails"][0]["detail"]
    assert api.post(f"{REST}/suppliers", json={"TaxpayerId": "x"}).status_code == 400
    assert api.post(f"{REST}/suppliers", json={"Supplier": "Y", "Bogus": 1}).status_code == 400
    assert api.post(f"{REST}/suppliers", content=b"{}", headers={"Content-Type": "text/csv"}).status_code == 415
    readout = api.get("/_emulator/suppliers").json()
    assert len(readout) == 13 and readout[-1]["Supplier"] == "Donau Bearings GmbH"


def test_patch_and_if_match(api: httpx.Client) -> None:
    s = _supplier(api, "5002")
    url = f"{REST}/suppliers/{s['SupplierId']}"
    etag = api.get(url).headers["ETag"]
    patched = api.patch(url, json={"InactiveDate": "2025-12-31"}, headers={"If-Match": etag})
    assert patched.status_code == 200
    assert patched.json()["Status"] == "INACTIVE" and patched.json()["Supplier"] == s["Supplier"]
    assert patched.json()["LastUpdateDate"] > s["LastUpdateDate"]
    stale = api.patch(url, json={"AlternateName": "x"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert api.patch(url, json={"SupplierId": 1}).status_code == 400  # read-only
    assert api.patch(url, json={"InactiveDate": "31/12/2025"}).status_code == 400  # dates are YYYY-MM-DD


def test_upsert_mode(api: httpx.Client) -> None:
    upsert = {"Upsert-Mode": "true"}
    updated = api.post(f"{REST}/suppliers", json={"SupplierNumber": "5003", "DUNSNumber": "123456789"}, headers=upsert)
    assert updated.status_code == 200 and updated.json()["DUNSNumber"] == "123456789"
    assert api.get(f"{REST}/suppliers", params={"totalResults": "true"}).json()["totalResults"] == 12
    created = api.post(f"{REST}/suppliers", json={"SupplierNumber": "6001", "Supplier": "New Co"}, headers=upsert)
    assert created.status_code == 201 and created.json()["SupplierNumber"] == "6001"


def test_child_create(api: httpx.Client) -> None:
    s = _supplier(api, "5004")
    answer = api.post(
        f"{REST}/suppliers/{s['SupplierId']}/child/addresses",
        json={"AddressName": "Lyon depot", "AddressLine1": "1 Rue X", "City": "Lyon", "Country": "FR"},
    )
    assert answer.status_code == 201
    assert len(api.get(f"{REST}/suppliers/{s['SupplierId']}/child/addresses").json()["items"]) == 2


def test_batch_all_or_none(api: httpx.Client) -> None:
    a, b = _supplier(api, "5005"), _supplier(api, "5006")
    good = {
        "parts": [
            {
                "id": "p1",
                "path": f"/suppliers/{a['SupplierId']}",
                "operation": "update",
                "payload": {"DUNSNumber": "1"},
            },
            {
                "id": "p2",
                "path": f"/suppliers/{b['SupplierId']}",
                "operation": "update",
                "payload": {"DUNSNumber": "2"},
            },
        ]
    }
    answer = api.post(REST, json=good, headers=BATCH)
    assert answer.status_code == 200
    assert [p["payload"]["DUNSNumber"] for p in answer.json()["parts"]] == ["1", "2"]
    bad = {
        "parts": [
            {
                "id": "p1",
                "path": f"/suppliers/{a['SupplierId']}",
                "operation": "update",
                "payload": {"DUNSNumber": "9"},
            },
            {"id": "p2", "path": f"/suppliers/{b['SupplierId']}", "operation": "update", "payload": {"Bogus": "x"}},
            {"id": "p3", "path": "/suppliers", "operation": "create", "payload": {"Supplier": "Never Made"}},
        ]
    }
    failed = api.post(REST, json=bad, headers=BATCH)
    assert failed.status_code == 400
    parts = failed.json()["parts"]
    assert [p["id"] for p in parts] == ["p2"] and parts[0]["exception"]["status"] == "400"
    assert _supplier(api, "5005")["DUNSNumber"] == "1"  # p1 rolled back
    names = {s["Supplier"] for s in api.get("/_emulator/suppliers").json()}
    assert "Never Made" not in names
    assert api.post(REST, json=good).status_code == 415


def test_reset_restores_the_seed(api: httpx.Client) -> None:
    api.post(f"{REST}/suppliers", json={"Supplier": "Temp"}).raise_for_status()
    api.post("/_emulator/reset").raise_for_status()
    assert len(api.get("/_emulator/suppliers").json()) == 12


def test_suppliers_lov(api: httpx.Client) -> None:
    rows = api.get(f"{REST}/suppliersLOV", params={"q": "SupplierNumber=5007"}).json()["items"]
    assert rows[0]["Supplier"] == "Moravske Slevarny a.s." and set(rows[0]) >= {"SupplierId", "links"}
    assert api.get(f"{REST}/suppliersLOV/{rows[0]['SupplierId']}").status_code == 200
    assert api.post(f"{REST}/suppliersLOV", json={"Supplier": "x"}).status_code == 400  # LOVs are read-only
