"""a malformed date or stamp on one row is a rejected record, never an exception that ends the read."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from ml_connector.records import RejectedRecord
from ml_connector.systems.oracle import SegmentLayout
from ml_connector.systems.oracle.journals import line_record, wanted_batch
from ml_connector.systems.oracle.payables import _invoice

from .test_journals import BATCH, HEADER, _line


@pytest.mark.parametrize(
    ("header", "line"),
    [
        ({"DefaultEffectiveDate": "31/01/2026"}, {}),
        ({}, {"LastUpdateDate": "yesterday"}),
    ],
)
def test_malformed_journal_dates_are_rejected(header: dict[str, Any], line: dict[str, Any]) -> None:
    record = line_record("k", BATCH, HEADER | header, _line(AccountedDr=Decimal(1), **line), SegmentLayout())
    assert isinstance(record, RejectedRecord)
    assert "date" in record.reason.lower() or "stamp" in record.reason.lower()


@pytest.mark.parametrize(
    "fields", [{"LastUpdateDate": "not a stamp"}, {"AccountingDate": "2026-13-45"}, {"InvoiceDate": "soon"}]
)
def test_malformed_invoice_dates_are_rejected(fields: dict[str, Any]) -> None:
    row = {
        "InvoiceId": 7,
        "InvoiceAmount": Decimal("5.00"),
        "LiabilityDistribution": "300-3100-2100",
        "InvoiceDate": "2026-01-05",
        **fields,
    }
    assert isinstance(_invoice("k", row, SegmentLayout(), "L"), RejectedRecord)


def test_batch_with_a_malformed_stamp_is_read_so_its_lines_are_rejected_visibly() -> None:
    assert wanted_batch(BATCH | {"LastUpdateDate": "garbage"}, datetime(2026, 2, 1, tzinfo=UTC))
