"""`ml-connector mapping show|import|export|gaps`: the code tables behind every flow."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy import func, select

from ml_connector.cli.context import AppContext
from ml_connector.cli.display import console
from ml_connector.engine.keys import GAP_PREFIX, GapKey
from ml_connector.engine.mappings import load_mapping, mapping_names, replace_mapping
from ml_connector.errors import ConfigurationError
from ml_connector.mapping.rules import parse_csv, to_csv
from ml_connector.store.models import AuditRecord, Run

app = typer.Typer(no_args_is_help=True, help="Mappings from ERP codes to Anaplan members.")


@app.command("show")
def show(ctx: typer.Context, name: str | None = typer.Argument(None, help="A mapping set; all if omitted.")) -> None:
    """Show the rules of a mapping set (or list the sets)."""
    app_ctx: AppContext = ctx.obj
    store = app_ctx.store()
    if name is None:
        for known in mapping_names(store):
            typer.echo(known)
        return
    table = Table("dimension", "kind", "ERP code", "Anaplan member", title=f"mapping {name}")
    for rule in load_mapping(store, name).rules:
        table.add_row(rule.dimension.value, rule.kind.value, rule.source, rule.target)
    console.print(table)


@app.command("import")
def import_(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The mapping set to replace."),
    file: Path = typer.Argument(..., help="CSV with columns dimension,kind,source,target."),
) -> None:
    """Replace a mapping set from a CSV file (all or nothing)."""
    app_ctx: AppContext = ctx.obj
    if not file.exists():
        raise ConfigurationError(f"no file at {file}", hint="Give the path of the mapping CSV.")
    count = replace_mapping(app_ctx.store(), name, parse_csv(file.read_text(encoding="utf-8"), str(file)))
    typer.echo(f"mapping {name}: {count} rule(s)")


@app.command("export")
def export(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    file: Path | None = typer.Argument(None, help="Where to write; standard output if omitted."),
) -> None:
    """Write a mapping set as CSV."""
    app_ctx: AppContext = ctx.obj
    text = to_csv(load_mapping(app_ctx.store(), name).rules)
    if file is None:
        typer.echo(text, nl=False)
    else:
        file.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {file}")


@app.command("gaps")
def gaps(ctx: typer.Context, flow: str | None = typer.Option(None, help="Only this flow.")) -> None:
    """Codes that records were quarantined for in each flow's latest run, with how many records wait."""
    app_ctx: AppContext = ctx.obj
    with app_ctx.store().session() as session:
        latest = select(Run.flow, func.max(Run.started_at).label("started")).where(Run.dry_run.is_(False))
        if flow:
            latest = latest.where(Run.flow == flow)
        latest_runs = latest.group_by(Run.flow).subquery()
        run_ids = select(Run.id).join(
            latest_runs, (Run.flow == latest_runs.c.flow) & (Run.started_at == latest_runs.c.started)
        )
        rows = session.execute(
            select(Run.flow, AuditRecord.target_key, func.count())
            .join(Run, Run.id == AuditRecord.run_id)
            .where(AuditRecord.run_id.in_(run_ids), AuditRecord.target_key.startswith(GAP_PREFIX, autoescape=True))
            .group_by(Run.flow, AuditRecord.target_key)
            .order_by(Run.flow, AuditRecord.target_key)
        ).all()
    if not rows:
        typer.echo("no mapping gaps")
        return
    table = Table("flow", "dimension", "ERP code", "records waiting")
    for flow_name, key, count in rows:
        gap = GapKey.parse(key)
        table.add_row(flow_name, gap.dimension, gap.code, str(count))
    console.print(table)
