"""CSI (SyteLine) exchange rates from the SLCurrates IDO, as rates from a site's domestic currency into a
reporting currency, for flows with `amounts = "reporting"` and no rates_file.

Public code loads and writes SLCurrates by ToCurrCode (the site's domestic currency), FromCurrCode (a foreign
one), EffDate, BuyRate and SellRate. CSI keeps no rate types: the flow's `rate_type` picks the column,
"Buy" (BuyRate) or "Sell" (SellRate).

ASSUMPTION: one unit of FromCurrCode is BuyRate (SellRate) units of ToCurrCode from EffDate on; the sources
give the properties, not their arithmetic. A domestic amount is converted into a reporting currency that is
a FromCurrCode by dividing by its rate, kept as quoted (never as a rounded inverse, see `flows.rates`).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from ml_connector.errors import ConfigurationError
from ml_connector.records import CurrencyRate
from ml_connector.systems.infor.values import parse_csi_stamp

IDO = "SLCurrates"
PROPERTIES = "FromCurrCode,ToCurrCode,EffDate,BuyRate,SellRate"
COLUMNS = {"buy": "BuyRate", "sell": "SellRate"}


def rate_column(rate_type: str) -> str:
    """CSI's rates are buy and sell rates: another rate type (the default "Corporate") is a configuration error."""
    column = COLUMNS.get(rate_type.strip().lower())
    if column is None:
        raise ConfigurationError(
            f"rate_type {rate_type!r} is not a CSI exchange rate (SLCurrates has a buy and a sell rate)",
            hint='Set rate_type = "Buy" (BuyRate) or "Sell" (SellRate) on the flow.',
        )
    return column


def to_target(rows: Iterable[dict[str, str]], target: str, rate_type: str) -> list[CurrencyRate]:
    """The rates of SLCurrates rows into `target`: a row from a currency into `target` as it is quoted, a row
    from `target` into a domestic currency as that currency divided by the rate."""
    column = rate_column(rate_type)
    out = []
    for row in rows:
        source, into = row.get("FromCurrCode", "").strip().upper(), row.get("ToCurrCode", "").strip().upper()
        stamp = parse_csi_stamp(row.get("EffDate"))
        try:
            rate = Decimal(row.get(column, "").strip())
        except InvalidOperation:
            continue
        if stamp is None or not rate.is_finite() or rate <= 0 or source == into:
            continue
        if into == target:
            out.append(CurrencyRate(source, target, rate_type, stamp.date(), rate))
        elif source == target:
            out.append(CurrencyRate(into, target, rate_type, stamp.date(), Decimal(1), rate))
    return out
