"""Pure parts of the M3 rate and fiscal-period reads, by property: a CRS055MI rate turns a local amount into the
reporting currency by the row's own method and factor, whatever the numbers; the day a fiscal period is dated
on is the earliest accounting date M3 put in it, whatever the order lines come in."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml_connector.errors import ConfigurationError
from ml_connector.records import FiscalPeriod
from ml_connector.systems.infor.m3_periods import first_days
from ml_connector.systems.infor.m3_rates import check_rate_type, local_to_target

RATES = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("99999"), places=4)


@given(arat=RATES, factor=st.integers(0, 4), amount=st.decimals(-(10**9), 10**9, places=2))
def test_multiply_and_divide_rates_convert_as_quoted(arat: Decimal, factor: int, amount: Decimal) -> None:
    row = {"CUTD": "20260331", "ARAT": str(arat), "RAFA": str(factor)}
    units = Decimal(10) ** factor
    multiply = local_to_target(row | {"DMCU": "1"})
    divide = local_to_target(row | {"DMCU": "2"})
    assert multiply is not None and divide is not None
    assert multiply[0] == divide[0] == date(2026, 3, 31)
    # multiply: 10^RAFA units of the currency are ARAT local units, so the local amount buys amount * units / ARAT,
    # kept as quoted (units divided by ARAT), never as a rounded inverse
    assert (multiply[1], multiply[2]) == (units, arat)
    # divide: 10^RAFA local units are ARAT units of the currency
    assert amount * divide[1] == amount * arat / units and divide[2] == 1


@pytest.mark.parametrize("arat", ["0", "-1.5", "abc", "", "NaN"])
def test_a_row_that_is_no_rate_is_left_out(arat: str) -> None:
    assert local_to_target({"CUTD": "20260331", "ARAT": arat, "DMCU": "1", "RAFA": "0"}) is None
    assert local_to_target({"CUTD": "", "ARAT": "1.2", "DMCU": "1", "RAFA": "0"}) is None


def test_rate_types_are_m3_numbers() -> None:
    assert check_rate_type(" 1 ") == "1"
    for name in ("Corporate", "", "123"):
        with pytest.raises(ConfigurationError, match="CRTP"):
            check_rate_type(name)


@given(st.lists(st.tuples(st.integers(1, 13), st.integers(0, 400)), min_size=1, max_size=60), st.randoms())
def test_a_periods_day_is_its_earliest_line_whatever_the_order(lines: list[tuple[int, int]], rnd: object) -> None:
    start = date(2025, 12, 28)
    rows = [{"ACYP": f"2026{p:02d}", "ACDT": (start + timedelta(days=d)).strftime("%Y%m%d")} for p, d in lines]
    rows.append({"ACYP": "", "ACDT": "20250101"})  # no period: says nothing
    shuffled = list(rows)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    found = first_days(shuffled)
    expected: dict[FiscalPeriod, date] = {}
    for p, d in lines:
        day = start + timedelta(days=d)
        expected[FiscalPeriod(2026, p)] = min(expected.get(FiscalPeriod(2026, p), day), day)
    assert found == expected
