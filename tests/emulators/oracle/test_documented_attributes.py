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


def test_a_public_clients_period_status_query_is_answered(api: httpx.Client) -> None:
    """The request public period-close checks send; `PeriodName` is not an attribute (a 400, as they note)."""
    first = api.get(f"{REST}/accountingPeriodStatusLOV", params={"limit": "1", "onlyData": "true"}).json()["items"][0]
    q = f"LedgerId={first['LedgerId']};PeriodNameId={first['PeriodNameId']};ApplicationId=101"
    params = {"q": q, "limit": "1", "onlyData": "true", "fields": "ClosingStatus,StartDate,EndDate"}
    answer = api.get(f"{REST}/accountingPeriodStatusLOV", params=params)
    assert answer.status_code == 200, answer.text
    assert answer.json()["items"] == [{k: first[k] for k in ("ClosingStatus", "StartDate", "EndDate")}]
    wrong = api.get(f"{REST}/accountingPeriodStatusLOV", params={"q": f"PeriodName={first['PeriodNameId']}"})
    assert wrong.status_code == 400 and "PeriodName" in wrong.text
