"""Supplier site assignments (suppliers/{id}/child/sites/{id}/child/assignments), which public clients read to
know which business units may use a pay site, answer as live pods do: the exact requests of a public Python
client (suppliers?expand=sites, then sites?expand=assignments) find each supplier's active pay site and its
bill-to business unit, and a new assignment is created as integration notes describe (BillToBUId required)."""

from __future__ import annotations

import httpx

from tests.emulators.oracle.conftest import REST


def test_a_public_clients_pay_site_lookup_finds_the_bill_to_business_unit(api: httpx.Client) -> None:
    suppliers = api.get(f"{REST}/suppliers", params={"expand": "sites", "onlyData": True, "limit": 500}).json()
    supplier = suppliers["items"][0]
    site = supplier["sites"][0]
    assert site["Status"] == "ACTIVE" and site["SitePurposePayFlag"] is True
    bu = site["ProcurementBUId"]
    answer = api.get(
        f"{REST}/suppliers/{supplier['SupplierId']}/child/sites", params={"expand": "assignments", "onlyData": True}
    )
    assert answer.status_code == 200, answer.text
    valid = [
        s
        for s in answer.json()["items"]
        if s.get("Status") == "ACTIVE"
        and s.get("SitePurposePayFlag") is True
        and any(str(a.get("BillToBUId")) == str(bu) and a.get("Status") == "ACTIVE" for a in s.get("assignments", []))
    ]
    assert [s["SupplierSiteId"] for s in valid] == [site["SupplierSiteId"]]


def test_an_assignment_is_created_and_needs_its_bill_to_business_unit(api: httpx.Client) -> None:
    supplier = api.get(f"{REST}/suppliers", params={"expand": "sites", "onlyData": True, "limit": 1}).json()["items"][0]
    site = supplier["sites"][0]
    path = f"{REST}/suppliers/{supplier['SupplierId']}/child/sites/{site['SupplierSiteId']}/child/assignments"
    refused = api.post(path, json={"ClientBUId": site["ProcurementBUId"]})
    assert refused.status_code == 400 and "BillToBUId" in refused.text
    created = api.post(path, json={"ClientBUId": 300000046987099, "BillToBUId": site["ProcurementBUId"]})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["Status"] == "ACTIVE" and body["AssignmentId"] and body["ShipToLocation"] is None
    listed = api.get(path, params={"onlyData": True, "fields": "ClientBUId,BillToBUId,Status"}).json()["items"]
    assert {"ClientBUId": 300000046987099, "BillToBUId": site["ProcurementBUId"], "Status": "ACTIVE"} in listed
    unknown = api.get(path, params={"fields": "ClientBUId,BillToBusinessUnit"})
    assert unknown.status_code == 400 and "BillToBusinessUnit" in unknown.text
