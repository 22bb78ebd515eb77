"""`ml-connector demo`: the three emulators with a seeded company, every flow end to end, a summary
and a reconciliation. Exits 0 only if every run finished and everything reconciles."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import typer
from rich.table import Table

from ml_connector.cli.context import AppContext, flow_context
from ml_connector.cli.display import LiveProgress, console
from ml_connector.cli.errors import RECONCILE_DIFFERENCES
from ml_connector.cli.flows import print_reconciliation
from ml_connector.engine.queries import audit_page, reason_counts
from ml_connector.engine.runs import RunInfo
from ml_connector.engine.states import RecordState, RunState
from ml_connector.flows.reconcile import reconcile
from ml_connector.flows.runner import run_flow

ORDER = (
    "reference-infor",
    "reference-oracle",
    "actuals-infor",
    "actuals-oracle",
    "actuals-mexico",
    "plan-return-infor",
    "plan-return-oracle",
    "suppliers-return-infor",
    "suppliers-return-oracle",
)
MOVED = (RecordState.LOADED.value, RecordState.POSTED.value)


def demo(
    ctx: typer.Context,
    folder: Path = typer.Option(Path(".demo"), help="Where the demo keeps its config, key and store (made anew)."),
) -> None:
    """Start the emulators, configure connections and flows against them, run every flow, reconcile."""
    # The emulators (FastAPI apps) load with the demo, not with every other command.
    from ml_connector.demo import sandbox

    if folder.exists():
        shutil.rmtree(folder)
    started = time.monotonic()
    box = sandbox.start(folder, hierarchies=True)
    console.print(f"emulators: {sandbox.facts(box)}")
    console.print(f"config: {box.config_path} (try `ml-connector -c {box.config_path} runs` afterwards)")
    app: AppContext = ctx.obj  # the command's context (its root and redactor), on the sandbox's config
    app.use_config_file(box.config_path)
    try:
        runs = [_run(app, name) for name in ORDER]
        console.print(_summary(runs))
        _entities(app, runs)
        for run in runs:  # the reference flows' loads, in order: parent lists before their members
            loads = run.detail.get("loads") or []
            if run.flow.startswith("reference-") and loads:
                steps = " -> ".join(f"{x['import']} ({x['rows']} rows)" for x in loads)
                console.print(f"{run.flow}: {steps}")
        for run in runs:  # periods the ERP has not closed yet: their figures may still change
            if run.detail.get("preliminary"):
                open_periods = ", ".join(run.detail["preliminary"])
                console.print(f"[yellow]{run.flow}: still open in the ERP, figures preliminary: {open_periods}[/]")
        _quarantine_reasons(app, runs)
        differences = 0
        for name in ("actuals-infor", "actuals-oracle", "actuals-mexico"):
            with LiveProgress(f"reconcile {name}") as progress:
                result = reconcile(flow_context(app, progress), name)
            print_reconciliation(result)
            differences += len(result.differences)
    finally:
        app.close()
        box.stop()
    failed = [r.flow for r in runs if r.state not in (RunState.SUCCEEDED, RunState.PARTIAL)]
    console.print(f"demo finished in {time.monotonic() - started:.1f} s")
    if failed:
        console.print(f"[red]runs failed: {', '.join(failed)}[/]")
        raise typer.Exit(1)
    if differences:
        console.print(f"[red]{differences} cell(s) do not reconcile[/]")
        raise typer.Exit(RECONCILE_DIFFERENCES)
    console.print("[green]everything reconciles[/]")


def _run(app: AppContext, name: str) -> RunInfo:
    with LiveProgress(name) as progress:
        return run_flow(flow_context(app, progress), name)


def _summary(runs: list[RunInfo]) -> Table:
    table = Table(title="demo runs", title_justify="left")
    for column in ("flow", "state", "moved", "unchanged", "quarantined", "failed", "seconds"):
        table.add_column(column, justify="left" if column in ("flow", "state") else "right")
    for run in runs:
        seconds = (run.ended_at - run.started_at).total_seconds() if run.ended_at else 0.0
        table.add_row(
            run.flow,
            run.state,
            str(sum(run.counts.get(s, 0) for s in MOVED)),
            str(run.counts.get(RecordState.UNCHANGED.value, 0)),
            str(run.counts.get(RecordState.QUARANTINED.value, 0)),
            str(run.counts.get(RecordState.FAILED.value, 0)),
            f"{seconds:.1f}",
        )
    return table


def _entities(app: AppContext, runs: list[RunInfo]) -> None:
    """Each actuals flow's entities (ledger, company or division) and the currency of their amounts."""
    for run in runs:
        if not run.flow.startswith("actuals-"):
            continue
        found: dict[str, set[str]] = {}
        for record in audit_page(app.store(), run.id, state=RecordState.LOADED.value):
            ledger, currency = record.payload.get("ledger"), record.payload.get("currency")
            if ledger and currency:
                found.setdefault(str(ledger), set()).add(str(currency))
        shown = ", ".join(f"{ledger} in {'/'.join(sorted(c))}" for ledger, c in sorted(found.items()))
        console.print(f"{run.flow}: entities {shown or 'none'}")


def _quarantine_reasons(app: AppContext, runs: list[RunInfo]) -> None:
    for reason, count in reason_counts(app.store(), [r.id for r in runs]):
        console.print(f"[yellow]quarantined or failed ({count}):[/] {reason}")
