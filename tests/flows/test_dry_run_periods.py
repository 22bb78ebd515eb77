"""The dry run checks every period label against the model's time dimension (with `period_format =
"%Q"` it used to say "would-load 663", and the real run failed every row with "Item not located")."""

from __future__ import annotations

from ml_connector import config as config_module
from ml_connector.demo.sandbox import Sandbox
from ml_connector.engine.queries import audit_page
from ml_connector.engine.states import RecordState
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow
from ml_connector.root import Root


def set_period_format(box: Sandbox, value: str) -> None:
    text = box.config_path.read_text(encoding="utf-8")
    marker = "\n[flows.actuals-oracle]\n"
    box.config_path.write_text(text.replace(marker, f'{marker}period_format = "{value}"\n'), encoding="utf-8")


def test_labels_outside_the_time_dimension_would_be_rejected(sandbox: Sandbox, ctx: FlowContext) -> None:
    assert not run_flow(ctx, "reference-oracle").error
    set_period_format(sandbox, "Q%m %Y")
    root = Root(config_module.load(sandbox.config_path))
    try:
        info = run_flow(root.flow_context(), "actuals-oracle", dry_run=True)
    finally:
        root.close()
    gl = [r for r in audit_page(ctx.store, info.id) if r.kind == "gl" and r.target_key.startswith("GL|")]
    assert gl and info.counts.get(RecordState.WOULD_LOAD.value, 0) == 0
    assert {r.state for r in gl} == {RecordState.QUARANTINED.value}
    assert all("is not in the model's time dimension" in r.reason for r in gl)


def test_labels_of_the_model_would_load(sandbox: Sandbox, ctx: FlowContext) -> None:
    assert not run_flow(ctx, "reference-oracle").error
    info = run_flow(ctx, "actuals-oracle", dry_run=True)
    assert info.counts.get(RecordState.WOULD_LOAD.value, 0) > 100
    assert not [r for r in audit_page(ctx.store, info.id) if "time dimension" in r.reason]
