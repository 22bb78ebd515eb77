from __future__ import annotations

from collections.abc import Callable

import httpx

from ml_connector.errors import ApiContext, ApiError
from ml_connector.records import Supplier
from ml_connector.systems.oracle import OracleClient
from ml_connector.systems.oracle.suppliers import failed_part


def _readout(admin: httpx.Client) -> dict[str, dict[str, object]]:
    return {s["SupplierNumber"]: s for s in admin.get("/_emulator/suppliers").json()}


def test_suppliers_read_as_canonical_records(oracle: OracleClient) -> None:
    suppliers = list(oracle.suppliers())
    assert len(suppliers) == 12
    first = suppliers[0]
    assert (first.number, first.name, first.tax_id, first.status) == (
        "5001",
        "Rheinstahl Werkstoffe GmbH",
        "DE811234501",
        "Active",
    )


def test_upsert_creates_and_updates(admin: httpx.Client, oracle: OracleClient) -> None:
    results = list(
        oracle.upsert_suppliers(
            [
                Supplier("5001", "Rheinstahl Werkstoffe GmbH", tax_id="DE811234599"),
                Supplier("9001", "Neue Lieferant GmbH", tax_id="DE999"),
                Supplier("5002", "Schwaben Logistik AG", status="Inactive"),
            ]
        )
    )
    assert [(r.number, r.ok, r.action) for r in results] == [
        ("5001", True, "updated"),
        ("9001", True, "created"),
        ("5002", True, "updated"),
    ]
    after = _readout(admin)
    assert after["5001"]["TaxpayerId"] == "DE811234599"
    assert after["9001"]["Supplier"] == "Neue Lieferant GmbH"
    assert after["5002"]["InactiveDate"] is not None


def test_one_bad_supplier_in_an_all_or_none_batch_is_reported_and_the_rest_written(
    admin: httpx.Client, make_client: Callable[..., OracleClient]
) -> None:
    oracle = make_client(supplier_batch_size=10)
    wanted = [Supplier(f"91{i:02d}", f"Batch Supplier {i}") for i in range(6)]
    wanted.insert(3, Supplier("9999", "Schwaben Logistik AG"))  # duplicate name: Oracle refuses it
    results = {r.number: r for r in oracle.upsert_suppliers(wanted)}
    assert len(results) == 7
    assert not results["9999"].ok and "already exists" in results["9999"].error
    assert all(results[s.number].ok for s in wanted if s.number != "9999")
    after = _readout(admin)
    assert "9999" not in after and all(f"91{i:02d}" in after for i in range(6))


def test_upsert_is_safe_to_repeat(admin: httpx.Client, oracle: OracleClient) -> None:
    batch = [Supplier("9201", "Repeat GmbH")]
    assert [r.action for r in oracle.upsert_suppliers(batch)] == ["created"]
    assert [r.action for r in oracle.upsert_suppliers(batch)] == ["updated"]
    assert sum(1 for s in admin.get("/_emulator/suppliers").json() if s["SupplierNumber"] == "9201") == 1


def test_a_lost_batch_answer_is_resent_without_duplicates(admin: httpx.Client, oracle: OracleClient) -> None:
    pending = oracle.upsert_suppliers([Supplier("9301", "Lost Answer GmbH")])  # reads existing numbers now
    admin.put("/_emulator/faults", json={"next_lost_response": 1, "path_contains": "11.13.18.05"}).raise_for_status()
    results = list(pending)
    assert results[0].ok
    posts = admin.get("/_emulator/stats").json()["requests"]["POST /fscmRestApi/resources/11.13.18.05"]
    assert sum(posts.values()) == 2
    assert sum(1 for s in admin.get("/_emulator/suppliers").json() if s["SupplierNumber"] == "9301") == 1


def test_failed_part_is_read_from_whole_or_cut_answers() -> None:
    whole = '{"parts":[{"id":"7","exception":{"o:errorDetails":[{"detail":"Bad name.","o:errorCode":"X1"}]}}]}'
    cut = '{"parts":[{"id":"8","path":"/suppliers","operation":"upsert","exception":{"title":"Bad Requ'
    assert failed_part(ApiError("no", context=ApiContext("oracle", "POST", "u", 400, body_excerpt=whole))) == (
        "7",
        "[X1] Bad name.",
    )
    assert failed_part(ApiError("no", context=ApiContext("oracle", "POST", "u", 400, body_excerpt=cut)))[0] == "8"


def test_payment_terms_go_to_every_site_of_the_supplier(admin: httpx.Client, oracle: OracleClient) -> None:
    results = list(
        oracle.upsert_suppliers(
            [
                Supplier("5001", "Rheinstahl Werkstoffe GmbH", payment_terms="Net 45"),
                Supplier("9002", "Ohne Standort GmbH", payment_terms="Net 30"),
            ]
        )
    )
    assert [(r.number, r.ok) for r in results] == [("5001", True), ("9002", True)]
    assert results[0].action == "updated"
    assert "has no site and no address" in results[1].action  # said, not silently dropped
    sites = _readout(admin)["5001"]["sites"]
    assert sites and all(site["PaymentTerms"] == "Net 45" for site in sites)  # type: ignore[attr-defined, union-attr]


def test_a_new_supplier_gets_its_address_and_a_site_with_its_terms(
    admin: httpx.Client, make_client: Callable[..., OracleClient]
) -> None:
    oracle = make_client(supplier_site_bu="Acme Stuttgart BU")
    supplier = Supplier(
        "9004",
        "Donau Praezision GmbH",
        payment_terms="Net 60",
        address="Industriestrasse 4",
        city="Ulm",
        postal_code="89073",
        country="DE",
    )
    assert [(r.ok, r.action) for r in oracle.upsert_suppliers([supplier])] == [(True, "created")]
    row = _readout(admin)["9004"]
    (address,) = row["addresses"]  # type: ignore[misc]
    (site,) = row["sites"]  # type: ignore[misc]
    assert (address["AddressLine1"], address["City"], address["PostalCode"], address["Country"]) == (
        "Industriestrasse 4",
        "Ulm",
        "89073",
        "DE",
    )
    assert (site["ProcurementBU"], site["PaymentTerms"], site["SupplierAddressName"]) == (
        "Acme Stuttgart BU",
        "Net 60",
        "Ulm",
    )
