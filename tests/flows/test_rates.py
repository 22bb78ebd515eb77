"""The rate file: the latest rate on or before the day, rounding to cents, and clear errors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml_connector.errors import ConfigurationError, RecordError
from ml_connector.flows.rates import RateTable, convert
from tests.support.records import gl_line

RATES = "from,to,type,date,rate\nMXN,USD,Corporate,2026-03-31,0.0542\nMXN,USD,Corporate,2026-01-31,0.0500\n"


def table(tmp_path: Path, text: str = RATES) -> RateTable:
    path = tmp_path / "rates.csv"
    path.write_text(text, encoding="utf-8")
    return RateTable.load(path)


@pytest.mark.parametrize(
    ("period", "rule", "rate"),
    [
        ("2026-03", "period-end", "0.0542"),
        ("2026-02", "period-end", "0.0500"),
        ("2026-03", "accounting-date", "0.0500"),
    ],
)
def test_the_latest_rate_not_after_the_rate_date(tmp_path: Path, period: str, rule: str, rate: str) -> None:
    line = gl_line("100.00", period=period, posted_on=date(2026, 3, 5), currency="MXN")
    done = convert(table(tmp_path), line, Decimal("100.00"), "MXN", "USD", "Corporate", rule)
    assert done.rate == Decimal(rate) and done.amount == (Decimal("100.00") * Decimal(rate)).quantize(Decimal("0.01"))


def test_no_rate_is_a_record_error_not_a_guess(tmp_path: Path) -> None:
    line = gl_line("1.00", period="2025-12", posted_on=date(2025, 12, 1), currency="MXN")
    with pytest.raises(RecordError, match="no Corporate rate from MXN to USD on or before 2025-12-31"):
        convert(table(tmp_path), line, Decimal(1), "MXN", "USD", "Corporate", "period-end")
    with pytest.raises(RecordError, match="Spot"):
        convert(table(tmp_path), line, Decimal(1), "MXN", "USD", "Spot", "accounting-date")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("from,to,date,rate\nMXN,USD,2026-01-31,0.05\n", "no column"),
        ("from,to,type,date,rate\nMXN,USD,Corporate,31/01/2026,0.05\n", "line 2"),
        ("from,to,type,date,rate\nMXN,USD,Corporate,2026-01-31,-1\n", "not positive"),
    ],
)
def test_a_bad_rate_file_is_a_configuration_error(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(ConfigurationError, match=problem):
        table(tmp_path, text)


@given(cents=st.integers(-(10**12), 10**12), rate=st.decimals("0.0001", "100", places=6))
def test_converted_amounts_are_cents_and_same_currency_is_untouched(cents: int, rate: Decimal) -> None:
    amount = Decimal(cents) / 100
    rates = RateTable({("MXN", "USD", "Corporate"): [(date(2026, 1, 1), rate)]})
    line = gl_line("1", period="2026-03", updated_at=datetime(2026, 3, 1, tzinfo=UTC))
    done = convert(rates, line, amount, "MXN", "USD", "Corporate", "period-end")
    assert done.amount == done.amount.quantize(Decimal("0.01")) and abs(done.amount - amount * rate) <= Decimal("0.005")
    same = convert(rates, line, amount, "USD", "USD", "Corporate", "period-end")
    assert same.amount == amount and same.rate == 1
