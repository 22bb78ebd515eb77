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


@pytest.mark.parametrize("product", ["csi", "fsm"])
def test_an_infor_budget_journal_in_the_gl_never_comes_back_as_actuals(sandbox: Sandbox, product: str) -> None:
    """CSI and FSM have no budget route. CSI: plan-return enters its journals in the plan journal (PLAN) and a
    reviewer posts them to the ledger; FSM: the run group is journalized into the GL at once, under the plan system
    (PL, the GL lines' `System`). Either way the product line's actuals flow never loads them, and a re-run of
    plan-return posts nothing twice."""
    plan = add_target(sandbox, product)
    actuals = f"actuals-{product}"
    text = sandbox.config_path.read_text(encoding="utf-8")
    block = text.split("[flows.actuals-infor]\n", 1)[1].split("\n[", 1)[0]
    block = block.replace('source = "infor"', f'source = "infor-{product}"').replace("schedule = ", "# schedule = ")
    sandbox.config_path.write_text(text + f"\n[flows.{actuals}]\n{block}\n", encoding="utf-8")
    assert invoke(sandbox, "run", "reference-infor").exit_code == 0
    assert invoke(sandbox, "run", actuals).exit_code in (0, 4)
    before = actuals_cells(sandbox)
    posted = invoke(sandbox, "run", plan, width=200)
    assert posted.exit_code == 0, posted.output
    infor = sandbox.url("infor")
    mine = [j for j in httpx.get(f"{infor}/_emulator/journals").json() if j["product"] == product.upper()]
    assert mine and all(j["reference"].startswith("MLC-") for j in mine)
    if product == "csi":
        assert {j["detail"]["Id"] for j in mine} == {"PLAN"}
        reviewed = httpx.post(f"{infor}/_emulator/csi/review").json()["posted"]
        assert sorted(reviewed) == sorted(j["reference"] for j in mine)
    else:
        assert {j["detail"]["System"] for j in mine} == {"PL"}
    rerun = invoke(sandbox, "run", actuals, width=200)
    assert rerun.exit_code in (0, 4), rerun.output
    assert actuals_cells(sandbox) == before  # no budget figure reached the Actuals module
    again = invoke(sandbox, "run", plan, width=200)
    assert again.exit_code == 0, again.output
    after = [j for j in httpx.get(f"{infor}/_emulator/journals").json() if j["product"] == product.upper()]
    assert sorted(j["reference"] for j in after) == sorted(j["reference"] for j in mine)
