"""Amounts written to an import file are plain decimals, never exponent form ("1E+3")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ml_connector.engine.staging_area import CellTotal, from_micros
from ml_connector.flows.actuals import supplier_row


@pytest.mark.parametrize(
    ("micros", "text"), [(50_000_000, "50"), (1_000_000_000, "1000"), (1_500_000, "1.5"), (0, "0")]
)
def test_totals_read_as_plain_decimals(micros: int, text: str) -> None:
    assert str(from_micros(micros)) == text


def test_supplier_rows_carry_plain_amounts() -> None:
    row = supplier_row("SUP|V1|Jan 26", [CellTotal("SUP|V1|Jan 26", "Invoiced", from_micros(1_000_000_000))])
    assert row["Invoiced"] == "1000" and Decimal(row["Invoiced"]) == 1000
