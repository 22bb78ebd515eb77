"""A reporting-currency amount converted with an M3 rate (CRS055MI) rounds to the cent exactly as the quoted
rate says, half to even, also on the edge: a converted amount exactly on a half cent. M3's multiply method
quotes pesos per dollar (10^RAFA USD = ARAT MXN), so a peso amount is divided by ARAT; the rate used to be
turned into 1/ARAT first, rounded to 28 digits, which put exact half cents a hair below the half (MXN 0.09 at
1.2 made USD 0.07 instead of 0.075 -> 0.08). The audit keeps the rate as quoted and its date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import example, given
from hypothesis import strategies as st

from ml_connector.flows.rates import RateTable, convert
from ml_connector.flows.staging import conversion_payload
from ml_connector.records import CurrencyRate
from ml_connector.systems.infor.m3_rates import division_rates
from tests.support.records import gl_line

DAY = date(2026, 3, 31)
CENTS = st.integers(-(10**11), 10**11).filter(bool)


def m3_table(arat: Decimal, factor: int, method: str) -> RateTable:
    row = {"CUCD": "USD", "CUTD": "20260331", "ARAT": str(arat), "RAFA": str(factor), "DMCU": method, "LOCD": "MXN"}
    rates: list[CurrencyRate] = division_rates(lambda division, inputs: [row], "MX1", "MXN", "USD", "1")
    return RateTable.of(rates, hint="")


def half_even_cents(exact: Fraction) -> Decimal:
    """The exact value rounded to cents, half to even (Python's round of a Fraction is half to even)."""
    return Decimal(round(exact * 100)) / 100


def converted(cents: int, arat: Decimal, factor: int, method: str) -> Decimal:
    line = gl_line(str(Decimal(cents) / 100), period="2026-03", posted_on=DAY, currency="MXN")
    done = convert(m3_table(arat, factor, method), line, Decimal(cents) / 100, "MXN", "USD", "1", "period-end")
    assert done.rate_date == DAY
    return done.amount


@given(
    cents=CENTS,
    arat=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("99999"), places=4),
    factor=st.integers(0, 4),
)
@example(cents=9, arat=Decimal("1.2"), factor=0)  # MXN 0.09 / 1.2 = USD 0.075 exactly: half even is 0.08
def test_multiply_rates_round_the_exact_quotient(cents: int, arat: Decimal, factor: int) -> None:
    exact = Fraction(cents, 100) * 10**factor / Fraction(arat)
    assert converted(cents, arat, factor, "1") == half_even_cents(exact)


@given(
    cents=CENTS,
    arat=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("99999"), places=4),
    factor=st.integers(0, 4),
)
def test_divide_rates_round_the_exact_product(cents: int, arat: Decimal, factor: int) -> None:
    exact = Fraction(cents, 100) * Fraction(arat) / 10**factor
    assert converted(cents, arat, factor, "2") == half_even_cents(exact)


@given(odd=st.integers(0, 10**6).map(lambda n: 2 * n + 1), t=st.integers(1, 9999), factor=st.integers(0, 3))
def test_an_exact_half_cent_goes_to_the_even_cent(odd: int, t: int, factor: int) -> None:
    """Amounts built to land exactly on a half cent: (odd * t) cents at ARAT 2t * 10^RAFA make odd/2 cents."""
    arat = Decimal(2 * t)
    exact = Fraction(odd * t, 100) * 10**factor / (Fraction(arat) * 10**factor)
    assert exact * 100 == Fraction(odd, 2)
    result = converted(odd * t, arat * 10**factor, factor, "1")
    assert result == half_even_cents(exact)
    assert (result * 100) % 2 == 0  # the even cent


def test_the_audit_keeps_the_rate_as_quoted_and_its_date() -> None:
    line = gl_line("0.09", period="2026-03", posted_on=DAY, currency="MXN")
    done = convert(m3_table(Decimal("1.2"), 0, "1"), line, Decimal("0.09"), "MXN", "USD", "1", "period-end")
    payload = conversion_payload(done)
    assert payload["converted"] == "0.08" and payload["rate_date"] == "2026-03-31"
    assert payload["amount"] == "0.09" and payload["currency"] == "MXN" and payload["to"] == "USD"
    # multiply method: converted = amount x rate / divided_by, with the ERP's ARAT as it was quoted
    assert (payload["rate"], payload["divided_by"]) == ("1", "1.2")
