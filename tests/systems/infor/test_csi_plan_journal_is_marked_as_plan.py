"""CSI has no budget route, so plan-return posts its journals into a journal of their own (`csi_plan_journal`,
SLJournals Id). Once a reviewer posts them, the ledger rows carry that journal (FromId): the actuals reader skips
them, even one a person entered there by hand under another reference, and the poster still finds what it
posted, so a re-run does not post it again. Rows of any other journal are actuals as before."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ml_connector.records import LedgerLine
from tests.systems.infor.conftest import Emulator
from tests.systems.infor.test_journals import draft


def amounts(read: Iterable[object]) -> set[Decimal]:
    return {x.amount for x in read if isinstance(x, LedgerLine)}


def test_a_posted_plan_journal_stays_out_of_actuals_and_is_not_posted_again(emulator: Emulator) -> None:
    plan = emulator.client("csi")
    first = plan.post_journal(draft("MLC-BUD-0a1b2c3d-2026-01", "313.13"))
    by_hand = emulator.client("csi")  # someone keys a plan adjustment into the same journal, own reference
    by_hand.post_journal(draft("FY26 PLAN TOPUP", "515.15"))
    actual = emulator.client("csi", csi_plan_journal="GENERAL")  # an ordinary journal entry
    actual.post_journal(draft("ACCRUAL-7", "424.24"))
    entered = {j["reference"]: j["detail"]["Id"] for j in emulator.journals() if j["product"] == "CSI"}
    assert entered == {"MLC-BUD-0a1b2c3d-2026-01": "PLAN", "FY26 PLAN TOPUP": "PLAN", "ACCRUAL-7": "GENERAL"}

    reviewed = emulator.admin.post("csi/review").json()["posted"]
    assert sorted(reviewed) == ["ACCRUAL-7", "FY26 PLAN TOPUP", "MLC-BUD-0a1b2c3d-2026-01"]

    read = amounts(plan.ledger_lines(None, None))
    assert not {Decimal("313.13"), Decimal("-313.13"), Decimal("515.15"), Decimal("-515.15")} & read
    assert {Decimal("424.24"), Decimal("-424.24")} <= read

    found = plan.find_journal("MLC-BUD-0a1b2c3d-2026-01")
    assert found is not None and ":PLAN:posted:" in found
    again = plan.post_journal(draft("MLC-BUD-0a1b2c3d-2026-01", "313.13"))
    assert not again.created and first.created
    posted = [j for j in emulator.journals() if j["reference"] == "MLC-BUD-0a1b2c3d-2026-01"]
    assert len(posted) == 1 and posted[0]["status"] == "posted"


def test_without_a_plan_journal_the_reference_alone_marks_plan(emulator: Emulator) -> None:
    client = emulator.client("csi", csi_plan_journal="")
    client.post_journal(draft("MLC-BUD-0a1b2c3d-2026-02", "616.16"))
    client.post_journal(draft("ACCRUAL-8", "717.17"))
    emulator.admin.post("csi/review").raise_for_status()
    read = amounts(client.ledger_lines(None, None))
    assert Decimal("616.16") not in read and Decimal("717.17") in read
