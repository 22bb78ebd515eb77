"""Each M3 transaction with a documented output list answers only those fields, in their documented formats.

The lists are the golden extract tests/golden/infor/m3_output_fields.md (infor.md appendix B: M3H5
`{PGM}/{TRN}Response.cs`, generated from M3's own MI metadata); this parses them here, not from the emulator's
transcription, and calls the emulator over HTTP.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.emulators.infor.conftest import Infor
from tests.emulators.infor.test_m3 import EXEC, records

NOTES = Path(__file__).parents[2] / "golden" / "infor" / "m3_output_fields.md"
_HEADING = re.compile(r"\*\*(\w+)/(\w+)Response\.cs \d+ fields\*\*\n\n(.*)\n")
_FIELD = re.compile(r"(?:^|; )([A-Z0-9]{4})\(([AND])(\d+)\)")


def _documented() -> dict[tuple[str, str], dict[str, tuple[str, int]]]:
    text = NOTES.read_text(encoding="utf-8")
    return {(m[1], m[2]): {f[0]: (f[1], int(f[2])) for f in _FIELD.findall(m[3])} for m in _HEADING.finditer(text)}


DOCUMENTED = _documented()


def _calls(infor: Infor) -> dict[tuple[str, str], list[dict[str, str]]]:
    line = records(
        infor.api.get(f"{EXEC}/GLS200MI/LstVouchersByDt;maxrecs=1", params={"FRDT": "20251101", "TODT": "20251130"})
    )[0]
    voucher = {k: line[k] for k in ("DIVI", "YEA4", "VONO", "VSER")}
    found = records(
        infor.api.get(f"{EXEC}/APS200MI/SearchSupInvoic", params={"SQRY": "DIVI:US1 IVDT:[20251101 TO 20251130]"})
    )
    calls = {
        ("GLS200MI", "LstVouchersByDt"): ("LstVouchersByDt", {"FRDT": "20251101", "TODT": "20251130"}),
        ("GLS200MI", "LstVoucherLines"): ("LstVoucherLines", voucher),
        ("GLS200MI", "GetVoucherHead"): ("GetVoucherHead", voucher),
        ("CRS630MI", "LstAccountID"): ("LstAccountID", {"AITP": "1"}),
        ("CRS620MI", "GetBasicData"): ("GetBasicData", {"SUNO": "S10001"}),
        ("CRS620MI", "LstSuppliers"): ("LstSuppliers", {}),
        ("APS200MI", "GetInvoice"): ("GetInvoice", {k: found[0][k] for k in ("DIVI", "YEA4", "JRNO", "JSNO")}),
        ("APS130MI", "LstInvByPayDate"): ("LstInvByPayDate", {"DIVI": "US1", "PRPN": "1", "PYON": "1"}),
        ("GLS215MI", "LstPerBalances"): (
            "LstPerBalances",
            {"DIVI": "US1", "BAKY": "1", "BIT1": "6300", "BIT2": "1900"},
        ),
        ("CRS055MI", "LstRatesPerType"): ("LstRatesPerType", {"CUCD": "JPY", "CRTP": "1"}),
    }
    return {
        key: records(infor.api.get(f"{EXEC}/{key[0]}/{trn};maxrecs=0", params=params))
        for key, (trn, params) in calls.items()
    }


def test_outputs_are_documented_fields_in_their_documented_formats(infor: Infor) -> None:
    answered = _calls(infor)
    for key, recs in answered.items():
        assert recs, key
        documented = DOCUMENTED[key]
        for rec in recs:
            extra = set(rec) - set(documented)
            assert not extra, f"{key}: undocumented output fields {sorted(extra)}"
            for name, value in rec.items():
                kind, length = documented[name]
                if kind == "D" and value:
                    assert re.fullmatch(r"\d{8}", value), (key, name, value)
                if kind == "A":
                    assert len(value) <= length, (key, name, value)
