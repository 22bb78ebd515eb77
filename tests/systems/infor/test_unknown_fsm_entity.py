"""An FSM accounting entity the ERP does not have is a configuration error at `ping`, before a read and before
a journal is posted (as an Oracle ledger or an M3 division is): a wrong entity used to read every line and post
journals FSM would book nowhere."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ml_connector.errors import ConfigurationError
from ml_connector.records import JournalDraft, JournalLineDraft
from tests.systems.infor.conftest import Emulator

DRAFT = JournalDraft(
    "MLC-FSM-ENTITY",
    "100",
    "2026-01",
    date(2026, 1, 31),
    "USD",
    "Approved budget",
    (JournalLineDraft("6200", "1100", Decimal("10.00")), JournalLineDraft("1000", "1100", Decimal("-10.00"))),
)


def test_ping_names_the_entity_it_checked(emulator: Emulator) -> None:
    assert "accounting entity 100" in emulator.client("fsm").ping()


def test_ping_names_a_missing_company_entity_and_what_exists(emulator: Emulator) -> None:
    client = emulator.client("fsm", company="900")
    with pytest.raises(ConfigurationError, match=r"FSM has no accounting entity '900' \(it has: 100\)") as info:
        client.ping()
    assert "company" in (info.value.hint or "")


def test_a_read_on_a_missing_entity_fails_before_reading_lines(emulator: Emulator) -> None:
    client = emulator.client("fsm", fsm_accounting_entity="200")
    with pytest.raises(ConfigurationError, match="no accounting entity '200'") as info:
        next(iter(client.ledger_lines()))
    assert "fsm_accounting_entity" in (info.value.hint or "")
    read = emulator.stats()["requests"]
    assert not any("GLTransactionDetail" in path for path in read), read


def test_a_journal_for_a_missing_entity_is_not_posted(emulator: Emulator) -> None:
    before = len(emulator.journals())
    with pytest.raises(ConfigurationError, match="no accounting entity '200'"):
        emulator.client("fsm", fsm_accounting_entity="200").post_journal(DRAFT)
    assert len(emulator.journals()) == before
