"""`run`, `runs`, `audit`, `replay`, `reconcile`: running flows and seeing what happened to every record."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import typer
from rich.table import Table

from ml_connector.cli.context import AppContext, flow_context
from ml_connector.cli.display import LiveProgress, console, plain, run_summary, runs_table
from ml_connector.cli.errors import RECONCILE_DIFFERENCES
from ml_connector.engine.queries import audit_page, find_run, run_history
from ml_connector.engine.runs import RunInfo
from ml_connector.engine.states import RecordState, RunState
from ml_connector.errors import ConfigurationError, RecordError
from ml_connector.flows.order import pending
from ml_connector.flows.reconcile import Reconciliation, reconcile, repair
from ml_connector.flows.replay import replay as replay_run
from ml_connector.flows.runner import run_flow
from ml_connector.records import is_period


def _periods(values: list[str]) -> set[str] | None:
    bad = [v for v in values if not is_period(v)]
    if bad:
        raise ConfigurationError(
            f"--period {bad[0]!r} is neither a month YYYY-MM nor a fiscal period YYYY-Pnn",
            hint='Write e.g. --period 2026-03, or --period 2026-P04 for a connection with calendar = "erp".',
        )
    return set(values) or None


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigurationError(
            f"--since {value!r} is not an ISO date or time", hint="Write e.g. 2026-03-01."
        ) from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if moment > datetime.now(UTC):
        raise ConfigurationError(
            f"--since {value} is in the future: there is nothing to read after it yet",
            hint="Give a time in the past (e.g. the start of the month to read again), or leave --since out.",
        )
    return moment


def _finish(app: AppContext, run: RunInfo, strict: bool) -> None:
    console.print(run_summary(run, app.redact))
    route = run.detail.get("extract")
    if route == "bulk" or "estimated_lines" in run.detail:
        estimate = run.detail.get("estimated_lines")
        about = f" (about {estimate:,} lines estimated since the watermark)" if estimate is not None else ""
        way = str(run.detail.get("extract_how") or "one bulk read") if route == "bulk" else "REST pages"
        console.print(f"GL lines read through {way}{about}")
    bulk_kinds = [kind for kind in ("invoices", "payments") if run.detail.get(f"extract_{kind}") == "bulk"]
    if bulk_kinds:
        console.print(f"Supplier {' and '.join(bulk_kinds)} read through one bulk read each")
    preliminary = run.detail.get("preliminary") or []
    if preliminary:
        console.print(f"[yellow]still open in the ERP, figures preliminary: {', '.join(preliminary)}[/]")
    check = run.detail.get("balance_check") or {}
    if check.get("differing"):
        console.print(
            f"[yellow]warning: {check['differing']} cell(s) differ from the ERP's own balances "
            f"({', '.join(check['periods'])}): lines the run could not see or load[/]"
        )
        for cell in check["cells"]:
            console.print(f"  {cell['cell']}: ERP {cell['erp']}, loaded {cell['loaded']}")
    bad = 0
    for state in (RecordState.QUARANTINED, RecordState.FAILED):
        count = run.counts.get(state.value, 0)
        bad += count
        if count:
            console.print(f"{count} record(s) {state.value}: `ml-connector audit {run.id[:8]} --state {state.value}`")
    if strict and (bad or run.state != RunState.SUCCEEDED):
        raise typer.Exit(RecordError.exit_code)


def run(
    ctx: typer.Context,
    flow: str = typer.Argument(..., help="The flow's name in the config file."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Read, map and check; write nothing to any system."),
    since: str | None = typer.Option(None, help="Read from this time instead of the watermark (ISO)."),
    period: list[str] = typer.Option([], "--period", help="Only these periods, YYYY-MM or YYYY-Pnn (repeatable)."),
    strict: bool = typer.Option(False, help="Exit 7 when any record was quarantined or failed."),
) -> None:
    """Run a flow now (waits its turn if the model or flow is busy)."""
    app: AppContext = ctx.obj
    moment, periods = _since(since), _periods(period)  # the arguments first: they cost nothing to check
    app.config().flow(flow)
    with LiveProgress(f"{flow}{' (dry run)' if dry_run else ''}") as progress:
        context = flow_context(app, progress)
        for before, why in pending(context, flow):
            console.print(f"{flow} runs after {before}: {why}{' (not for a dry run)' if dry_run else ''}")
        info = run_flow(context, flow, dry_run=dry_run, since=moment, periods=periods)
    _finish(app, info, strict)


def runs(
    ctx: typer.Context,
    flow: str | None = typer.Option(None, help="Only this flow."),
    limit: int = typer.Option(20, min=1, help="How many, newest first."),
) -> None:
    """List recent runs."""
    app: AppContext = ctx.obj
    found = run_history(app.store(), flow, limit)
    if flow is not None and not found and flow not in app.config().flows:
        app.config().flow(flow)  # no run and no such flow: say so (known flows listed), not an empty table
    console.print(runs_table(found))


def audit(
    ctx: typer.Context,
    run_id: str = typer.Argument(..., help="A run id (or its first characters)."),
    state: str | None = typer.Option(None, help="Only records in this state (e.g. quarantined, failed)."),
    limit: int = typer.Option(50, help="How many records to show (0: all)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line, with the payload."),
) -> None:
    """Show what happened to every record of a run."""
    app: AppContext = ctx.obj
    info = find_run(app.store(), run_id)
    if state is not None and state not in {s.value for s in RecordState}:
        raise ConfigurationError(f"unknown state {state!r}", hint=f"Use one of {[s.value for s in RecordState]}.")
    rows = audit_page(app.store(), info.id, state=state, limit=limit or None)
    if as_json:
        for r in rows:
            line = {
                "source": r.source,
                "source_key": r.source_key,
                "kind": r.kind,
                "state": r.state,
                "target": r.target_key,
                "target_ref": r.target_ref,
                "reason": r.reason,
                "hint": r.hint,
                "payload": r.payload,
            }
            typer.echo(app.redact(json.dumps(line)))
        return
    console.print(run_summary(info, app.redact))
    table = Table("source key", "kind", "state", "target", "reason / what to do")
    for r in rows:
        reason, hint = plain(app.redact(r.reason)), plain(app.redact(r.hint))
        why = f"{reason}\n[dim]{hint}[/]" if r.hint else reason
        table.add_row(plain(r.source_key), plain(r.kind), r.state, plain(r.target_ref or r.target_key), why)
    console.print(table)


def replay(
    ctx: typer.Context, run_id: str = typer.Argument(..., help="The run whose failed records to resend.")
) -> None:
    """Resend a run's quarantined and failed records whose cause is fixed (from their stored payloads)."""
    app: AppContext = ctx.obj
    with LiveProgress(f"replay {run_id[:8]}") as progress:
        info = replay_run(flow_context(app, progress), run_id)
    if info is None:
        typer.echo(
            f"nothing to replay: run {run_id} has no quarantined or failed record that a later run has not "
            "already read again (see `ml-connector audit RUN --state quarantined`)"
        )
        return
    _finish(app, info, strict=False)


