"""M3 plan journals go to the GLS840 interface file for review; only `m3_update_batch` puts them in the GL."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ml_connector.records import LedgerLine
from ml_connector.systems.infor import InforClient
from ml_connector.systems.infor.journals import batch_key
from ml_connector.systems.infor.m3 import M3Lines
from ml_connector.systems.infor.m3_posting import parm_line
from tests.systems.infor.conftest import Emulator
from tests.systems.infor.test_journals import draft, posted


def gl_amounts(client: InforClient, reference: str) -> list[Decimal]:
    lines = client.ledger_lines()
    return [x.amount for x in lines if isinstance(x, LedgerLine) and x.description == reference]


def calls(emulator: Emulator, transaction: str) -> int:
    by_path: dict[str, dict[str, int]] = emulator.stats()["requests"]
    return sum(sum(statuses.values()) for path, statuses in by_path.items() if transaction in path)


def test_default_leaves_the_batch_for_review_outside_the_gl(emulator: Emulator) -> None:
    client = emulator.client("m3", division="US1")
    result = client.post_journal(draft("MLC-REVIEW-1", "321.00"))
    assert result.created and result.document_id == f"US1-{batch_key('MLC-REVIEW-1')}"
    journals = posted(emulator, "MLC-REVIEW-1")
    assert [(j["status"], [ln["amount"] for ln in j["lines"]]) for j in journals] == [
        ("for review", ["321.00", "-321.00"])
    ]
    assert gl_amounts(client, "MLC-REVIEW-1") == []
    assert client.find_journal("MLC-REVIEW-1") == result.document_id
    assert calls(emulator, "UpdBatch") == 0


def test_second_post_finds_the_batch_under_review_and_adds_nothing(emulator: Emulator) -> None:
    client = emulator.client("m3", division="US1")
    first = client.post_journal(draft("MLC-REVIEW-2"))
    before = posted(emulator, "MLC-REVIEW-2")
    again = client.post_journal(draft("MLC-REVIEW-2"))
    assert first.created and not again.created and again.document_id == first.document_id
    assert posted(emulator, "MLC-REVIEW-2") == before


@pytest.mark.parametrize("transaction", ["AddBatchHead", "AddBatchLine", "CtrlBatch"])
def test_a_lost_answer_converges_on_one_complete_batch(emulator: Emulator, transaction: str) -> None:
    client = emulator.client("m3", division="US1")
    client.ping()
    emulator.put("faults", {"next_lost_response": 1, "path_contains": transaction})
    assert client.post_journal(draft(f"MLC-LOST-{transaction}")).created
    # One call more than a clean run (head 1, lines 2, control 1): the lost one was repeated.
    assert calls(emulator, transaction) == {"AddBatchHead": 2, "AddBatchLine": 3, "CtrlBatch": 2}[transaction]
    journals = posted(emulator, f"MLC-LOST-{transaction}")
    assert [(j["status"], [ln["line"] for ln in j["lines"]]) for j in journals] == [("for review", [1, 2])]
    assert client.post_journal(draft(f"MLC-LOST-{transaction}")).created is False


def test_a_batch_half_written_by_a_crash_is_completed_not_doubled(emulator: Emulator) -> None:
    client = emulator.client("m3", division="US1")
    journal = draft("MLC-CRASHED")
    base = {"CONO": "100", "DIVI": "US1", "KEY1": batch_key(journal.reference)}
    # What a process that died after the first line left behind: head and line 1, not validated.
    m3 = client.line
    assert isinstance(m3, M3Lines)
    m3.call("GLS840MI", "AddBatchHead", base | {"INTN": "GLJOURNAL", "DESC": journal.reference, "USID": "MLCONN"})
    m3.call("GLS840MI", "AddBatchLine", base | {"LINE": "1", "PARM": parm_line(journal, journal.lines[0])})
    assert [j["status"] for j in posted(emulator, "MLC-CRASHED")] == ["interface"]
    assert client.post_journal(journal).created
    journals = posted(emulator, "MLC-CRASHED")
    assert [(j["status"], [ln["amount"] for ln in j["lines"]]) for j in journals] == [
        ("for review", ["1500.00", "-1500.00"])
    ]
    assert client.post_journal(journal).created is False


def test_update_batch_posts_into_the_gl_as_before(emulator: Emulator) -> None:
    client = emulator.client("m3", division="US1", m3_update_batch=True)
    first = client.post_journal(draft("MLC-UPDATE-1", "88.00"))
    assert first.created and first.document_id.startswith("US1-2026-")
    assert [j["status"] for j in posted(emulator, "MLC-UPDATE-1")] == ["posted"]
    assert sorted(gl_amounts(client, "MLC-UPDATE-1")) == [Decimal("-88.00"), Decimal("88.00")]
    again = client.post_journal(draft("MLC-UPDATE-1", "88.00"))
    assert not again.created and again.document_id == first.document_id
    assert client.find_journal("MLC-UPDATE-1") == first.document_id


def test_update_batch_after_a_lost_update_answer_posts_once(emulator: Emulator) -> None:
    client = emulator.client("m3", division="US1", m3_update_batch=True)
    client.ping()
    emulator.put("faults", {"next_lost_response": 1, "path_contains": "UpdBatch"})
    assert client.post_journal(draft("MLC-UPDATE-LOST")).created
    assert [j["status"] for j in posted(emulator, "MLC-UPDATE-LOST")] == ["posted"]
    assert client.post_journal(draft("MLC-UPDATE-LOST")).created is False


def test_a_reviewed_batch_is_updated_once_when_update_is_switched_on(emulator: Emulator) -> None:
    emulator.client("m3", division="US1").post_journal(draft("MLC-LATER"))
    updater = emulator.client("m3", division="US1", m3_update_batch=True)
    assert updater.post_journal(draft("MLC-LATER")).created
    assert [j["status"] for j in posted(emulator, "MLC-LATER")] == ["posted"]
    assert not updater.post_journal(draft("MLC-LATER")).created
