"""A budget returned by plan-return and then posted by a reviewer in the ERP is never loaded as actuals,
nor counted by reconcile: every actuals reader skips the journals the product posted."""

from __future__ import annotations

import httpx
import pytest

from ml_connector.demo.sandbox import Sandbox
from tests.flows.test_plan_revisions_csi_fsm import add_target
from tests.support.cli import invoke

# plan flow -> (actuals flow, how a reviewer posts the journals in the ERP emulator)
FLOWS = {
    "plan-return-oracle": ("actuals-oracle", "oracle", "/_emulator/journals/post"),
    "plan-return-infor": ("actuals-infor", "infor", "/_emulator/m3/review"),
}


def actuals_cells(box: Sandbox) -> dict[tuple[str, str, str], str]:
    rows = httpx.get(f"{box.url('anaplan')}/_emulator/models/FP&A/modules/Actuals/cells").json()
    return {(r["GL Accounts"], r["Cost Centers"], r["Time"]): r["value"] for r in rows if r["line_item"] == "Amount"}


@pytest.mark.parametrize("plan", sorted(FLOWS))
def test_a_budget_posted_by_a_reviewer_never_comes_back_as_actuals(sandbox: Sandbox, plan: str) -> None:
    actuals, system, review = FLOWS[plan]
    assert invoke(sandbox, "run", "reference-infor").exit_code == 0
    assert invoke(sandbox, "run", "reference-oracle").exit_code == 0
    assert invoke(sandbox, "run", actuals).exit_code in (0, 4)
    before = actuals_cells(sandbox)
    assert invoke(sandbox, "run", plan).exit_code == 0
    posted = httpx.post(f"{sandbox.url(system)}{review}").json()
    assert any(posted.values()), posted  # the reviewer posted our journals into the GL
    rerun = invoke(sandbox, "run", actuals, width=200)
    assert rerun.exit_code in (0, 4), rerun.output
    after = actuals_cells(sandbox)
    assert after == before  # no budget figure reached the Actuals module
    assert "Budget" not in invoke(sandbox, "mapping", "gaps", width=200).output


def test_a_csi_budget_journal_posted_by_a_reviewer_never_comes_back_as_actuals(sandbox: Sandbox) -> None:
    """CSI has no budget route: plan-return enters its journals in the plan journal (PLAN); a reviewer posts them
    to the ledger, and the CSI actuals flow never loads them."""
    plan = add_target(sandbox, "csi")
    text = sandbox.config_path.read_text(encoding="utf-8")
    block = text.split("[flows.actuals-infor]\n", 1)[1].split("\n[", 1)[0]
    block = block.replace('source = "infor"', 'source = "infor-csi"').replace("schedule = ", "# schedule = ")
    sandbox.config_path.write_text(text + f"\n[flows.actuals-csi]\n{block}\n", encoding="utf-8")
    assert invoke(sandbox, "run", "reference-infor").exit_code == 0
    assert invoke(sandbox, "run", "actuals-csi").exit_code in (0, 4)
    before = actuals_cells(sandbox)
    posted = invoke(sandbox, "run", plan, width=200)
    assert posted.exit_code == 0, posted.output
    entered = [j for j in httpx.get(f"{sandbox.url('infor')}/_emulator/journals").json() if j["product"] == "CSI"]
    assert entered and {j["detail"]["Id"] for j in entered} == {"PLAN"}
    reviewed = httpx.post(f"{sandbox.url('infor')}/_emulator/csi/review").json()["posted"]
    assert reviewed and all(ref.startswith("MLC-") for ref in reviewed)
    rerun = invoke(sandbox, "run", "actuals-csi", width=200)
    assert rerun.exit_code in (0, 4), rerun.output
    assert actuals_cells(sandbox) == before  # no budget figure reached the Actuals module
    again = invoke(sandbox, "run", plan, width=200)  # the posted journals are found: nothing posted twice
    assert again.exit_code == 0, again.output
    journals = httpx.get(f"{sandbox.url('infor')}/_emulator/journals").json()
    assert sorted(j["reference"] for j in journals if j["product"] == "CSI") == sorted(reviewed)
