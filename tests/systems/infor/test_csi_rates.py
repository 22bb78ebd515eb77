"""CSI exchange rates come from the site's SLCurrates (FromCurrCode in the site's domestic ToCurrCode, from
EffDate, buy and sell rates): a reporting-currency flow on CSI reads them as Oracle and M3 flows read theirs,
instead of needing a rates_file. Monterrey (site MX1) books in pesos and quotes USD and EUR in pesos."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ml_connector.errors import ConfigurationError
from ml_connector.flows.rates import RateTable, convert
from ml_connector.records import CurrencyRate
from tests.support.records import gl_line
from tests.systems.infor.conftest import Emulator


def mexico(emulator: Emulator) -> list[CurrencyRate]:
    client = emulator.client("csi", mongoose_config="ACME_TST_MX1", csi_site="MX1")
    rates = client.currency_rates("USD", "Buy")
    assert rates is not None
    return rates


def test_a_sites_rates_into_the_reporting_currency(emulator: Emulator) -> None:
    rates = mexico(emulator)
    # USD is quoted in pesos (1 USD = 17.4375 MXN on 31 March): pesos into dollars divide by it, exactly.
    assert {(r.from_currency, r.to_currency, r.rate_type) for r in rates} == {("MXN", "USD", "Buy")}
    march = next(r for r in rates if r.day == date(2026, 3, 31))
    assert (march.rate, march.divided_by) == (Decimal(1), Decimal("17.4375"))
    line = gl_line("174375.00", period="2026-03", posted_on=date(2026, 3, 12), currency="MXN")
    done = convert(RateTable.of(rates, ""), line, Decimal("174375.00"), "MXN", "USD", "Buy", "period-end")
    assert (done.amount, done.rate_date) == (Decimal("10000.00"), date(2026, 3, 31))


def test_a_us_site_quotes_foreign_currencies_in_dollars(emulator: Emulator) -> None:
    client = emulator.client("csi", mongoose_config="ACME_TST_US1", csi_site="US1")
    rates = client.currency_rates("EUR", "Sell") or []
    march = [r for r in rates if r.day == date(2026, 3, 31)]
    # 1 EUR = 1.0932 USD: dollars into euros divide by it.
    assert [(r.from_currency, r.rate, r.divided_by) for r in march] == [("USD", Decimal(1), Decimal("1.0932"))]


def test_a_rate_type_csi_does_not_keep_is_a_configuration_error(emulator: Emulator) -> None:
    client = emulator.client("csi", mongoose_config="ACME_TST_MX1", csi_site="MX1")
    with pytest.raises(ConfigurationError, match="'Corporate' is not a CSI exchange rate") as info:
        client.currency_rates("USD", "Corporate")
    assert 'rate_type = "Buy"' in (info.value.hint or "")
