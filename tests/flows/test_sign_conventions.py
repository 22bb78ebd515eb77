"""`flip_signs = ["revenue"]`: revenue budgets go to the GL as credits, revenue actuals (GL credits) reach
Anaplan as positive figures, and reconcile applies the same rule, so everything still reconciles."""

from __future__ import annotations

import httpx

from ml_connector.demo.sandbox import Sandbox
from tests.support.cli import invoke
from tests.support.returns import approved_budget, erp_journals


def flip_revenue(box: Sandbox, *flows: str) -> None:
    text = box.config_path.read_text(encoding="utf-8")
    for flow in flows:
        text = text.replace(f"[flows.{flow}]\n", f'[flows.{flow}]\nflip_signs = ["revenue"]\n')
    box.config_path.write_text(text, encoding="utf-8")


def test_a_revenue_budget_is_posted_as_a_credit(sandbox: Sandbox) -> None:
    flip_revenue(sandbox, "plan-return-infor")
    assert invoke(sandbox, "run", "plan-return-infor").exit_code == 0
    plan = approved_budget(sandbox, "1")
    for cells in erp_journals(sandbox, "infor").values():
        for (account, cc, period), amount in cells.items():
            if cc == "1900":
                continue
            expected = plan[(account, cc, period)]
            assert amount == (-expected if account.startswith("4") else expected), (account, cc, period)


def test_revenue_actuals_read_positive_and_reconcile(sandbox: Sandbox) -> None:
    flip_revenue(sandbox, "actuals-infor")
    assert invoke(sandbox, "run", "reference-infor").exit_code == 0
    assert invoke(sandbox, "run", "actuals-infor").exit_code in (0, 4)
    rows = httpx.get(f"{sandbox.url('anaplan')}/_emulator/models/FP&A/modules/Actuals/cells").json()
    revenue = [float(r["value"]) for r in rows if r["GL Accounts"].startswith("4") and r["line_item"] == "Amount"]
    assert revenue and all(v > 0 for v in revenue)
    reconciled = invoke(sandbox, "reconcile", "actuals-infor", width=200)
    assert reconciled.exit_code == 0 and " 0 differ" in reconciled.output, reconciled.output
