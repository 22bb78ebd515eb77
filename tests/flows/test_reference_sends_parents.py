"""The reference flow sends the parents of accounts and cost centers: the parent members first, into the
lists' parent lists, then each member with a Parent column. Oracle's come from its account hierarchy
trees (fndTreeNodes); an ERP without a hierarchy the product reads (Infor M3 here) takes a parents_file.
A member whose parent is unknown, is itself, or leads back to it is quarantined, never sent."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from ml_connector import config as config_module
from ml_connector.demo import mappings
from ml_connector.demo.sandbox import Sandbox
from ml_connector.engine.mappings import replace_mapping
from ml_connector.engine.queries import audit_page
from ml_connector.engine.states import RecordState, RunState
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow
from ml_connector.mapping.rules import parse_csv
from ml_connector.root import Root
from tests.support.cli import invoke

COMMON = 'target = "anaplan"\nworkspace = "Acme Finance"\nmodel = "FP&A"\n'
WITH_PARENTS = (
    'accounts_import = "Load GL Accounts with Parents"\n'
    'cost_centers_import = "Load Cost Centers with Parents"\n'
    'account_groups_import = "Load Account Groups"\n'
    'cost_center_groups_import = "Load Cost Center Groups"\n'
)
ORACLE_TREES = (
    'account_tree = "ACME_EU_ACCOUNT_HIERARCHY"\n'
    'cost_center_tree = "ACME_EU_COST_CENTER_HIERARCHY"\n'
    'ledger_name = "Acme EU Ledger"\n'
)


def add_flows(sandbox: Sandbox, parents_file: str = "", account_groups_import: str = "Load Account Groups") -> None:
    text = sandbox.config_path.read_text(encoding="utf-8")
    # The Oracle connection names its account and cost center hierarchies.
    text = text.replace('ledger_name = "Acme EU Ledger"\n', ORACLE_TREES, 1)
    with_parents = WITH_PARENTS.replace("Load Account Groups", account_groups_import)
    text += f'\n[flows.tree-oracle]\nkind = "reference"\nsource = "oracle"\nmapping = "oracle"\n{COMMON}{with_parents}'
    text += f'\n[flows.tree-infor]\nkind = "reference"\nsource = "infor"\nmapping = "infor"\n{COMMON}{with_parents}'
    if parents_file:
        text += f'parents_file = "{parents_file}"\n'
    sandbox.config_path.write_text(text, encoding="utf-8")


@contextmanager
def flows_with_parents(sandbox: Sandbox, parents_file: str = "", **options: str) -> Iterator[FlowContext]:
    """The sandbox's config with the tree-oracle and tree-infor flows, and a flow context over it."""
    add_flows(sandbox, parents_file, **options)
    root = Root(config_module.load(sandbox.config_path))
    try:
        yield root.flow_context()
    finally:
        root.close()


def members(sandbox: Sandbox, list_name: str) -> dict[str, dict[str, str]]:
    """The Anaplan emulator's members of a list, by code (its admin read-out: parent as the parent's code)."""
    url = f"{sandbox.url('anaplan')}/_emulator/models/FP&A/lists/{list_name}/items"
    return {m["code"]: m for m in httpx.get(url, timeout=10).json()}


def states(ctx: FlowContext, run_id: str) -> dict[str, tuple[str, str]]:
    return {r.source_key: (r.state, r.reason) for r in audit_page(ctx.store, run_id, limit=1000)}


def test_oracle_parents_are_loaded_before_their_children(sandbox: Sandbox) -> None:
    add_flows(sandbox)
    result = invoke(sandbox, "run", "tree-oracle")
    assert result.exit_code == 0, result.output
    groups = members(sandbox, "Account Groups")
    assert {c: m["name"] for c, m in groups.items()} == {
        "COGS": "Cost of goods sold",
        "OPEX": "Operating expenses",
        "TBS": "Balance sheet",
        "TREV": "Revenue",
    }
    accounts = members(sandbox, "GL Accounts")
    assert accounts["6100"]["parent"] == "OPEX" and accounts["4000"]["parent"] == "TREV"
    assert accounts["1000"]["parent"] == "TBS"
    centers = members(sandbox, "Cost Centers")
    assert {c: centers[c]["parent"] for c in ("3100", "3200", "3300", "3900")} == {
        "3100": "EUPL",
        "3200": "EUPL",
        "3300": "EUPL",
        "3900": "EUAD",
    }
    assert set(members(sandbox, "Cost Center Groups")) == {"EUPL", "EUAD"}


