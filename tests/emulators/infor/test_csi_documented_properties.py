"""CSI IDOs accept the property lists that live tenants answer (infor.md 3.4), e.g. SLVchHdrs with DiscPct."""

from __future__ import annotations

from tests.emulators.infor.conftest import Infor
from tests.emulators.infor.test_csi import DETROIT, IDO, load

# The property list from the public sync code quoted in infor.md 3.4.
LIVE = (
    "VendNum,VadName,Voucher,VouchSeq,InvNum,InvDate,DistDate,RecordDate,Type,InvAmt,DiscPct,TermsCode,ExchRate,"
    "PreRegister,InWorkflow,PostFromPo,ApAcct"
)


def test_the_live_property_list_loads(infor: Infor) -> None:
    items = load(infor, "SLVchHdrs", DETROIT, properties=LIVE, recordcap=5)["Items"]
    assert items and all(set(LIVE.split(",")) <= set(item) for item in items)
    assert {item["DiscPct"] for item in items} == {"0"}


def test_info_describes_the_same_properties(infor: Infor) -> None:
    info = infor.api.get(f"{IDO}/info/SLVchHdrs", headers=DETROIT).json()
    assert set(LIVE.split(",")) <= {p["Name"] for p in info["Properties"]}


def test_an_undocumented_property_still_fails(infor: Infor) -> None:
    answer = infor.api.get(f"{IDO}/load/SLVchHdrs", params={"properties": "VendNum,Nope"}, headers=DETROIT).json()
    assert answer["Success"] is False and "Nope" in answer["Message"]


# The SLVendors property list public code loads (infor.md 3.4).
VENDORS = (
    "VendNum,Name,RecordDate,LastPaid,CurrCode,TermsCode,PayType,Phone,Stat,VadAddr_1,VadCity,VadState,VadZip,"
    "VadCountry"
)


def test_the_vendor_property_list_loads_and_info_names_the_same(infor: Infor) -> None:
    items = load(infor, "SLVendors", DETROIT, properties=VENDORS, recordcap=0)["Items"]
    assert items and all(set(VENDORS.split(",")) <= set(item) for item in items)
    assert any(item["LastPaid"][:8].isdigit() for item in items)  # a supplier that was paid shows the date
    info = infor.api.get(f"{IDO}/info/SLVendors", headers=DETROIT).json()
    assert set(VENDORS.split(",")) <= {p["Name"] for p in info["Properties"]}
