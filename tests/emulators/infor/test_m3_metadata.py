"""M3 describes its fields with documented types and lengths: v1 `Metadata` and the MRS001MI metadata program."""

from __future__ import annotations

import pytest

from tests.emulators.infor.conftest import Infor
from tests.emulators.infor.test_m3 import EXEC, records

V1 = "/M3/m3api-rest/execute"


def test_v1_metadata_types_each_field_as_m3_does(infor: Infor) -> None:
    body = infor.api.get(f"{V1}/GLS200MI/LstVouchersByDt", params={"FRDT": "20251101", "TODT": "20251130"}).json()
    fields = {f["@name"]: (f["@type"], f["@length"], f["@description"]) for f in body["Metadata"]["Field"]}
    assert fields["CONO"] == ("N", 3, "Company")
    assert fields["ACDT"] == ("D", 10, "Accounting date")
    assert fields["VTXT"] == ("A", 40, "Voucher text")
    assert fields["ACAM"][:2] == ("N", 17)


def test_mrs001mi_lists_output_fields_with_type_and_length(infor: Infor) -> None:
    rows = records(
        infor.api.get(
            f"{EXEC}/MRS001MI/LstAdtFieldInf;maxrecs=0",
            params={"MINM": "CRS620MI", "TRNM": "GetBasicData", "TRTP": "O"},
        )
    )
    by_name = {r["FLNM"]: r for r in rows}
    assert len(rows) == 95
    assert (by_name["CONO"]["TYPE"], by_name["CONO"]["LENG"]) == ("N", "3")
    assert (by_name["SUNM"]["TYPE"], by_name["SUNM"]["LENG"], by_name["SUNM"]["FLDS"]) == ("A", "36", "Suppliername")


def test_mrs001mi_lists_the_transactions_of_a_program(infor: Infor) -> None:
    rows = records(infor.api.get(f"{EXEC}/MRS001MI/LstTransactions", params={"MINM": "GLS840MI"}))
    assert [(r["TRNM"], r["SIMU"]) for r in rows] == [
        ("AddBatchHead", "S"),
        ("AddBatchLine", "S"),
        ("CtrlBatch", "S"),
        ("UpdBatch", "S"),
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"MINM": "NOPE01MI", "TRNM": "Get", "TRTP": "O"}, "TRNM"),
        ({"MINM": "GLS200MI", "TRNM": "Nope", "TRTP": "O"}, "TRNM"),
    ],
)
def test_mrs001mi_unknown_transaction_is_nok(infor: Infor, params: dict[str, str], field: str) -> None:
    body = infor.api.get(f"{EXEC}/MRS001MI/LstAdtFieldInf", params=params).json()
    assert body["nrOfFailedTransactions"] == 1 and body["results"][0]["errorField"] == field


def test_mrs001mi_without_program_is_a_request_error(infor: Infor) -> None:
    answer = infor.api.get(f"{EXEC}/MRS001MI/LstTransactions")
    assert answer.status_code == 400 and answer.json()["errorField"] == "MINM"
