"""M3's exchange rates (CRS055MI LstRatesPerType) as rates from a division's local currency into a reporting
currency, for flows with `amounts = "reporting"` and no rates_file.

LstRatesPerType (CUCD and CRTP required; GaryWayneSmith/M3H5 `M3H5Lib.Api/CRS055MIResource.cs`) lists the rates
of one currency and rate type, each with its date (CUTD), rate (ARAT), the local currency it is against (LOCD),
the currency's conversion method (DMCU) and rate factor (RAFA). A ledger amount is in the division's local
currency, so the product asks for the reporting currency's rates and turns each into "one local unit is so
much of the reporting currency".

ASSUMPTION: DMCU 1 (multiply) says 10^RAFA units of CUCD are ARAT local units, so one local unit is
10^RAFA / ARAT of CUCD; DMCU 2 (divide) says 10^RAFA local units are ARAT units of CUCD, so one local unit is
ARAT / 10^RAFA. The notes give the fields, not their arithmetic. A multiply rate is kept as quoted (10^RAFA
divided by ARAT), never as a rounded inverse, so an amount is divided by ARAT exactly and a converted amount
on an exact half cent stays on it before it is rounded (`flows.rates`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation

from ml_connector.errors import ConfigurationError
from ml_connector.records import CurrencyRate
from ml_connector.systems.infor.values import parse_day

DIVIDE = "2"
RateCall = Callable[[str, dict[str, str]], list[dict[str, str]]]  # (division, inputs) -> LstRatesPerType rows


def check_rate_type(rate_type: str) -> str:
    """M3's rate types are numbers (CRTP, N2): a name such as "Corporate" is a configuration error."""
    if not rate_type.strip().isdigit() or len(rate_type.strip()) > 2:
        raise ConfigurationError(
            f"rate_type {rate_type!r} is not an M3 exchange rate type (CRTP, a number such as 1)",
            hint='Set rate_type = "1" (or the rate type of CRS055 your company uses) on the flow.',
        )
    return rate_type.strip()


def local_to_target(row: dict[str, str]) -> tuple[date, Decimal, Decimal] | None:
    """(rate date, rate, divided by) of a LstRatesPerType row: one local unit is rate / divided-by units of the
    row's currency, both exact; None for a row that is no rate."""
    day = parse_day(row.get("CUTD"))
    try:
        rate = Decimal(row.get("ARAT", "").strip())
        factor = Decimal(10) ** int(row.get("RAFA", "").strip() or "0")
    except (InvalidOperation, ValueError):
        return None
    if day is None or not rate.is_finite() or rate <= 0:
        return None
    if row.get("DMCU", "").strip() == DIVIDE:
        return day, rate / factor, Decimal(1)  # a power of ten: exact
    return day, factor, rate


def division_rates(call: RateCall, division: str, local: str, target: str, rate_type: str) -> list[CurrencyRate]:
    """The rates of `division` from its local currency into `target` ([] when they are the same currency)."""
    if local == target:
        return []
    out = []
    for row in call(division, {"CUCD": target, "CRTP": check_rate_type(rate_type)}):
        if row.get("LOCD", "").strip() not in ("", local):
            continue  # against another local currency: not this division's
        found = local_to_target(row)
        if found is not None:
            out.append(CurrencyRate(local, target, rate_type, found[0], found[1], found[2]))
    return out
