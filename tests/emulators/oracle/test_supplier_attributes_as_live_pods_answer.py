"""Suppliers and their addresses, sites and contacts answer the attributes live pods answer, so the `fields`
lists public clients send work unchanged, and `describe` lists exactly what an item carries. An unknown
attribute fails the whole request, in Oracle's error shape (framework 4: `o:errorDetails`; before: text)."""

from __future__ import annotations

import httpx
import pytest

from tests.emulators.oracle.conftest import REST

# fields= lists as public integration code sends them (attribute names only, copied as written there)
CLIENT_FIELDS = {
    # IBM agent_ready_tools, oracle_fusion get_supplier_contacts / supplier_dataclasses
    "contacts": "SupplierContactId,FirstName,LastName,PhoneCountryCode,PhoneAreaCode,PhoneNumber,"
    "MobileCountryCode,MobileAreaCode,MobileNumber,Email",
    # IBM agent_ready_tools, OracleFusionSupplierAddressHeader
    "addresses": "SupplierAddressId,Country,AddressName,AddressLine1,AddressLine2,City,State,PostalCode,"
    "County,Province",
    # a Java client's OracleSiteDto (supplier site payloads)
    "sites": "SupplierSite,ProcurementBU,SupplierAddressName,SitePurposePurchasingFlag,SitePurposePayFlag,"
    "PayOnReceiptFlag,MatchApprovalLevelCode,PaymentPriority",
}
# dgatti/mule_solutions, a supplier answer read by a Mule flow
SUPPLIER_FIELDS = (
    "SupplierId,Supplier,SupplierNumber,CreationSourceCode,RegistryId,TaxpayerCountryCode,TaxpayerIdExistsFlag"
)


def first_supplier(api: httpx.Client) -> int:
    answer = api.get(f"{REST}/suppliers", params={"limit": "1", "onlyData": "true", "fields": "SupplierId"})
    return int(answer.json()["items"][0]["SupplierId"])


@pytest.mark.parametrize("child", sorted(CLIENT_FIELDS))
def test_a_public_clients_child_field_list_is_served(api: httpx.Client, child: str) -> None:
    supplier = first_supplier(api)
    fields = CLIENT_FIELDS[child]
    answer = api.get(f"{REST}/suppliers/{supplier}/child/{child}", params={"fields": fields, "onlyData": "true"})
    assert answer.status_code == 200, answer.text
    items = answer.json()["items"]
    assert items and all(list(item) == fields.split(",") for item in items)


def test_child_fields_through_the_parent_and_the_supplier_list(api: httpx.Client) -> None:
    fields = f"{SUPPLIER_FIELDS};sites:SupplierSiteId,SitePurposePrimaryPayFlag,PayGroup,PaymentTerms"
    answer = api.get(f"{REST}/suppliers", params={"fields": fields, "onlyData": "true", "limit": "2"})
    assert answer.status_code == 200, answer.text
    for item in answer.json()["items"]:
        assert item["CreationSourceCode"] and item["TaxpayerIdExistsFlag"] is bool(item["TaxpayerCountryCode"])
        sites = item["sites"]
        assert sites and set(sites[0]) == {"SupplierSiteId", "SitePurposePrimaryPayFlag", "PayGroup", "PaymentTerms"}
        assert sites[0]["PaymentTerms"]  # the seeded terms, under the documented name


@pytest.mark.parametrize("child", ["", "addresses", "sites", "contacts"])
def test_describe_lists_exactly_what_an_item_carries(api: httpx.Client, child: str) -> None:
    supplier = first_supplier(api)
    path = f"{REST}/suppliers/{supplier}" + (f"/child/{child}" if child else "")
    body = api.get(path, params={"onlyData": "true"}).json()
    item = body["items"][0] if child else body
    described = api.get(f"{REST}/suppliers/describe").json()["Resources"]["suppliers"]
    if child:
        described = described["children"][child]
    names = [a["name"] for a in described["attributes"]]
    assert names == [k for k in item if not isinstance(item[k], list)]


def test_a_created_contact_carries_every_attribute_and_its_name(api: httpx.Client) -> None:
    supplier = first_supplier(api)
    payload = {
        "Salutation": "Ms.",
        "FirstName": "Alex",
        "LastName": "Vance",
        "JobTitle": "Controller",
        "Email": "alex.vance@example.com",
        "MobileCountryCode": "49",
        "MobileAreaCode": "151",
        "MobileNumber": "5550199",
        "AdministrativeContactFlag": False,
    }
    created = api.post(f"{REST}/suppliers/{supplier}/child/contacts", json=payload)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["ContactName"] == "Alex Vance" and body["Status"] == "ACTIVE" and body["PhoneExtension"] is None
    refused = api.post(f"{REST}/suppliers/{supplier}/child/contacts", json={**payload, "ContactName": "X"})
    assert refused.status_code == 400 and "ContactName" in refused.text


@pytest.mark.parametrize("child", ["", "sites", "contacts", "addresses"])
def test_an_unknown_attribute_fails_the_request_in_oracles_error_shape(api: httpx.Client, child: str) -> None:
    supplier = first_supplier(api)
    path = f"{REST}/suppliers" + (f"/{supplier}/child/{child}" if child else "")
    wrong = "SupplierSiteCode" if child == "sites" else "ContactEmail" if child == "contacts" else "Vendor"
    plain = api.get(path, params={"fields": f"{wrong}"})
    assert plain.status_code == 400 and plain.headers["content-type"].startswith("text/plain")
    assert wrong in plain.text
    v4 = api.get(path, params={"fields": f"{wrong}"}, headers={"REST-Framework-Version": "4"})
    assert v4.status_code == 400
    body = v4.json()
    assert body["title"] == "Bad Request" and str(body["status"]) == "400"
    assert wrong in body["o:errorDetails"][0]["detail"]
