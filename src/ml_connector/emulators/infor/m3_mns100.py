"""MNS100MI (Division interface): the company's divisions and their basic data.

Source: GaryWayneSmith/M3H5 `M3H5Lib.Api/MNS100MIResource.cs` (inputs: LstDivisions CONO (required), DIVI;
GetBasicData CONO, DIVI) and `MNS100MI/LstDivisionsResponse.cs` (CONO, DIVI, TX15, FACI, FACN, WHLO, WHNM),
`MNS100MI/GetBasicDataResponse.cs` (CONO, DIVI, CONM, TX15, ..., LOCD local currency, LOCT, CSCD ...).
"""

from __future__ import annotations

from ml_connector.emulators.infor.exceptions import M3Error
from ml_connector.emulators.infor.m3_programs import CallContext, Record, Transaction, require_fields


def _division(ctx: CallContext, code: str) -> dict[str, str]:
    for division in ctx.backend.divisions:
        if division["code"] == code:
            return division
    raise M3Error(f"Division {code} does not exist", "WDI0103", "DIVI")


def _local_currency(ctx: CallContext, division: dict[str, str]) -> str:
    # ASSUMPTION: a division keeps its accounts in the company's currency unless the seed gives it its own.
    return division.get("currency") or ctx.backend.currency


def lst_divisions(ctx: CallContext, inputs: Record) -> list[Record]:
    require_fields(inputs, "CONO")
    if inputs["CONO"].strip() != ctx.backend.company:
        raise M3Error(f"Company {inputs['CONO'].strip()} does not exist", "WCO0103", "CONO")
    start = inputs.get("DIVI", "").strip()
    # ASSUMPTION: like other M3 lists, DIVI is a start key (the list begins at it), in division order.
    rows = sorted(ctx.backend.divisions, key=lambda d: d["code"])
    return [
        {
            "CONO": ctx.backend.company,
            "DIVI": d["code"],
            "TX15": d["name"][:15],
            "FACI": d["code"],
            "FACN": d["name"][:30],
            "WHLO": d["code"],
            "WHNM": d.get("city", "")[:36],
        }
        for d in rows
        if d["code"] >= start
    ]


def get_basic_data(ctx: CallContext, inputs: Record) -> list[Record]:
    code = inputs.get("DIVI", "").strip() or ctx.division
    if not code:
        raise M3Error("Field DIVI must be entered", "WFL0101", "DIVI", request_level=True)
    division = _division(ctx, code)
    currency = _local_currency(ctx, division)
    return [
        {
            "CONO": ctx.backend.company,
            "DIVI": code,
            "CONM": ctx.backend.company_name[:36],
            "TX15": division["name"][:15],
            "FACI": code,
            "FACT": division["name"][:30],
            "LOCD": currency,
            "LOCT": currency,
        }
    ]


MNS100_TRANSACTIONS: dict[str, dict[str, Transaction]] = {
    "MNS100MI": {"LstDivisions": lst_divisions, "GetBasicData": get_basic_data},
}
