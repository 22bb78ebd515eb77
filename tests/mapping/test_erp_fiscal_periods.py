"""Periods of the ERP's own calendar ("YYYY-Pnn", 4-4-5 and 13-period years) to Anaplan labels and back:
by pattern (period numbers up to 13), by an explicit table, never by a guess."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml_connector import config as config_module
from ml_connector.errors import ConfigurationError, UnmappedError
from ml_connector.mapping import PeriodFormat
from ml_connector.records import FiscalPeriod, is_period


@pytest.mark.parametrize(
    ("fmt", "period", "label"),
    [
        (PeriodFormat("FY{fy2} P{pp}", calendar="erp"), "2026-P04", "FY26 P04"),
        (PeriodFormat("FY{fy2} P{pp}", calendar="erp"), "2025-P13", "FY25 P13"),
        (PeriodFormat("P{p} FY{fy4}", calendar="erp"), "2026-P13", "P13 FY2026"),
        # fiscal_year_start names the months of a 12-period year; the ERP's fiscal year is kept as it is.
        (PeriodFormat("%b %y", 1, "erp", months_of_periods=True), "2026-P04", "Apr 26"),
        (PeriodFormat("%b %y", 7, "erp", months_of_periods=True), "2026-P01", "Jul 25"),
        (PeriodFormat("{mon} FY{fy2}", 7, "erp", months_of_periods=True), "2026-P12", "Jun FY26"),
        (PeriodFormat(calendar="erp", labels={"2026-P04": "Q2 W14-17"}), "2026-P04", "Q2 W14-17"),
    ],
)
def test_erp_periods_get_their_labels_and_come_back(fmt: PeriodFormat, period: str, label: str) -> None:
    assert fmt.to_anaplan(period) == label
    assert fmt.from_anaplan(label) == period


def test_a_4_4_5_period_is_not_written_as_a_month_unless_the_flow_says_so() -> None:
    """Period 4 of a 13-period year starts on 22 March: calling it "Apr 26" would be a guess."""
    with pytest.raises(UnmappedError, match=r"2026-P04 is a period of the ERP's fiscal calendar"):
        PeriodFormat("%b %y", calendar="erp").to_anaplan("2026-P04")
    with pytest.raises(UnmappedError, match="period 13 has no month"):
        PeriodFormat("%b %y", calendar="erp", months_of_periods=True).to_anaplan("2026-P13")
    with pytest.raises(UnmappedError, match="needs one"):
        PeriodFormat("{mon} P{pp}", calendar="erp").to_anaplan("2026-P13")


def test_a_period_the_table_does_not_list_is_unmapped() -> None:
    fmt = PeriodFormat(calendar="erp", labels={"2026-P04": "FY26 P04"})
    with pytest.raises(UnmappedError, match="2026-P05 is not in the flow's period_labels table") as caught:
        fmt.to_anaplan("2026-P05")
    assert "period_labels" in caught.value.hint
    with pytest.raises(UnmappedError, match="period_labels"):
        fmt.from_anaplan("FY26 P05")


def test_calendar_months_keep_their_labels() -> None:
    assert PeriodFormat().to_anaplan("2026-03") == "Mar 26"
    assert PeriodFormat().from_anaplan("Mar 26") == "2026-03"
    assert PeriodFormat(calendar="erp", months_of_periods=True).from_anaplan("Mar 26") == "2026-P03"


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ({"2026-P04": "X", "2026-P05": "X"}, "is the label of both 2026-P04 and 2026-P05"),
        ({"2026-P14": "X"}, "is neither a month"),
        ({"2026-P04": " "}, "empty label"),
    ],
)
def test_a_bad_table_is_a_configuration_error(labels: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        PeriodFormat(labels=labels)


def test_fiscal_period_values() -> None:
    assert FiscalPeriod.parse("2026-P13") == FiscalPeriod(2026, 13)
    assert str(FiscalPeriod(2026, 4)) == "2026-P04"
    assert FiscalPeriod.parse("2026-04") is None and FiscalPeriod.parse("2026-P14") is None
    assert is_period("2026-04") and is_period("2026-P13") and not is_period("2026-P00")
    with pytest.raises(ValueError, match="not a fiscal period"):
        FiscalPeriod(2026, 14)


@given(
    year=st.integers(2000, 2098),
    number=st.integers(1, 13),
    start=st.integers(1, 12),
    pattern=st.sampled_from(["FY{fy2} P{pp}", "FY{fy4} P{p}", "P{pp}-{fy2}", "{fy4}.{pp}"]),
)
def test_erp_period_round_trip(year: int, number: int, start: int, pattern: str) -> None:
    """What plan-return reads back from a label is the ERP period the label was made from."""
    fmt = PeriodFormat(pattern, start, "erp")
    period = str(FiscalPeriod(year, number))
    assert fmt.from_anaplan(fmt.to_anaplan(period)) == period


@given(year=st.integers(2000, 2098), number=st.integers(1, 12), start=st.integers(1, 12))
def test_4_4_5_month_labels_round_trip(year: int, number: int, start: int) -> None:
    fmt = PeriodFormat("%b %Y", start, "erp", months_of_periods=True)
    period = str(FiscalPeriod(year, number))
    assert fmt.from_anaplan(fmt.to_anaplan(period)) == period


@given(
    periods=st.lists(
        st.builds(FiscalPeriod, st.integers(2020, 2030), st.integers(1, 13)), min_size=1, max_size=20, unique=True
    )
)
def test_table_round_trip(periods: list[FiscalPeriod]) -> None:
    labels = {str(p): f"FY{p.year % 100:02d} Period {p.number}" for p in periods}
    fmt = PeriodFormat(calendar="erp", labels=labels)
    for period in labels:
        assert fmt.from_anaplan(fmt.to_anaplan(period)) == period


def test_config_reads_the_table_inline_or_from_a_csv(tmp_path: Path) -> None:
    (tmp_path / "periods.csv").write_text("erp_period,label\n2026-P13,FY26 P13\n2026-P04,FY26 P04\n", "utf-8")
    path = tmp_path / "ml-connector.toml"
    path.write_text(
        """
