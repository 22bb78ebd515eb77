"""The emulator serves the exact requests of public integration code: singer-io/tap-oracle-fusion.

The tap is not on PyPI, so its `OracleClient` requests are replayed as `tap_oracle_fusion/client.py` sends them:
`GET {base_url}/{path}` with `params` (`limit` = page_size 100, `offset` 0), headers `Accept: application/json` and
`Content-Type: application/vnd.oracle.adf.resourceitem+json`, Basic auth from `username`/`password`; the next page is
the `links` entry with `rel == "next"` (its path and query), else `offset += limit` while `hasMore` is true; records
come from `items`. Its streams read `invoices`, `payablesPayments` (with child `relatedInvoices`) and `suppliers`
(schemas/invoice.json, payables_payments.json: every field in them must be served).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx

from tests.emulators.oracle.conftest import PASSWORD, REST, USER

HEADERS = {"Accept": "application/json", "Content-Type": "application/vnd.oracle.adf.resourceitem+json"}
INVOICE_FIELDS = {"PurchaseOrderNumber", "InvoiceReceivedDate", "PayGroup", "SupplierSite", "VoucherNumber"}
PAYMENT_FIELDS = {"PaperDocumentNumber", "PaymentDocument", "VoidDate", "ClearingAmount", "PaymentProcessProfile"}


def _get(base: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
    response = httpx.get(f"{base}/{path.lstrip('/')}", params=params, headers=HEADERS, auth=(USER, PASSWORD))
    assert response.status_code in (200, 201, 204), response.text
    payload: dict[str, Any] = response.json()
    return payload


def _next_link(payload: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    for link in payload.get("links") or []:
        if str(link.get("rel", "")).lower() == "next" and link.get("href"):
            parsed = urlparse(link["href"])
            return parsed.path.lstrip("/"), {k: v[-1] for k, v in parse_qs(parsed.query).items() if v}
    return None


def get_records(base: str, path: str, page_size: int = 100) -> Iterator[dict[str, Any]]:
    params: dict[str, Any] = {"limit": page_size, "offset": 0}
    while True:
        payload = _get(base, path, params)
        yield from (r for r in payload.get("items", []) if isinstance(r, dict))
        following = _next_link(payload)
        if following:
            path, params = following
            continue
        if payload.get("hasMore") is True:
            params["offset"] = int(params.get("offset", 0)) + int(params.get("limit", page_size))
            continue
        break


def test_tap_pages_invoices_payments_and_children(api: httpx.Client) -> None:
    base = str(api.base_url).rstrip("/")
    invoices = list(get_records(base, f"{REST.lstrip('/')}/invoices", page_size=7))
    assert len(invoices) > 7 and len({i["InvoiceId"] for i in invoices}) == len(invoices)
    assert INVOICE_FIELDS <= set(invoices[0])
    payments = list(get_records(base, f"{REST.lstrip('/')}/payablesPayments", page_size=5))
    assert len(payments) > 5 and PAYMENT_FIELDS <= set(payments[0])
    related = list(
        get_records(base, f"{REST.lstrip('/')}/payablesPayments/{payments[0]['CheckId']}/child/relatedInvoices")
    )
    assert related and related[0]["InvoiceNumber"] and related[0]["AmountPaidInvoiceCurrency"] > 0
    suppliers = list(get_records(base, f"{REST.lstrip('/')}/suppliers"))
    assert {s["Supplier"] for s in suppliers} >= {"Rheinstahl Werkstoffe GmbH"}
