"""The IDO / LPL filter language, as a table of cases (pure, no HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml_connector.emulators.infor.filters import FilterError, compare_values, parse_filter

ROW = {"Acct": "6000", "ControlYear": "2026", "Ref": "PLAN-01", "DomAmount": "-12.50", "VendNum": ""}
PROPS = list(ROW)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", True),
        ("Acct = '6000'", True),
        ("acct = '6000'", True),
        ('Acct = "6000"', True),
        ("Acct <> '6000'", False),
        ("Acct != '6000'", False),
        ("ControlYear >= 2025 AND ControlYear < 2027", True),
        ("(Acct = '401000' OR Acct = '6000') and ControlYear >= 2025", True),
        ("NOT Acct = '6000'", False),
        ("DomAmount < 0", True),
        ("DomAmount > -12.5", False),
        ("Ref LIKE 'PLAN%'", True),
        ("Ref like 'plan-0_'", True),
        ("Ref NOT LIKE 'PLAN%'", False),
        ("Acct IN ('5000', '6000')", True),
        ("Acct NOT IN ('5000', '6000')", False),
        ("VendNum IS NULL", True),
        ("Ref IS NOT NULL", True),
        ("Ref = 'it''s'", False),
    ],
)
def test_filter_cases(text: str, expected: bool) -> None:
    assert parse_filter(text, PROPS)(ROW) is expected


@pytest.mark.parametrize(
    "text",
    [
        "Nope = 1",
        "Acct = GETDATE()",
        "Acct = (SELECT 1)",
        "Acct =",
        "(Acct = '1'",
        "Acct = '1' GROUP BY Acct",
        "Acct ~ 1",
    ],
)
def test_illegal_filters_are_refused(text: str) -> None:
    with pytest.raises(FilterError):
        parse_filter(text, PROPS)


@given(
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
)
def test_numbers_compare_numerically(a: Decimal, b: Decimal) -> None:
    left, right = str(a), str(b)
    assert compare_values(left, right) == (a > b) - (a < b)


NOW = datetime(2026, 3, 31, 14, 5, 9, 250000, tzinfo=UTC)
DATED = {"TransDate": "20260228 00:00:00.000", "RecordDate": "20260331 09:00:00.000"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("RecordDate <= GETDATE()", True),
        ("RecordDate > GETDATE()", False),
        ("TransDate >= DATEADD(day, -32, GETDATE())", True),
        ("TransDate >= DATEADD(dd, -31, GETDATE())", False),  # Feb 28 14:05 is later than midnight
        ("TransDate >= DATEADD(mm, -1, GETDATE())", False),
        ("TransDate = DATEADD(month, -1, '20260331')", True),  # clamped to the end of February
        ("TransDate < dateadd(YEAR, 1, '20250301')", True),
    ],
)
def test_ido_filters_allow_getdate_and_dateadd(text: str, expected: bool) -> None:
    # The IDO guide: "the supported functions are GETDATE() and DATEADD()".
    assert parse_filter(text, list(DATED), lambda: NOW)(DATED) is expected


@pytest.mark.parametrize(
    "text",
    [
        "TransDate = DATEADD(fortnight, 1, GETDATE())",
        "TransDate = DATEADD(day, 1.5, GETDATE())",
        "TransDate = GETDATE(",
    ],
)
def test_bad_date_functions_are_refused(text: str) -> None:
    with pytest.raises(FilterError):
        parse_filter(text, list(DATED), lambda: NOW)