[connections.anaplan]
system = "anaplan"
user = "u"
[connections.m3]
system = "infor"
product = "m3"
company = "100"
calendar = "erp"
[flows.a]
kind = "actuals"
source = "m3"
target = "anaplan"
model = "FP&A"
period_format = "FY{fy2} P{pp}"
period_labels_file = "periods.csv"
period_labels = {"2026-P04" = "Apr 26 (445)"}
""",
        encoding="utf-8",
    )
    fmt = config_module.load(path).flow("a").period_mapping()
    assert fmt.calendar == "erp"
    assert fmt.to_anaplan("2026-P13") == "FY26 P13"
    assert fmt.to_anaplan("2026-P04") == "Apr 26 (445)"  # the inline table wins over the file
    with pytest.raises(UnmappedError):
        fmt.to_anaplan("2026-P05")  # a table is the whole mapping: the pattern does not guess the rest


def test_config_lists_calendar_and_table_problems(tmp_path: Path) -> None:
    (tmp_path / "periods.csv").write_text("period,label\n", "utf-8")
    path = tmp_path / "ml-connector.toml"
    path.write_text(
        """
[connections.anaplan]
system = "anaplan"
user = "u"
[connections.m3]
system = "infor"
product = "m3"
calendar = "weeks"
[flows.a]
kind = "actuals"
source = "m3"
target = "anaplan"
model = "FP&A"
period_labels_file = "periods.csv"
[flows.b]
kind = "actuals"
source = "m3"
target = "anaplan"
model = "FP&A"
period_labels = {"2026-P04" = "P4", "2026-P05" = "P4"}
""",
        encoding="utf-8",
    )
    with pytest.raises(ConfigurationError) as caught:
        config_module.load(path)
    text = caught.value.message
    assert "connections.m3.calendar: 'weeks' is not one of months, erp" in text
    assert "flows.a.period_labels_file:" in text and "erp_period,label" in text
    assert "flows.b.period_labels: 'P4' is the label of both 2026-P04 and 2026-P05" in text
