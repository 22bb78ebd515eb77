from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml_connector.errors import InvalidRecordError, UnmappedError
from ml_connector.mapping import PeriodFormat


@pytest.mark.parametrize(
    ("pattern", "period", "label"),
    [("%b %y", "2026-03", "Mar 26"), ("%b %Y", "2025-11", "Nov 2025"), ("FY%y-%m", "2026-12", "FY26-12")],
)
def test_to_anaplan(pattern: str, period: str, label: str) -> None:
    assert PeriodFormat(pattern).to_anaplan(period) == label


# Two-digit years read back as 2000-2068 (Python's %y pivot): the span an FP&A model covers.
@given(year=st.integers(2000, 2068), month=st.integers(1, 12), pattern=st.sampled_from(["%b %y", "%b %Y"]))
def test_round_trip(year: int, month: int, pattern: str) -> None:
    fmt = PeriodFormat(pattern)
    period = f"{year:04d}-{month:02d}"
    assert fmt.from_anaplan(fmt.to_anaplan(period)) == period


@pytest.mark.parametrize("bad", ["2026-13", "2026-3", "March", ""])
def test_bad_erp_period_is_a_record_error(bad: str) -> None:
    with pytest.raises(InvalidRecordError):
        PeriodFormat().to_anaplan(bad)


def test_label_in_another_format_is_unmapped() -> None:
    with pytest.raises(UnmappedError, match="does not match the format") as info:
        PeriodFormat("%b %y").from_anaplan("FY26 Q1")
    assert "period_format" in info.value.hint