def reconcile_command(
    ctx: typer.Context,
    flow: str = typer.Argument(..., help="An actuals flow."),
    period: list[str] = typer.Option([], "--period", help="YYYY-MM or YYYY-Pnn (repeatable); all if none."),
    fix: bool = typer.Option(
        False, "--repair", help="Resend the full totals of the cells that differ, then reconcile again."
    ),
) -> None:
    """Compare ERP totals per cell with what Anaplan holds; exit 10 on a difference (left after --repair)."""
    app: AppContext = ctx.obj
    periods = sorted(_periods(period) or [])
    with LiveProgress(f"reconcile {flow}{' --repair' if fix else ''}") as progress:
        context = flow_context(app, progress)
        if fix:
            done = repair(context, flow, periods)
            result = done.after
        else:
            result = reconcile(context, flow, periods)
    if fix:
        print_reconciliation(done.before)
        if done.run is None:
            console.print("nothing to repair")
        else:
            console.print(f"repair run {done.run.id[:8]}:")
            _finish(app, done.run, strict=False)
            console.print("after the repair:")
            print_reconciliation(result)
    else:
        print_reconciliation(result)
    if result.differences:
        raise typer.Exit(RECONCILE_DIFFERENCES)


def print_reconciliation(result: Reconciliation) -> None:
    differences = result.differences
    periods = ", ".join(result.periods) or "all periods"
    table = Table(title=f"reconciliation · {result.flow} · {periods}", title_justify="left")
    cells = set(result.erp) | set(result.anaplan)
    # Entity and currency columns only when some cell has them (a flow that maps neither shows neither).
    parts = [p for p in ("entity", "account", "cost_center", "period", "currency") if any(c[p] for c in cells)]
    parts = parts or ["account", "cost_center", "period"]
    for column in [p.replace("_", " ") for p in parts] + ["ERP", "Anaplan", "difference"]:
        table.add_column(column, justify="right" if column in ("ERP", "Anaplan", "difference") else "left")
    for cell, erp, plan in differences:
        named = [plain(cell[p]) for p in parts]
        table.add_row(*named, f"{erp:,.2f}", f"{plan:,.2f}", f"[red]{erp - plan:,.2f}[/]")
    # Totals per currency: amounts of different currencies are never added up, not even here.
    for currency in sorted({c["currency"] for c in cells} or {""}):
        erp_total = sum(v for c, v in result.erp.items() if c["currency"] == currency)
        plan_total = sum(v for c, v in result.anaplan.items() if c["currency"] == currency)
        label = f"[bold]total {currency}".rstrip()
        blanks = [""] * (len(parts) - 1)
        table.add_row(label, *blanks, f"{erp_total:,.2f}", f"{plan_total:,.2f}", f"{erp_total - plan_total:,.2f}")
    table.caption = f"{result.matched} cells agree, {len(differences)} differ"
    console.print(table)
    for reason, amount in sorted(result.unmapped.items()):
        console.print(f"[yellow]not loaded (quarantined): {amount:,.2f}[/] · {reason}")
    for reason, count in sorted(result.unreadable.items()):
        console.print(f"[yellow]not loaded (bad at the source): {count} record(s)[/] · {reason}")
