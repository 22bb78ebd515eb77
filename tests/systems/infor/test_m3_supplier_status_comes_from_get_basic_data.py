"""M3 suppliers are read as M3 documents them: LstSuppliers lists them (its outputs have no status and no VAT
number) and GetBasicData gives each one's STAT and VRNO, so a blocked supplier reads as inactive and its VAT
number is kept."""

from __future__ import annotations

from ml_connector.systems.infor.m3 import M3Lines
from tests.systems.infor.conftest import Emulator


def test_status_and_vat_number_are_read_through_get_basic_data(emulator: Emulator) -> None:
    client = emulator.client("m3")
    m3 = client.line
    assert isinstance(m3, M3Lines)
    listed = m3.call("CRS620MI", "LstSuppliers", {"CONO": "100"})
    assert listed and not {"STAT", "VRNO"} & set(listed[0])  # not there: the client may not rely on them
    m3.call("CRS620MI", "UpdSupplier", {"CONO": "100", "SUNO": "S10003", "STAT": "90", "VRNO": "DE999"})
    readout = {s["id"]: s for s in emulator.admin.get("suppliers").json()}
    suppliers = {s.number: s for s in client.suppliers()}
    assert set(suppliers) == set(readout)
    assert (suppliers["S10003"].status, suppliers["S10003"].tax_id) == ("Inactive", "DE999")
    for number, supplier in suppliers.items():
        assert supplier.tax_id == readout[number]["tax_id"]
        assert supplier.status == ("Active" if readout[number]["status"] == "20" else "Inactive")
    basic = [sum(counts.values()) for path, counts in emulator.stats()["requests"].items() if "GetBasicData" in path]
    assert sum(basic) >= len(suppliers)
