"""The fault suite's plan invariant, computed from the emulators' read-outs alone: after plan-return the
ERP's journals net to Anaplan's approved budget; a plan changed and not yet returned, or a journal posted
twice, is reported."""

from __future__ import annotations

import httpx
from chaos.world import set_budget

from chaos import invariants
from ml_connector.demo.sandbox import Emulators, Sandbox
from tests.support.cli import invoke

FLOWS = ["plan-return-infor"]


def test_returned_journals_net_to_the_approved_budget_and_a_change_shows(
    sandbox: Sandbox, emulators: Emulators
) -> None:
    assert invariants.plans_returned(emulators, FLOWS) != []  # nothing returned yet: every cell differs
    result = invoke(sandbox, "run", "plan-return-infor")
    assert result.exit_code == 0, result.output
    assert invariants.plans_returned(emulators, FLOWS) == []
    set_budget(emulators, "4000", "1100", "Dec 26", "4321.09")
    (found,) = invariants.plans_returned(emulators, FLOWS)
    assert "('4000', '1100', '2026-12')" in found and "approved 4321.09" in found
    result = invoke(sandbox, "run", "plan-return-infor")
    assert result.exit_code == 0, result.output
    assert invariants.plans_returned(emulators, FLOWS) == []
    journals = httpx.get(f"{sandbox.url('infor')}/_emulator/journals").json()
    assert any(str(j["reference"]).endswith("R") for j in journals)  # the revision was a reversal pair
