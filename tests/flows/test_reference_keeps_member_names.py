"""A code mapped onto another code's member never renames it (it used to: after
`cost_center,exact,3999,3900` every reference run renamed "Europe admin" to the closed 3999's name)."""

from __future__ import annotations

from ml_connector.demo import mappings
from ml_connector.demo.sandbox import Sandbox
from ml_connector.engine.mappings import replace_mapping
from ml_connector.engine.queries import audit_page
from ml_connector.engine.states import RecordState, RunState
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow
from ml_connector.mapping.rules import parse_csv


def member_names(ctx: FlowContext, list_name: str) -> dict[str, str]:
    anaplan = ctx.clients.anaplan("anaplan")
    ref = anaplan.model("Acme Finance", "FP&A")
    return {m.code: m.name for m in anaplan.list_members(ref, list_name)}


def test_a_many_to_one_mapping_keeps_the_members_own_name(sandbox: Sandbox, ctx: FlowContext) -> None:
    rules = mappings.ORACLE + "cost_center,exact,3999,3900\n"
    replace_mapping(ctx.store, "oracle", parse_csv(rules, "oracle with the quarantine fix"))
    for _ in range(2):
        info = run_flow(ctx, "reference-oracle")
        assert info.state == RunState.SUCCEEDED, info.error
        assert member_names(ctx, "Cost Centers")["3900"] == "Europe admin"
    records = {r.source_key: r for r in audit_page(ctx.store, info.id)}
    closed = records["cost_center:3999"]
    assert closed.state == RecordState.LOADED.value
    assert "keeps the name 'Europe admin'" in closed.reason and "Europe suspense (closed)" in closed.reason
    assert records["cost_center:3900"].reason == ""


def test_without_its_own_code_the_first_code_names_the_member(sandbox: Sandbox, ctx: FlowContext) -> None:
    rules = mappings.ORACLE.replace("cost_center,exact,3900,3900\n", "") + "cost_center,pattern,39*,3950\n"
    replace_mapping(ctx.store, "oracle", parse_csv(rules, "merge 3900 and 3999 under a new member"))
    info = run_flow(ctx, "reference-oracle")
    assert info.state == RunState.SUCCEEDED, info.error
    assert member_names(ctx, "Cost Centers")["3950"] == "Europe admin"
    records = {r.source_key: r for r in audit_page(ctx.store, info.id)}
    assert "keeps the name 'Europe admin' of '3900'" in records["cost_center:3999"].reason