def test_the_transactional_api_shows_each_members_parent(sandbox: Sandbox) -> None:
    with flows_with_parents(sandbox) as ctx:
        assert run_flow(ctx, "tree-oracle").state == RunState.PARTIAL  # the seed's unmapped 3999
        anaplan = ctx.clients.anaplan("anaplan")
        ref = anaplan.model("Acme Finance", "FP&A")
        by_code = {m.code: m for m in anaplan.list_members(ref, "GL Accounts")}
    assert by_code["6100"].parent == "Operating expenses"
    assert by_code["5000"].parent == "Cost of goods sold"


def test_a_parent_not_in_the_parent_list_fails_the_row_in_anaplan(sandbox: Sandbox) -> None:
    """Parents loaded into the wrong list: Anaplan refuses the account row whose parent is not a member of
    the accounts' parent list, and that account's record is failed with Anaplan's reason."""
    (sandbox.folder / "parents.csv").write_text(
        "kind,code,parent,name\naccount_group,PL,,Profit and loss\naccount,4000,PL,\ncost_center_group,US,,US\n",
        encoding="utf-8",
    )
    with flows_with_parents(sandbox, "parents.csv", account_groups_import="Load Cost Center Groups") as ctx:
        info = run_flow(ctx, "tree-infor")
        assert info.state == RunState.PARTIAL, info.error
        found = states(ctx, info.id)
    state, reason = found["account:4000"]
    assert state == RecordState.FAILED.value
    assert "Invalid parent" in reason and "PL" in reason
    assert found["account:4100"][0] == RecordState.LOADED.value  # no parent: at the top of the list
    assert members(sandbox, "GL Accounts")["4000"]["parent"] == ""
    assert "PL" not in members(sandbox, "Account Groups")


def test_infor_parents_come_from_the_parents_file(sandbox: Sandbox) -> None:
    parents = sandbox.folder / "parents.csv"
    parents.write_text(
        "kind,code,parent,name\n"
        "cost_center_group,US-PLANTS,,US plants\n"
        "cost_center_group,MX-PLANTS,,Mexican plants\n"
        "cost_center,1100,US-PLANTS,\n"
        "cost_center,1300,US-PLANTS,\n"
        "cost_center,1200,MX-PLANTS,\n"
        "account_group,PL,,Profit and loss\n"
        "account,4000,PL,\n",
        encoding="utf-8",
    )
    with flows_with_parents(sandbox, parents_file="parents.csv") as ctx:
        info = run_flow(ctx, "tree-infor")
        assert info.state == RunState.SUCCEEDED, info.error
        found = states(ctx, info.id)
    centers = members(sandbox, "Cost Centers")
    assert centers["1100"]["parent"] == "US-PLANTS" and centers["1200"]["parent"] == "MX-PLANTS"
    assert members(sandbox, "Cost Center Groups")["MX-PLANTS"]["name"] == "Mexican plants"
    assert members(sandbox, "GL Accounts")["4000"]["parent"] == "PL"
    assert found["cost_center_group:US-PLANTS"][0] == RecordState.LOADED.value
    assert found["cost_center:1100"][0] == RecordState.LOADED.value


