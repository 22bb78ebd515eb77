"""Exchange rates for a reporting currency: the ERP's own daily rates (Oracle `currencyRates`), or a rate
file (CSV) where the flow names one or the ERP publishes none.

    from,to,type,date,rate
    MXN,USD,Corporate,2026-03-31,0.0542
    EUR,USD,Corporate,2026-03-31,1.0815

A line is converted with the rate of its currency into the reporting currency, of the flow's rate type,
on the latest date not after the rate date (the line's accounting date, or its period's last day).
The converted amount is amount x rate (/ the divisor of a rate quoted the other way round, M3's multiply
method), computed exactly for any amount on a half cent, then rounded to cents half to even.
ASSUMPTION: half to even; neither the Oracle nor the M3 notes say how a converted amount is rounded.
The audit keeps the amount before, the rate as quoted (and its divisor), its type and its date. A missing
rate quarantines the line; nothing is converted with a guess.
"""

from __future__ import annotations

import bisect
import calendar
import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext
from pathlib import Path

from ml_connector.config import FlowSection
from ml_connector.errors import ConfigurationError, RecordError
from ml_connector.flows.context import FlowContext
from ml_connector.records import PERIOD_PATTERN, CurrencyRate, LedgerLine

CENT = Decimal("0.01")
COLUMNS = ("from", "to", "type", "date", "rate")


@dataclass(frozen=True)
class Conversion:
    """One line's conversion, as the audit keeps it."""

    amount: Decimal
    currency: str
    rate: Decimal
    rate_type: str
    rate_date: date
    original_amount: Decimal
    original_currency: str
    divided_by: Decimal = Decimal(1)


@dataclass
class RateTable:
    """Rates by (from, to, type), each a list of (date, rate) in date order; `hint` says where a missing
    rate is added."""

    rates: dict[tuple[str, str, str], list[tuple[date, Decimal]]] = field(default_factory=dict)
    hint: str = "Add the rate to the flow's rates_file, then replay the run."
    # A rate quoted the other way round divides by this (by key and date); 1 when absent.
    divisors: dict[tuple[str, str, str, date], Decimal] = field(default_factory=dict)

    @classmethod
    def of(cls, rates: Iterable[CurrencyRate], hint: str) -> RateTable:
        """A table of the ERP's rates."""
        table = cls(hint=hint)
        for r in rates:
            key = (r.from_currency.upper(), r.to_currency.upper(), r.rate_type)
            bisect.insort(table.rates.setdefault(key, []), (r.day, r.rate))
            if r.divided_by != 1:
                table.divisors[(*key, r.day)] = r.divided_by
        return table

    @classmethod
    def load(cls, path: Path) -> RateTable:
        """Read a rate file; a ConfigurationError names the file, the line and what is wrong."""
        table = cls()
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
                if missing:
                    raise ConfigurationError(
                        f"the rate file {path} has no column(s) {', '.join(missing)}",
                        hint="Its header is: from,to,type,date,rate",
                    )
                for number, row in enumerate(reader, start=2):
                    try:
                        day = date.fromisoformat(row["date"].strip())
                        rate = Decimal(row["rate"].strip())
                    except (ValueError, InvalidOperation):
                        raise ConfigurationError(
                            f"{path}, line {number}: date {row['date']!r} or rate {row['rate']!r} is not valid",
                            hint="Dates are YYYY-MM-DD and rates plain numbers such as 0.0542.",
                        ) from None
                    if rate <= 0:
                        raise ConfigurationError(f"{path}, line {number}: the rate {rate} is not positive")
                    key = (row["from"].strip().upper(), row["to"].strip().upper(), row["type"].strip())
                    bisect.insort(table.rates.setdefault(key, []), (day, rate))
        except OSError as exc:
            raise ConfigurationError(f"cannot read the rate file {path}: {exc.strerror}") from None
        return table

    def rate(self, source: str, target: str, rate_type: str, on: date) -> tuple[date, Decimal] | None:
        found = self.rates.get((source, target, rate_type), [])
        index = bisect.bisect_right(found, (on, Decimal("Infinity")))
        return found[index - 1] if index else None


def rate_date(line: LedgerLine, rule: str) -> date:
    """The day whose rate converts `line`: its accounting date, or its period's last day."""
    if rule == "period-end":
        if not PERIOD_PATTERN.match(line.period):
            # A period of the ERP's fiscal calendar (4-4-5, 13 periods) does not end on a month's last day.
            raise RecordError(
                f"period {line.period} is a fiscal period of the ERP's calendar, whose end date the flow does not read",
                hint='Set rate_date = "accounting-date" for a ledger read with calendar = "erp", then replay the run.',
            )
        year, month = int(line.period[:4]), int(line.period[5:])
        return date(year, month, calendar.monthrange(year, month)[1])
    return line.posted_on


def convert(
    table: RateTable, line: LedgerLine, amount: Decimal, currency: str, target: str, rate_type: str, rule: str
) -> Conversion:
    """`amount` in `currency` as `target`; RecordError when the table has no rate for it."""
    day = rate_date(line, rule)
    if currency == target:
        return Conversion(amount, target, Decimal(1), rate_type, day, amount, currency)
    found = table.rate(currency, target, rate_type, day)
    if found is None:
        raise RecordError(f"no {rate_type} rate from {currency} to {target} on or before {day}", hint=table.hint)
    when, rate = found
    divisor = table.divisors.get((currency, target, rate_type, when), Decimal(1))
    with localcontext() as exact:
        # Enough digits that amount x rate is exact and a quotient on a half cent is exactly on it.
        exact.prec = 60
        converted = (amount * rate / divisor).quantize(CENT, rounding=ROUND_HALF_EVEN)
    return Conversion(converted, target, rate, rate_type, when, amount, currency, divisor)


def rates_of(ctx: FlowContext, flow: FlowSection) -> RateTable | None:
    """The flow's rate table when it converts to a reporting currency: its `rates_file` (relative to the
    config file), else the source ERP's daily rates of the flow's rate type; a ConfigurationError when the
    ERP publishes none."""
    if flow.amounts != "reporting":
        return None
    if flow.rates_file:
        return RateTable.load(ctx.config.resolve(flow.rates_file))
    rates = ctx.clients.erp(flow.source).currency_rates(flow.reporting_currency, flow.rate_type)
    if rates is None:
        raise ConfigurationError(
            f"{flow.source!r} publishes no currency rates the product reads, and the flow names no rates_file",
            hint='Give the flow a rates_file (from,to,type,date,rate) for amounts = "reporting".',
        )
    hint = f"Enter the {flow.rate_type} rate in {flow.source!r}'s daily rates, then replay the run."
    return RateTable.of(rates, hint)
