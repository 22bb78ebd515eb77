"""FSM has no budget route, so plan-return journalizes its run groups under a system code of their own
(`fsm_plan_system`, default PL), which the posted GL lines show as GLTransactionDetail `System`. The actuals
reader skips every line of that system, even a run group a person journalized there by hand under another
name, and reads every other system's lines as actuals. The poster still finds its run group: no second post."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ml_connector.records import LedgerLine
from tests.systems.infor.conftest import Emulator
from tests.systems.infor.test_journals import draft


def amounts(read: Iterable[object]) -> set[Decimal]:
    return {x.amount for x in read if isinstance(x, LedgerLine)}


def systems(emulator: Emulator) -> dict[str, str]:
    return {j["reference"]: j["detail"].get("System", "") for j in emulator.journals() if j["product"] == "FSM"}


def test_a_plan_system_journal_stays_out_of_actuals_and_is_not_posted_again(emulator: Emulator) -> None:
    plan = emulator.client("fsm")
    first = plan.post_journal(draft("MLC-BUD-0a1b2c3d-2026-01", "313.13"))
    by_hand = emulator.client("fsm")  # a person journalizes a plan top-up under the plan system, own run group
    by_hand.post_journal(draft("FY26 PLAN TOPUP", "515.15"))
    actual = emulator.client("fsm", fsm_plan_system="")  # an ordinary GL journal
    actual.post_journal(draft("ACCRUAL-7", "424.24"))
    assert systems(emulator) == {"MLC-BUD-0a1b2c3d-2026-01": "PL", "FY26 PLAN TOPUP": "PL", "ACCRUAL-7": ""}

    read = amounts(plan.ledger_lines(None, None))
    assert not {Decimal("313.13"), Decimal("-313.13"), Decimal("515.15"), Decimal("-515.15")} & read
    assert {Decimal("424.24"), Decimal("-424.24")} <= read

    again = plan.post_journal(draft("MLC-BUD-0a1b2c3d-2026-01", "313.13"))
    assert first.created and not again.created
    assert [j["reference"] for j in emulator.journals()].count("MLC-BUD-0a1b2c3d-2026-01") == 1


def test_another_plan_system_is_named_in_the_connection(emulator: Emulator) -> None:
    plan = emulator.client("fsm", fsm_plan_system="BU")
    plan.post_journal(draft("FY26 BUDGET LOAD", "818.18"))
    actual = emulator.client("fsm")  # reads with the default PL: BU lines are actuals to it
    assert systems(emulator)["FY26 BUDGET LOAD"] == "BU"
    assert Decimal("818.18") not in amounts(plan.ledger_lines(None, None))
    assert Decimal("818.18") in amounts(actual.ledger_lines(None, None))


def test_without_a_plan_system_journals_go_in_under_the_ledger_system(emulator: Emulator) -> None:
    client = emulator.client("fsm", fsm_plan_system="")
    client.post_journal(draft("ACCRUAL-8", "717.17"))
    assert systems(emulator)["ACCRUAL-8"] == ""
    assert Decimal("717.17") in amounts(client.ledger_lines(None, None))