def test_unknown_parents_self_parents_and_cycles_are_quarantined(sandbox: Sandbox) -> None:
    parents = sandbox.folder / "parents.csv"
    parents.write_text(
        "kind,code,parent,name\n"
        "cost_center_group,US-PLANTS,,US plants\n"
        "cost_center,1100,US-PLANTS,\n"
        "cost_center,1200,NOWHERE,\n"  # unknown parent
        "cost_center,1300,1300,\n"  # its own parent
        "account,4000,4100,\n"  # 4000 -> 4100 -> 4000: a cycle
        "account,4100,4000,\n"
        "account,5000,6000,\n"  # a posting account as parent
        "account_group,PL,,Profit and loss\n"
        "account,6000,PL,\n",
        encoding="utf-8",
    )
    with flows_with_parents(sandbox, parents_file="parents.csv") as ctx:
        info = run_flow(ctx, "tree-infor")
        assert info.state == RunState.PARTIAL, info.error
        found = states(ctx, info.id)
    assert found["cost_center:1100"][0] == RecordState.LOADED.value
    state, reason = found["cost_center:1200"]
    assert state == RecordState.QUARANTINED.value and "parent 'NOWHERE' is unknown" in reason
    state, reason = found["cost_center:1300"]
    assert state == RecordState.QUARANTINED.value and "'1300' is its own parent" in reason
    for code in ("4000", "4100"):
        state, reason = found[f"account:{code}"]
        assert state == RecordState.QUARANTINED.value and "cycle" in reason, reason
    assert "4000 -> 4100 -> 4000" in found["account:4000"][1]
    state, reason = found["account:5000"]
    assert state == RecordState.QUARANTINED.value and "'6000' is itself a member" in reason
    accounts = members(sandbox, "GL Accounts")
    assert accounts["6000"]["parent"] == "PL"
    # Quarantined members were not sent: the seeded ones are unchanged, a new one never appears.
    assert accounts["4000"]["parent"] == "" and members(sandbox, "Cost Centers")["1300"]["parent"] == ""
    assert "1200" in members(sandbox, "Cost Centers") and members(sandbox, "Cost Centers")["1200"]["parent"] == ""


def test_a_many_to_one_mapping_reports_a_parent_conflict(sandbox: Sandbox) -> None:
    with flows_with_parents(sandbox) as ctx:
        # 3999 (under EUAD) maps onto 3100 (under EUPL): 3100 keeps its own parent, 3999's record says so.
        replace_mapping(ctx.store, "oracle", parse_csv(mappings.ORACLE + "cost_center,exact,3999,3100\n", "merge"))
        info = run_flow(ctx, "tree-oracle")
        assert info.state == RunState.SUCCEEDED, info.error
        state, reason = states(ctx, info.id)["cost_center:3999"]
    assert members(sandbox, "Cost Centers")["3100"]["parent"] == "EUPL"
    assert state == RecordState.LOADED.value
    assert "the parent 'EUPL' of '3100'" in reason and "parent 'EUAD' was not sent" in reason


def test_parents_without_a_hierarchy_is_a_configuration_error(sandbox: Sandbox) -> None:
    add_flows(sandbox)
    result = invoke(sandbox, "run", "tree-infor")
    assert result.exit_code != 0
    assert "publishes no account hierarchy" in result.output and "parents_file" in result.output
    assert "Traceback" not in result.output


def test_a_dry_run_sends_no_parent_and_a_second_run_keeps_them(sandbox: Sandbox) -> None:
    with flows_with_parents(sandbox) as ctx:
        dry = run_flow(ctx, "tree-oracle", dry_run=True)
        found = states(ctx, dry.id)
        assert found["account_group:OPEX"][0] == RecordState.WOULD_LOAD.value
        assert found["account:6100"][0] == RecordState.WOULD_LOAD.value
        assert members(sandbox, "Account Groups") == {}
        for _ in range(2):
            info = run_flow(ctx, "tree-oracle")
            assert info.state == RunState.PARTIAL, info.error  # the seed's unmapped 3999
        found = states(ctx, info.id)
    assert found["account_group:OPEX"][0] == RecordState.LOADED.value
    assert len(members(sandbox, "Account Groups")) == 4
    assert members(sandbox, "GL Accounts")["6100"]["parent"] == "OPEX"
