"""The client writes the FBDI GL_INTERFACE rows exactly as the golden sample (tests/golden/README.md) lays them out."""

from __future__ import annotations

import base64
import csv
import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

from ml_connector.records import JournalDraft, JournalLineDraft
from ml_connector.systems.oracle.posting import group_id, interface_rows, zipped_csv
from tests.golden.files import gl_interface_rows

DRAFT = JournalDraft(
    reference="PLAN-FY27-0042",
    ledger="Acme EU Ledger",
    period="2026-12",
    accounting_date=date(2026, 12, 31),
    currency="EUR",
    description="FY27 plan return",
    lines=(
        JournalLineDraft("6200", "3100", Decimal("1200.00"), "plan rent"),
        JournalLineDraft("6100", "3200", Decimal("799.50"), "plan travel"),
        JournalLineDraft("2000", "3900", Decimal("-1999.50"), "plan offset"),
    ),
)


def written() -> list[list[str]]:
    return interface_rows(
        DRAFT,
        ledger_id=300000046975971,
        source="Spreadsheet",
        category="Adjustment",
        layout_positions={1: "300"},
        cost_center_segment=2,
        account_segment=3,
        now=datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
    )


def test_rows_equal_the_golden_sample_column_by_column() -> None:
    golden = gl_interface_rows()
    rows = written()
    assert len(rows) == len(golden)
    for number, (row, expected) in enumerate(zip(rows, golden, strict=True), start=1):
        # Trailing blank columns carry nothing; everything up to the last value must sit in its place.
        assert row[: len(expected)] == expected, f"row {number}"
        assert not any(row[len(expected) :]), f"row {number} has values past the template's columns"


def test_group_id_is_the_one_in_the_sample() -> None:
    assert group_id(DRAFT.reference) == gl_interface_rows()[0][66]


def test_zipped_file_holds_the_sample_as_csv() -> None:
    raw = base64.b64decode(zipped_csv(written()))
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert archive.namelist() == ["GlInterface.csv"]
        text = archive.read("GlInterface.csv").decode()
    assert list(csv.reader(io.StringIO(text))) == gl_interface_rows()
