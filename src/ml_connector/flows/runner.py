"""Run a flow by name, whatever its kind (its context comes from the composition root, `ml_connector.root`)."""

from __future__ import annotations

from datetime import datetime

from ml_connector.engine.runs import RunInfo
from ml_connector.engine.states import Trigger
from ml_connector.flows.actuals import ActualsFlow, RunOptions
from ml_connector.flows.context import FlowContext
from ml_connector.flows.order import run_prerequisites
from ml_connector.flows.plan_return import PlanReturnFlow
from ml_connector.flows.reference import ReferenceFlow
from ml_connector.flows.suppliers_return import SuppliersReturnFlow


def run_flow(
    ctx: FlowContext,
    name: str,
    *,
    dry_run: bool = False,
    since: datetime | None = None,
    periods: set[str] | None = None,
    trigger: Trigger = Trigger.MANUAL,
) -> RunInfo:
    if not dry_run:
        run_prerequisites(ctx, name, lambda before: run_flow(ctx, before, trigger=trigger))
    kind = ctx.config.flow(name).kind
    if kind == "actuals":
        options = RunOptions(dry_run=dry_run, since=since, periods=periods, trigger=trigger)
        return ActualsFlow(ctx, name).run(options)
    if kind == "reference":
        return ReferenceFlow(ctx, name).run(dry_run=dry_run, trigger=trigger)
    if kind == "plan-return":
        return PlanReturnFlow(ctx, name).run(dry_run=dry_run, trigger=trigger, periods=periods)
    return SuppliersReturnFlow(ctx, name).run(dry_run=dry_run, trigger=trigger)
