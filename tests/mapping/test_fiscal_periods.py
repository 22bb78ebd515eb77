"""Fiscal period labels: `FY{fy2} P{pp}` and friends, with the fiscal year starting in any month."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml_connector.errors import ConfigurationError, UnmappedError
from ml_connector.mapping import PeriodFormat


@pytest.mark.parametrize(
    ("pattern", "start", "period", "label"),
    [
        ("FY{fy2} P{pp}", 1, "2026-03", "FY26 P03"),
        ("FY{fy2} P{pp}", 7, "2026-03", "FY26 P09"),  # Jul 2025 - Jun 2026 is FY26
        ("FY{fy2} P{pp}", 7, "2026-07", "FY27 P01"),
        ("FY{fy2} P{pp}", 7, "2026-06", "FY26 P12"),
        ("FY{fy4}.{p}", 4, "2026-04", "FY2027.1"),
        ("{mon} {yyyy}", 10, "2025-11", "Nov 2025"),
        ("P{pp}-{fy2}", 2, "2026-01", "P12-26"),
    ],
)
def test_fiscal_labels(pattern: str, start: int, period: str, label: str) -> None:
    fmt = PeriodFormat(pattern, start)
    assert fmt.to_anaplan(period) == label
    assert fmt.from_anaplan(label) == period


@given(
    year=st.integers(2000, 2098),
    month=st.integers(1, 12),
    start=st.integers(1, 12),
    pattern=st.sampled_from(["FY{fy2} P{pp}", "FY{fy4} P{p}", "{mon} {yy}", "{fy4}-{pp} ({mon})"]),
)
def test_fiscal_round_trip(year: int, month: int, start: int, pattern: str) -> None:
    fmt = PeriodFormat(pattern, start)
    period = f"{year:04d}-{month:02d}"
    assert fmt.from_anaplan(fmt.to_anaplan(period)) == period


@given(a=st.integers(0, 12 * 60 - 1), b=st.integers(0, 12 * 60 - 1), start=st.integers(1, 12))
def test_different_periods_never_share_a_label(a: int, b: int, start: int) -> None:
    fmt = PeriodFormat("FY{fy2} P{pp}", start)
    label = [fmt.to_anaplan(f"{2010 + n // 12:04d}-{n % 12 + 1:02d}") for n in (a, b)]
    assert (label[0] == label[1]) == (a == b)


def test_a_label_of_another_shape_is_unmapped() -> None:
    with pytest.raises(UnmappedError, match="does not match"):
        PeriodFormat("FY{fy2} P{pp}", 7).from_anaplan("Mar 26")
    with pytest.raises(UnmappedError):
        PeriodFormat("FY{fy2} P{pp}", 7).from_anaplan("FY26 P13")
    with pytest.raises(UnmappedError):  # the month contradicts the period number
        PeriodFormat("{mon} P{pp} FY{fy2}", 7).from_anaplan("Jan P09 FY26")


def test_unknown_fields_and_bad_starts_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match="unknown field"):
        PeriodFormat("FY{fiscal} P{pp}")
    with pytest.raises(ConfigurationError, match="not a month"):
        PeriodFormat("FY{fy2} P{pp}", 13)
