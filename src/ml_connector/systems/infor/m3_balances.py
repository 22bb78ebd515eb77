"""M3's own period balances (GLS215MI), for the ledger check: the accounted activity of each account and cost
center of a division, by period.

GLS215MI (infor.md section 2.3 and appendix A; GaryWayneSmith/M3H5 `M3H5Lib.Api/GLS215MI/*`):
`LstPerBalances` (DIVI, BAKY required; BIT1..7, VTYP) lists the balance records of a balance key, each with
PTID (pointer id), VTYP, BUNO, BVER, YEA4, PERI and the accounted debit and credit ACAD/ACAC, but not the
dimension values; `GetBitFromPtid` (PTID) names them (DIVI, BAKY, BIT1..BIT7).
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal, InvalidOperation

from ml_connector.records import AccountBalance
from ml_connector.systems.infor.m3_divisions import Call


def _amount(text: str) -> Decimal:
    try:
        return Decimal(text.strip() or "0")
    except InvalidOperation:
        return Decimal(0)


def division_balances(
    call: Call, division: str, currency: str, balance_key: str, periods: Collection[str]
) -> dict[str, list[AccountBalance]]:
    """The division's balances of `periods` by account (dimension 1) and cost center (dimension 2): calendar
    months ("YYYY-MM") or, on the division's own calendar, fiscal periods ("YYYY-Pnn", the ACYP of its lines).

    ASSUMPTION: the balance key names a key over accounting dimensions 1 and 2 (the balance keys are each
    tenant's own), YEA4 and PERI are the division's accounting year and period (ACYP's two parts: on a calendar
    year, the month; on a 4-4-5 or 13-period year, the period number), and actuals are the records without a
    budget (BUNO blank or 0). The credit amount reduces the balance whether M3 gives it signed or not.
    """
    wanted = set(periods)
    out: dict[str, list[AccountBalance]] = {p: [] for p in wanted}
    dimensions: dict[str, tuple[str, str]] = {}
    for row in call("GLS215MI", "LstPerBalances", {"DIVI": division, "BAKY": balance_key}):
        if row.get("BUNO", "").strip() not in ("", "0"):
            continue
        try:
            year, number = int(row.get("YEA4", "")), int(row.get("PERI", ""))
        except ValueError:
            continue
        period = next((p for p in (f"{year:04d}-{number:02d}", f"{year:04d}-P{number:02d}") if p in wanted), None)
        if period is None:
            continue
        pointer = row.get("PTID", "").strip()
        if pointer not in dimensions:
            found = call("GLS215MI", "GetBitFromPtid", {"PTID": pointer})
            first = found[0] if found else {}
            dimensions[pointer] = (first.get("BIT1", "").strip(), first.get("BIT2", "").strip())
        account, cost_center = dimensions[pointer]
        amount = _amount(row.get("ACAD", "")) - abs(_amount(row.get("ACAC", "")))
        out[period].append(AccountBalance(division, period, account, cost_center, amount, currency))
    return out
