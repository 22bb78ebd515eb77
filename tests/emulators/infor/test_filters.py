"""The IDO / LPL filter language, as a table of cases (pure, no HTTP)."""

from __future__ import annotations

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
