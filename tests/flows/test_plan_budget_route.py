"""`post_as = "budget"`, the default where the ERP has a budget route: Oracle plan figures go to the GL
budget (budget balance import through erpintegrations), M3's to BUS100MI, not to journals; a revision loads
the changed period again (amounts replace), an emptied cell is loaded as zero, and nothing reaches the
journals an actuals run reads."""

from __future__ import annotations

from decimal import Decimal

import httpx

from ml_connector.demo.sandbox import Sandbox
from tests.support.cli import invoke
from tests.support.returns import approved_budget, erp_journals, month_of, set_budget


def use_default_post_as(box: Sandbox, flow: str, extra: str = "") -> None:
    """Drop the sandbox's `post_as = "journal"` from the flow: the default is then the ERP's budget route."""
    text = box.config_path.read_text(encoding="utf-8")
    head, block = text.split(f"[flows.{flow}]\n", 1)
    block, rest = block.split("\n[", 1)
    lines = [line for line in block.splitlines() if not line.startswith("post_as")]
    text = head + f"[flows.{flow}]\n{extra}" + "\n".join(lines) + "\n[" + rest
    box.config_path.write_text(text, encoding="utf-8")


def oracle_budget(box: Sandbox) -> dict[tuple[str, str, str], Decimal]:
    out = {}
    for row in httpx.get(f"{box.url('oracle')}/_emulator/budgets").json():
        assert row["BudgetName"] == "Budget"
        _, cc, account = row["AccountCombination"].split("-")
        if Decimal(row["Amount"]):
            out[(account, cc, month_of(row["PeriodName"], "%b-%y"))] = Decimal(row["Amount"])
    return out


def test_budget_figures_load_into_the_oracle_budget_and_revise_in_place(sandbox: Sandbox) -> None:
    use_default_post_as(sandbox, "plan-return-oracle")
    first = invoke(sandbox, "run", "plan-return-oracle", width=200)
    assert first.exit_code == 0, first.output
    assert oracle_budget(sandbox) == approved_budget(sandbox, "3")
    set_budget(sandbox, "4000", "3100", "Dec 26", "999999.99")
    set_budget(sandbox, "4100", "3100", "Dec 26", None)
    second = invoke(sandbox, "run", "plan-return-oracle", width=200)
    assert second.exit_code == 0 and "revised" in second.output, second.output
    assert invoke(sandbox, "run", "plan-return-oracle").exit_code == 0
    assert oracle_budget(sandbox) == approved_budget(sandbox, "3")
    jobs = httpx.get(f"{sandbox.url('oracle')}/_emulator/jobs").json()
    assert len(jobs) == 5  # four periods, then the one changed period once
    assert erp_journals(sandbox, "oracle") == {}  # no journal at all: nothing for actuals to meet


def m3_budget(box: Sandbox) -> dict[tuple[str, str, str], Decimal]:
    rows = httpx.get(f"{box.url('infor')}/_emulator/m3/budgets").json()
    return {
        (r["AIT1"], r["AIT2"], f"{r['BUPE'][:4]}-{r['BUPE'][4:]}"): Decimal(r["BCUA"])
        for r in rows
        if r["BVER"] == "PLN" and Decimal(r["BCUA"])
    }


def test_budget_figures_load_into_an_m3_budget_through_bus100mi(sandbox: Sandbox) -> None:
    use_default_post_as(sandbox, "plan-return-infor", 'budget_name = "PLN"\n')
    assert invoke(sandbox, "run", "plan-return-infor").exit_code == 0
    assert m3_budget(sandbox) == approved_budget(sandbox, "1")
    set_budget(sandbox, "4000", "1100", "Dec 26", "123.45")
    set_budget(sandbox, "4100", "1100", "Dec 26", None)
    revised = invoke(sandbox, "run", "plan-return-infor", width=200)
    assert revised.exit_code == 0 and "revised" in revised.output, revised.output
    assert m3_budget(sandbox) == approved_budget(sandbox, "1")
    assert erp_journals(sandbox, "infor") == {}  # nothing in GLS840 or the GL
