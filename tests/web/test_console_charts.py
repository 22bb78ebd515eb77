"""The console's server-drawn charts: periods in time order whatever their label shape, bars to scale,
a sparkline that says its numbers; only escaped text goes into the SVG."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ml_connector.web.charts import period_bars, sparkline
from ml_connector.web.reconciliation import period_order

# Two-digit years read as 1969-2068, as strptime reads them.
months = st.dates(min_value=date(2001, 1, 1), max_value=date(2068, 12, 31)).map(lambda d: d.replace(day=1))


@given(st.lists(months, unique=True, min_size=1, max_size=30), st.sampled_from(["%b %y", "%Y-%m", "%b %Y"]))
def test_periods_sort_in_time_order(moments: list[date], shape: str) -> None:
    labels = [m.strftime(shape) for m in moments]
    assert sorted(labels, key=period_order) == [m.strftime(shape) for m in sorted(moments)]


def test_bars_are_to_scale_and_labels_escaped() -> None:
    svg = str(period_bars([("Jan 26", Decimal(100), Decimal(50)), ("<b>", Decimal(0), Decimal(0))], height=220))
    heights = [float(part.split('"')[0]) for part in svg.split('height="')[2:6]]
    assert heights[0] == 2 * heights[1] > 0 and heights[2] == heights[3] == 0
    assert "&lt;b&gt;" in svg and "<b>" not in svg


def test_sparkline_says_its_numbers() -> None:
    assert 'aria-label="loaded records per run, oldest first: 3, 0, 7"' in str(sparkline([3, 0, 7]))
    assert "<circle" in str(sparkline([5]))  # a single run still shows
    assert 'aria-label="no runs"' in str(sparkline([]))
