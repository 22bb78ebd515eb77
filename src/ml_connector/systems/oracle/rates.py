"""General Ledger daily rates: `GET currencyRates` ("Get all currency rates", Oracle's REST reference for
Financials, op-currencyrates-get), one item per (FromCurrency, ToCurrency, ConversionDate, ConversionType)
with its ConversionRate. UserConversionType is the rate type's name as users see it (Corporate, Spot, or a
type of the customer's own); ConversionType is its code.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from ml_connector.http import ApiSession
from ml_connector.records import CurrencyRate
from ml_connector.systems.oracle.paging import read_collection


def _literal(text: str) -> str:
    """A `q` string literal: single quotes, a quote inside doubled."""
    return "'" + text.replace("'", "''") + "'"


def read_rates(session: ApiSession, target: str, rate_type: str, page_size: int) -> list[CurrencyRate]:
    """Every daily rate into `target` of the user conversion type `rate_type`; rows that are not a positive
    rate on a date are left out (a rate nobody can use converts nothing)."""
    params = {
        "q": f"ToCurrency={_literal(target)} and UserConversionType={_literal(rate_type)}",
        "onlyData": "true",
    }
    out: list[CurrencyRate] = []
    for row in read_collection(session, "currencyRates", params, page_size=page_size):
        try:
            day = date.fromisoformat(str(row.get("ConversionDate") or "")[:10])
            rate = Decimal(str(row.get("ConversionRate")))
        except (ValueError, InvalidOperation):
            continue
        source = str(row.get("FromCurrency") or "").strip().upper()
        if rate > 0 and source:
            out.append(CurrencyRate(source, target, rate_type, day, rate))
    return out
