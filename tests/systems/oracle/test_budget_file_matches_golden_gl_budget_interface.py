"""The client's GL_BUDGET_INTERFACE writer against the golden FBDI budget sample (tests/golden/README.md), on its
own: the emulator's reader is tested against the same file elsewhere, and neither side shares a table with the
other."""

from __future__ import annotations

import base64
import csv
import io
import zipfile
from decimal import Decimal

from ml_connector.records import BudgetDraft, JournalLineDraft
from ml_connector.systems.oracle.budgets import budget_request, budget_rows, period_name
from ml_connector.systems.oracle.posting import zipped_csv
from tests.golden.files import gl_budget_interface_rows

DRAFTS = (
    BudgetDraft(
        reference="PLAN-FY27-0042",
        budget="Budget",
        ledger="Acme EU Ledger",
        period="2026-12",
        currency="EUR",
        lines=(
            JournalLineDraft("6200", "3100", Decimal("1200.00"), "plan rent"),
            JournalLineDraft("6100", "3200", Decimal("799.50"), "plan travel"),
        ),
    ),
    BudgetDraft(
        reference="PLAN-FY27-0042",
        budget="Budget",
        ledger="Acme EU Ledger",
        period="2027-01",
        currency="EUR",
        lines=(JournalLineDraft("4000", "3100", Decimal("-5000.00"), "plan revenue"),),
    ),
)


def written() -> list[list[str]]:
    rows: list[list[str]] = []
    for draft in DRAFTS:
        rows += budget_rows(
            draft, ledger_id=300000046975971, layout_positions={1: "300"}, cost_center_segment=2, account_segment=3
        )
    return rows


def test_rows_equal_the_golden_sample_column_by_column() -> None:
    golden = gl_budget_interface_rows()
    rows = written()
    assert len(rows) == len(golden) == 3
    for number, (row, expected) in enumerate(zip(rows, golden, strict=True), start=1):
        assert len(expected) == 38, f"golden row {number}"
        assert row == expected, f"row {number}"


def test_the_ledger_is_named_by_id_only_as_the_interface_asks() -> None:
    # "Use either LEDGER_NAME or LEDGER_ID, but not both" (oedmf GL_BUDGET_INTERFACE).
    for row in written():
        assert row[2] and not row[37]


def test_period_names_are_the_calendar_names_in_the_sample() -> None:
    assert [period_name(d.period) for d in DRAFTS] == ["Dec-26", "Jan-27"]


def test_the_zipped_file_is_named_for_the_budget_import_and_holds_the_sample() -> None:
    document = zipped_csv(written(), "GlBudgetInterface.csv")
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(document))) as archive:
        assert archive.namelist() == ["GlBudgetInterface.csv"]
        text = archive.read("GlBudgetInterface.csv").decode()
    assert list(csv.reader(io.StringIO(text))) == gl_budget_interface_rows()
    body = budget_request(document, "GlBudgetInterface")
    assert body["DocumentAccount"].replace("$", "") == "fin/generalLedgerBudgetBalance/import"
    assert body["FileName"] == "GlBudgetInterface.zip"
