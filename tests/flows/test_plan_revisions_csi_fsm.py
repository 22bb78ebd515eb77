"""The revision guarantees on Infor CSI (SLJournals) and FSM (GLTransactionInterface): a changed budget
gives one reversal and one new journal, and the ERP's totals equal Anaplan's."""

from __future__ import annotations

import pytest

from ml_connector import config as config_module
from ml_connector.demo.sandbox import FAST_RETRY, Sandbox
from ml_connector.root import Root
from tests.support.cli import invoke
from tests.support.returns import approved_budget, erp_journals, erp_totals, set_budget

PRODUCTS = {
    "csi": {"mongoose_config": "ACME_TST_US1", "csi_site": "US1"},
    "fsm": {"company": "100"},
}


def add_target(box: Sandbox, product: str) -> str:
    """An Infor connection for `product` (the sandbox's .ionapi secrets) and a plan-return flow into it."""
    path = box.config_path
    options = {"product": product, "allow_any_url": True, "requests_per_minute": 6000, **FAST_RETRY}
    config_module.append_connection(path, f"infor-{product}", "infor", options | PRODUCTS[product])
    root = Root(config_module.load(path))
    try:
        vault = root.vault()
        vault.put(f"infor-{product}", "infor", vault.get("infor"))
    finally:
        root.close()
    flow = f"plan-return-{product}"
    text = path.read_text(encoding="utf-8")
    block = text.split("[flows.plan-return-infor]\n", 1)[1].split("\n[", 1)[0]
    block = block.replace('target = "infor-us1"', f'target = "infor-{product}"')
    path.write_text(text + f"\n[flows.{flow}]\n{block}\n", encoding="utf-8")
    return flow


@pytest.mark.parametrize("product", sorted(PRODUCTS))
def test_a_changed_budget_is_reversed_and_posted_again_once(sandbox: Sandbox, product: str) -> None:
    flow = add_target(sandbox, product)
    first_run = invoke(sandbox, "run", flow, width=200)
    assert first_run.exit_code == 0, first_run.output
    first = erp_journals(sandbox, "infor")
    assert first
    set_budget(sandbox, "4000", "1100", "Dec 26", "999999.99")
    for _ in range(2):
        again = invoke(sandbox, "run", flow, width=200)
        assert again.exit_code == 0, again.output
    new = sorted(set(erp_journals(sandbox, "infor")) - set(first))
    assert len(new) == 2 and new[0].endswith("-2R") and new[1].endswith("-3J"), new
    assert erp_totals(sandbox, "infor", "1900") == approved_budget(sandbox, "1")
