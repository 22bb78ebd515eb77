"""CRS055MI (Currency interface): exchange rates by currency and rate type.

Source: GaryWayneSmith/M3H5 `M3H5Lib.Api/CRS055MIResource.cs` (LstRatesPerType: CUCD and CRTP required, CUTD
optional) and `CRS055MI/LstRatesPerTypeResponse.cs` (CUCD, CRTP, CUTD rate date, ARAT exchange rate, TXID, LOCD
local currency, DMCU currency conversion method, RAFA rate factor, GLOC).

ASSUMPTION: the rates listed are those against the local currency of the call's division (matrix `divi`, else
the company's first division), so Monterrey (MXN) and Detroit (USD) each see their own rate table; CUTD is a
start key, as in other M3 lists (rates from that date on, in date order); DMCU 1 is "multiply" (10^RAFA units
of CUCD = ARAT units of LOCD) and 2 "divide" (10^RAFA units of LOCD = ARAT units of CUCD). The notes give the
fields, not their arithmetic.
"""

from __future__ import annotations

from datetime import date

from ml_connector.emulators.infor.exceptions import M3Error
from ml_connector.emulators.infor.m3_programs import CallContext, Record, Transaction, require_fields


def _local(ctx: CallContext) -> str:
    code = ctx.division or ctx.backend.divisions[0]["code"]
    division = next((d for d in ctx.backend.divisions if d["code"] == code), None)
    if division is None:
        raise M3Error(f"Division {code} does not exist", "WDI0103", "DIVI")
    return division.get("currency") or ctx.backend.currency


def lst_rates_per_type(ctx: CallContext, inputs: Record) -> list[Record]:
    require_fields(inputs, "CUCD", "CRTP")
    currency, kind = inputs["CUCD"].strip(), inputs["CRTP"].strip()
    entries = [c for c in ctx.backend.currency_rates if str(c["currency"]) == currency]
    if not entries:
        raise M3Error(f"Currency {currency} does not exist", "WCU0103", "CUCD")
    start = inputs.get("CUTD", "").strip()
    local = _local(ctx)
    # ASSUMPTION: a currency with no rates against this division's local currency lists no rates (no error).
    entry = next((c for c in entries if str(c.get("local") or ctx.backend.currency) == local), None)
    if entry is None:
        return []
    rates = {str(t): v for t, v in dict(entry["rates"]).items()}.get(kind.lstrip("0") or "0", {})
    out = []
    for day, rate in sorted((date.fromisoformat(str(d)), str(r)) for d, r in dict(rates).items()):
        stamp = day.strftime("%Y%m%d")
        if start and stamp < start:
            continue
        out.append(
            {
                "CUCD": currency,
                "CRTP": kind,
                "CUTD": stamp,
                "ARAT": rate,
                "TXID": "0",
                "LOCD": local,
                "DMCU": str(entry["method"]),
                "RAFA": str(entry["factor"]),
                "GLOC": "",
            }
        )
    return out


CRS055_TRANSACTIONS: dict[str, dict[str, Transaction]] = {"CRS055MI": {"LstRatesPerType": lst_rates_per_type}}
