"""Payables resources carry Oracle's documented attributes, so field lists copied from live pods work."""

from __future__ import annotations

import httpx
import pytest

from tests.emulators.oracle.conftest import REST


@pytest.mark.parametrize(
    ("resource", "fields"),
    [
        ("invoices", "InvoiceId,InvoiceNumber,PurchaseOrderNumber,ProcurementBU,PayGroup,InvoiceReceivedDate"),
        ("payablesPayments", "CheckId,PaymentNumber,PaperDocumentNumber,PaymentDocument,VoidDate,ClearingAmount"),
    ],
)
def test_documented_fields_are_served_and_described(api: httpx.Client, resource: str, fields: str) -> None:
    answer = api.get(f"{REST}/{resource}", params={"fields": fields, "limit": "3", "onlyData": "true"})
    assert answer.status_code == 200, answer.text
    items = answer.json()["items"]
    assert items and all(list(item) == fields.split(",") for item in items)
    described = api.get(f"{REST}/{resource}/describe").json()["Resources"][resource]["attributes"]
    assert set(fields.split(",")) <= {a["name"] for a in described}


def test_an_undocumented_field_fails_the_request(api: httpx.Client) -> None:
    answer = api.get(f"{REST}/invoices", params={"fields": "InvoiceId,PurchaseOrderNum"})
    assert answer.status_code == 400 and "PurchaseOrderNum" in answer.text


def test_documented_attributes_are_queryable(api: httpx.Client) -> None:
    answer = api.get(
        f"{REST}/payablesPayments",
        params={"q": "PaperDocumentNumber IS NULL", "limit": "1"},
        headers={"REST-Framework-Version": "2"},
    )
    assert answer.status_code == 200 and answer.json()["count"] == 1
