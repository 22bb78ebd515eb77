"""The client writes a GLS840MI batch exactly as the golden sample (tests/golden/README.md) shows it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ml_connector.records import JournalDraft, JournalLineDraft
from ml_connector.systems.infor.journals import batch_key
from ml_connector.systems.infor.m3_posting import write_batch
from tests.golden.files import gls840_calls

DRAFT = JournalDraft(
    reference="PLAN-FY27-0042",
    ledger="",
    period="2026-12",
    accounting_date=date(2026, 12, 31),
    currency="USD",
    description="FY27 plan return",
    lines=(
        JournalLineDraft("6200", "1100", Decimal("1200.00"), "plan rent"),
        JournalLineDraft("6300", "1100", Decimal("799.50"), "plan travel"),
        JournalLineDraft("2000", "1900", Decimal("-1999.50"), "plan offset"),
    ),
)


def test_the_written_batch_is_the_golden_sample_call_for_call() -> None:
    made: list[dict[str, object]] = []

    def call(program: str, transaction: str, inputs: dict[str, str]) -> list[dict[str, str]]:
        assert program == "GLS840MI"
        made.append({"transaction": transaction, "inputs": dict(inputs)})
        return [{"CONO": inputs["CONO"]}]

    base = {"CONO": "100", "DIVI": "US1", "KEY1": batch_key(DRAFT.reference)}
    assert write_batch(call, DRAFT, base) is True
    assert made == gls840_calls()
