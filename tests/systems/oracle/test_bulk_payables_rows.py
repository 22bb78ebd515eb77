"""The Payables extract rows become the records the REST reader makes: a cancelled invoice at zero, the same
keys, and a report without its key column refused with a clear message."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ml_connector.records import LedgerLine
from ml_connector.systems.oracle.coa import SegmentLayout
from ml_connector.systems.oracle.errors import BulkExtractError
from ml_connector.systems.oracle.payables import bulk_invoices, bulk_payments

INVOICE = {
    "INVOICE_ID": "300000048000007",
    "INVOICE_NUM": "INV-1",
    "INVOICE_AMOUNT": "1250.50",
    "INVOICE_CURRENCY_CODE": "EUR",
    "INVOICE_DATE": "2026-03-02",
    "GL_DATE": "2026-03-03",
    "VENDOR_NUM": "5001",
    "CANCELLED_FLAG": "N",
    "LIABILITY_ACCOUNT": "300-1100-2000",
    "LAST_UPDATE_DATE": "2026-03-04T10:00:00+00:00",
}


def layout() -> SegmentLayout:
    return SegmentLayout()  # company-cost center-account


@pytest.mark.parametrize(("flag", "amount"), [("N", Decimal("1250.50")), ("Y", Decimal(0)), (None, Decimal("1250.50"))])
def test_an_invoice_row_is_the_rest_record_and_a_cancelled_one_counts_zero(flag: str | None, amount: Decimal) -> None:
    [record] = list(bulk_invoices([{**INVOICE, "CANCELLED_FLAG": flag}], layout(), "Acme EU Ledger"))
    assert isinstance(record, LedgerLine)
    assert record.source_key == "oracle:invoice:300000048000007"
    assert record.amount == amount and record.period == "2026-03" and record.supplier == "5001"
    assert (record.account, record.cost_center) == ("2000", "1100")


def test_a_row_seen_twice_is_one_record() -> None:
    assert len(list(bulk_invoices([INVOICE, INVOICE], layout(), ""))) == 1


def test_a_report_without_its_key_column_is_refused_by_name() -> None:
    with pytest.raises(BulkExtractError, match="no column CHECK_ID"):
        list(bulk_payments([{"AMOUNT": "1"}], ""))
