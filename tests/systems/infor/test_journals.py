from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ml_connector.errors import ConfigurationError, InvalidRecordError
from ml_connector.records import JournalDraft, JournalLineDraft, LedgerLine, Supplier
from tests.systems.infor.conftest import Emulator

PRODUCTS = ("m3", "csi", "fsm")


def draft(reference: str, amount: str = "1500.00") -> JournalDraft:
    value = Decimal(amount)
    return JournalDraft(
        reference=reference,
        ledger="US1",
        period="2026-01",
        accounting_date=date(2026, 1, 31),
        currency="USD",
        description="Approved budget",
        lines=(
            JournalLineDraft("6200", "1100", value, "Utilities budget"),
            JournalLineDraft("1000", "1100", -value, "Offset"),
        ),
    )


def posted(emulator: Emulator, reference: str) -> list[dict[str, object]]:
    return [j for j in emulator.journals() if j["reference"] == reference]


@pytest.mark.parametrize("product", PRODUCTS)
def test_post_then_post_again_finds_it(emulator: Emulator, product: str) -> None:
    client = emulator.client(product, division="US1")
    ref = f"MLC-{product.upper()}-0001"
    assert client.find_journal(ref) is None
    first = client.post_journal(draft(ref))
    assert first.created and first.document_id
    again = client.post_journal(draft(ref))
    assert not again.created and again.document_id == first.document_id
    assert client.find_journal(ref) == first.document_id
    assert len(posted(emulator, ref)) == 1


@pytest.mark.parametrize("product", ["m3", "fsm"])
def test_posted_lines_are_read_back(emulator: Emulator, product: str) -> None:
    # M3 posts for review unless told to update the batch; updated, the lines are GL actuals. FSM journalizes under
    # the plan system (fsm_plan_system), whose lines are never actuals; without one they are ordinary GL lines.
    extra = {"m3_update_batch": True} if product == "m3" else {"fsm_plan_system": ""}
    client = emulator.client(product, division="US1", **extra)
    client.post_journal(draft("MLC-READBACK-1", "777.77"))
    amounts = [x.amount for x in client.ledger_lines() if isinstance(x, LedgerLine) and x.description]
    assert Decimal("777.77") in amounts and Decimal("-777.77") in amounts


@pytest.mark.parametrize("product", PRODUCTS)
def test_lost_response_does_not_duplicate(emulator: Emulator, product: str) -> None:
    client = emulator.client(product, division="US1")
    client.ping()
    writes = {"m3": "CtrlBatch", "csi": "/update/SLJournals", "fsm": "InterfaceTransactions"}[product]
    emulator.put("faults", {"next_lost_response": 1, "path_contains": writes})
    result = client.post_journal(draft(f"MLC-LOST-{product}"))
    assert result.created
    assert len(posted(emulator, f"MLC-LOST-{product}")) == 1
    assert client.post_journal(draft(f"MLC-LOST-{product}")).created is False


def test_fsm_lost_create_answer_rebuilds_the_run_group(emulator: Emulator) -> None:
    client = emulator.client("fsm")
    client.ping()
    emulator.put("faults", {"next_lost_response": 1, "path_contains": "CreateUnreleased"})
    assert client.post_journal(draft("MLC-FSM-CREATE")).created
    journals = posted(emulator, "MLC-FSM-CREATE")
    assert len(journals) == 1


def test_m3_lost_line_answer_is_tolerated(emulator: Emulator) -> None:
    client = emulator.client("m3", division="US1")
    client.ping()
    emulator.put("faults", {"next_lost_response": 1, "path_contains": "AddBatchLine"})
    assert client.post_journal(draft("MLC-M3-LINE")).created
    journals = posted(emulator, "MLC-M3-LINE")
    assert [(j["status"], len(j["lines"])) for j in journals] == [("for review", 2)]


@pytest.mark.parametrize("product", PRODUCTS)
def test_unbalanced_or_long_reference_is_a_record_error(emulator: Emulator, product: str) -> None:
    client = emulator.client(product, division="US1")
    bad = JournalDraft(
        "X" * 41, "US1", "2026-01", date(2026, 1, 31), "USD", "", (JournalLineDraft("6200", "1100", Decimal(1)),)
    )
    with pytest.raises(InvalidRecordError) as info:
        client.post_journal(bad)
    assert "balance" in str(info.value) and "longer" in str(info.value)


def test_m3_posting_needs_a_division(emulator: Emulator) -> None:
    client = emulator.client("m3")
    with pytest.raises(ConfigurationError, match="division"):
        client.post_journal(draft("MLC-NODIV"))


@pytest.mark.parametrize("product", ["m3", "csi"])
def test_supplier_upsert(emulator: Emulator, product: str) -> None:
    client = emulator.client(product)
    results = list(
        client.upsert_suppliers(
            [
                Supplier("S10001", "Great Lakes Steel Supply Co", tax_id="38-4410021", payment_terms="45"),
                Supplier("S20001", "New Vendor LLC", tax_id="11-1111111", payment_terms="30"),
            ]
        )
    )
    assert [(r.number, r.ok, r.action) for r in results] == [("S10001", True, "updated"), ("S20001", True, "created")]
    names = {s.number: s.name for s in client.suppliers()}
    assert names["S10001"] == "Great Lakes Steel Supply Co" and names["S20001"] == "New Vendor LLC"


def test_supplier_upsert_failure_is_reported_not_raised(emulator: Emulator) -> None:
    client = emulator.client("m3")
    results = list(client.upsert_suppliers([Supplier("", "No number")]))
    assert not results[0].ok and results[0].error


def test_fsm_supplier_upsert_is_refused_clearly(emulator: Emulator) -> None:
    client = emulator.client("fsm")
    with pytest.raises(ConfigurationError, match="no documented route"):
        list(client.upsert_suppliers([Supplier("S1", "x")]))


def test_m3_supplier_add_after_a_lost_answer_is_not_a_failure(emulator: Emulator) -> None:
    client = emulator.client("m3")
    client.ping()
    emulator.put("faults", {"next_lost_response": 1, "path_contains": "AddSupplier"})
    results = list(client.upsert_suppliers([Supplier("S20002", "Lost Answer Inc")]))
    assert [(r.ok, r.action) for r in results] == [(True, "created")]
    stored = [s for s in emulator.admin.get("suppliers").json() if s["id"] == "S20002"]
    assert [s["name"] for s in stored] == ["Lost Answer Inc"]
