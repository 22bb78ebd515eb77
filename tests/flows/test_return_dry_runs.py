"""Return-flow dry runs predict what the ERP would refuse: a supplier whose name Oracle already holds under
another number, and plan lines on accounts or cost centers the ERP does not have."""

from __future__ import annotations

import json
import re

from ml_connector.demo.sandbox import Sandbox
from tests.support.cli import invoke
from tests.support.returns import set_budget


def audit_reasons(box: Sandbox, output: str, state: str) -> list[str]:
    run_id = re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.sub(r"\s", "", output))
    assert run_id, output
    audit = invoke(box, "audit", run_id.group(0), "--state", state, "--json", "--limit", "0")
    return [json.loads(line)["reason"] for line in audit.output.splitlines() if line.startswith("{")]


def add_anaplan_member(box: Sandbox, list_name: str, code: str, name: str) -> None:
    backend = box.emulators["anaplan"].backend
    with backend.lock:
        model = next(m for m in backend.models.values() if m.name == "FP&A")
        model.planning.lists[list_name].add(code, name, {"Status": "Active"} if list_name == "Suppliers" else {})


def test_a_supplier_name_clash_is_predicted_then_refused_alike(sandbox: Sandbox) -> None:
    add_anaplan_member(sandbox, "Suppliers", "5999", "Schwaben Logistik AG")  # Oracle's supplier 5002 has this name
    dry = invoke(sandbox, "run", "suppliers-return-oracle", "--dry-run", width=200)
    assert dry.exit_code in (0, 4), dry.output
    predicted = audit_reasons(sandbox, dry.output, "quarantined")
    clash = "the name 'Schwaben Logistik AG' is already used by supplier 5002"
    assert predicted == [f"dry run: the ERP would refuse it: {clash}"]
    assert any("would update supplier 5001" in r for r in audit_reasons(sandbox, dry.output, "would-load"))
    real = invoke(sandbox, "run", "suppliers-return-oracle", width=200)
    refused = audit_reasons(sandbox, real.output, "failed")
    assert len(refused) == 1 and "already exists" in refused[0]


def test_a_plan_line_on_an_account_the_erp_lacks_is_predicted_refused(sandbox: Sandbox) -> None:
    assert invoke(sandbox, "run", "plan-return-oracle").exit_code == 0
    add_anaplan_member(sandbox, "GL Accounts", "8000", "Grants")  # planned in Anaplan, not in Oracle's chart
    set_budget(sandbox, "8000", "3100", "Dec 26", "10.00")
    set_budget(sandbox, "4000", "3100", "Dec 26", "11.00")
    dry = invoke(sandbox, "run", "plan-return-oracle", "--dry-run", width=200)
    refused = audit_reasons(sandbox, dry.output, "quarantined")
    assert refused == ["dry run: the ERP would refuse it: account '8000' not in oracle"], refused
    assert any("would be revised" in r for r in audit_reasons(sandbox, dry.output, "would-load"))
