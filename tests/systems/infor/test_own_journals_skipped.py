"""Journals carrying a plan-return reference, once in the GL (M3 updated, FSM journalized), are not read as
actuals; a journal with any other reference still is."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from ml_connector.records import JournalDraft, LedgerLine
from tests.systems.infor.conftest import Emulator
from tests.systems.infor.test_journals import draft


def ours(reference: str, amount: str) -> JournalDraft:
    """A journal as plan-return writes it: every line's text starts with the reference."""
    plain = draft(reference, amount)
    return replace(plain, lines=tuple(replace(line, description=f"{reference} Budget") for line in plain.lines))


@pytest.mark.parametrize("product", ["m3", "fsm"])
def test_plan_return_journals_are_skipped_by_the_actuals_reader(emulator: Emulator, product: str) -> None:
    # FSM without a plan system (fsm_plan_system ""): the reference alone marks plan journals.
    extra = {"m3_update_batch": True} if product == "m3" else {"fsm_plan_system": ""}
    client = emulator.client(product, division="US1", **extra)
    client.post_journal(ours("MLC-BUD-0a1b2c3d-2026-01", "313.13"))
    client.post_journal(draft("MANUAL-ADJ-7", "424.24"))
    amounts = {x.amount for x in client.ledger_lines(None, None) if isinstance(x, LedgerLine)}
    assert Decimal("313.13") not in amounts and Decimal("-313.13") not in amounts
    assert Decimal("424.24") in amounts
