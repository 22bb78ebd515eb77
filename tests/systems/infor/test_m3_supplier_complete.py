"""M3 suppliers are written complete through CRS620MI: name, tax id, payment terms, status and address."""

from __future__ import annotations

from ml_connector.records import Supplier
from tests.systems.infor.conftest import Emulator


def test_terms_status_and_address_reach_m3(emulator: Emulator) -> None:
    client = emulator.client("m3")
    supplier = Supplier(
        "S20002",
        "Lakeside Fasteners Inc",
        tax_id="22-2222222",
        payment_terms="60",
        status="Inactive",
        address="12 Harbor Rd",
        city="Toledo",
        postal_code="43604",
        country="US",
    )
    assert [(r.ok, r.action) for r in client.upsert_suppliers([supplier])] == [(True, "created")]
    readout = {s["id"]: s for s in emulator.admin.get("suppliers").json()}["S20002"]
    assert (readout["terms"], readout["address"], readout["city"], readout["zip"], readout["country"]) == (
        "60",
        "12 Harbor Rd",
        "Toledo",
        "43604",
        "US",
    )
    assert readout["status"] != "20"  # blocked, not active
    again = next(s for s in client.suppliers() if s.number == "S20002")
    assert (again.payment_terms, again.status) == ("60", "Inactive")
