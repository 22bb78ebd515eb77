"""M3's AP ledger books invoices negative: the lake reader turns an FPLEDG amount back to APS200MI's sign."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ml_connector.systems.infor.lake_lines import _ap_sign

AMOUNTS = st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False)


@given(AMOUNTS)
def test_the_ledger_amount_turns_to_the_invoice_amount_and_back(amount: Decimal) -> None:
    text = str(amount)
    assert Decimal(_ap_sign(text)) == -amount
    assert Decimal(_ap_sign(_ap_sign(text))) == amount


def test_an_empty_amount_stays_empty_for_the_record_to_reject() -> None:
    assert _ap_sign("  ") == ""
