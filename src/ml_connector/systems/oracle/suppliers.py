"""Suppliers: read as canonical records; written back as upserts through the batch endpoint.

A batch is all-or-none and Oracle lists only the failing part. So when a batch fails, the named part is
reported as failed and the rest is sent again; when the failing part cannot be told, the batch is split
in halves. One bad supplier is reported, never hidden, and never blocks the others.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from ml_connector.errors import ApiError, RetriableError
from ml_connector.failpoints import failpoint
from ml_connector.http import ApiSession
from ml_connector.records import Supplier, SupplierWriteResult
from ml_connector.systems.oracle.errors import error_text
from ml_connector.systems.oracle.paging import read_collection

BATCH_TYPE = "application/vnd.oracle.adf.batch+json"
_PART_ID = re.compile(r'"id"\s*:\s*"([^"]*)"')
_DETAIL = re.compile(r'"detail"\s*:\s*"((?:[^"\\]|\\.)*)')


def read_suppliers(session: ApiSession, page_size: int) -> Iterator[Supplier]:
    """Every supplier, ordered by SupplierId."""
    params = {"orderBy": "SupplierId:asc", "onlyData": "true"}
    for row in read_collection(session, "suppliers", params, page_size=page_size):
        yield as_supplier(row)


def as_supplier(row: dict[str, Any]) -> Supplier:
    """An Oracle supplier row as a canonical supplier (inactive when Status or InactiveDate says so)."""
    active = str(row.get("Status") or "ACTIVE").upper() == "ACTIVE" and not row.get("InactiveDate")
    return Supplier(
        number=str(row.get("SupplierNumber") or ""),
        name=str(row.get("Supplier") or ""),
        tax_id=str(row.get("TaxpayerId") or row.get("TaxRegistrationNumber") or ""),
        status="Active" if active else "Inactive",
    )


def upsert_payload(supplier: Supplier, today: date) -> dict[str, Any]:
    """The fields we own on an Oracle supplier; matching is on SupplierNumber (Upsert-Mode)."""
    payload: dict[str, Any] = {"SupplierNumber": supplier.number, "Supplier": supplier.name}
    if supplier.tax_id:
        payload["TaxpayerId"] = supplier.tax_id
    # Oracle derives Status from InactiveDate: deactivating sets the date, reactivating clears it.
    payload["InactiveDate"] = None if supplier.status.lower() == "active" else today.isoformat()
    return payload


def failed_part(error: ApiError) -> tuple[str | None, str]:
    """(part id, message) from a failed batch answer; the id is None when it cannot be read."""
    excerpt = error.context.body_excerpt if error.context is not None else ""
    try:
        part = json.loads(excerpt)["parts"][0]
        return str(part["id"]), error_text(part.get("exception")) or excerpt
    except (ValueError, KeyError, IndexError, TypeError):
        pass  # the excerpt is cut at 300 characters; read what survives with patterns
    found = _PART_ID.search(excerpt)
    detail = _DETAIL.search(excerpt)
    message = detail.group(1) if detail else (excerpt or error.message)
    return (found.group(1) if found else None), message


class SupplierWriter:
    """Upserts suppliers in batches of `batch_size` (POSTed to the version `root`); one result per supplier."""

    def __init__(self, session: ApiSession, root: str, batch_size: int, existing: set[str], today: date) -> None:
        self.session = session
        self.root = root
        self.batch_size = batch_size
        self.existing = existing
        self.today = today
        self.batches_sent = 0

    def write(self, suppliers: Iterable[Supplier]) -> Iterator[SupplierWriteResult]:
        """One result per supplier, in batches; a supplier without a number fails alone."""
        chunk: list[Supplier] = []
        for supplier in suppliers:
            if not supplier.number:
                yield SupplierWriteResult("", ok=False, error="supplier has no number; it cannot be matched")
                continue
            chunk.append(supplier)
            if len(chunk) >= self.batch_size:
                yield from self._send(chunk)
                chunk = []
        if chunk:
            yield from self._send(chunk)

    def _send(self, chunk: list[Supplier]) -> Iterator[SupplierWriteResult]:
        pending = list(chunk)
        while pending:
            parts = [
                {
                    "id": s.number,
                    "path": "/suppliers",
                    "operation": "upsert",
                    "payload": upsert_payload(s, self.today),
                }
                for s in pending
            ]
            try:
                failpoint("oracle.supplier_batch")
                self.batches_sent += 1
                # An upsert with the same payload leaves the same state, so a lost answer may be re-sent.
                self.session.request(
                    "POST",
                    self.root,
                    safe_to_repeat=True,
                    json={"parts": parts},
                    headers={"Content-Type": BATCH_TYPE, "REST-Framework-Version": "4"},
                )
            except RetriableError:
                raise
            except ApiError as error:
                part_id, message = failed_part(error)
                index = next((i for i, s in enumerate(pending) if s.number == part_id), None)
                if index is None:
                    if len(pending) == 1:
                        yield SupplierWriteResult(pending[0].number, ok=False, error=message)
                        return
                    half = len(pending) // 2
                    yield from self._send(pending[:half])
                    pending = pending[half:]
                    continue
                yield SupplierWriteResult(pending[index].number, ok=False, error=message)
                pending = pending[:index] + pending[index + 1 :]
                continue
            for s in pending:
                action = "updated" if s.number in self.existing else "created"
                self.existing.add(s.number)
                yield SupplierWriteResult(s.number, ok=True, action=action)
            return


_PLAIN_NUMBER = re.compile(r"^[A-Za-z0-9._-]{1,30}$")


def complete_supplier(session: ApiSession, supplier: Supplier, *, site_bu: str, page_size: int) -> str:
    """Address, site and payment terms of an upserted supplier; '' when done, else what stands in the way.

    Oracle keeps addresses and sites as children of the supplier and payment terms per site. An address is
    added when the export gives one and the supplier has none; a site (for purchasing and pay, in the
    procurement BU `site_bu`) when it has none; the terms go to every site."""
    if not _PLAIN_NUMBER.match(supplier.number):
        return f"address and payment terms not set: supplier number {supplier.number!r} cannot be looked up"
    params = {"q": f"SupplierNumber='{supplier.number}'", "onlyData": "true"}
    supplier_id = next(
        (row.get("SupplierId") for row in read_collection(session, "suppliers", params, page_size=page_size)), None
    )
    if supplier_id is None:
        return "address and payment terms not set: the supplier was not found after the upsert"
    base = f"suppliers/{supplier_id}/child"
    addresses = list(read_collection(session, f"{base}/addresses", {"onlyData": "true"}, page_size=page_size))
    if supplier.address and not addresses:
        address = {
            "AddressName": (supplier.city or supplier.address)[:60],
            "AddressLine1": supplier.address,
            "City": supplier.city or None,
            "PostalCode": supplier.postal_code or None,
            "Country": supplier.country or None,
            "AddressPurposeOrderingFlag": True,
            "AddressPurposeRemitToFlag": True,
        }
        session.request("POST", f"{base}/addresses", safe_to_repeat=False, json=address)
        addresses = [address]
    sites = list(read_collection(session, f"{base}/sites", {"onlyData": "true"}, page_size=page_size))
    if not sites and addresses and site_bu:
        site = {
            "SupplierSite": str(addresses[0]["AddressName"])[:15].upper(),
            "ProcurementBU": site_bu,
            "SupplierAddressName": addresses[0]["AddressName"],
            "SitePurposePurchasingFlag": True,
            "SitePurposePayFlag": True,
            "PaymentTerms": supplier.payment_terms or None,
        }
        session.request("POST", f"{base}/sites", safe_to_repeat=False, json=site)
        return ""
    if not supplier.payment_terms:
        return ""
    if not sites:
        why = "no address" if not addresses else "no supplier_site_bu on the connection"
        return f"payment terms {supplier.payment_terms!r} not set: the supplier has no site and {why} to make one"
    for site in sites:
        if site.get("PaymentTerms") != supplier.payment_terms:
            path = f"{base}/sites/{site['SupplierSiteId']}"
            session.request("PATCH", path, safe_to_repeat=True, json={"PaymentTerms": supplier.payment_terms})
    return ""
