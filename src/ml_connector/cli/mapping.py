"""`ml-connector mapping show|import|export|gaps`: the code tables behind every flow."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ml_connector.cli.context import AppContext
from ml_connector.cli.display import console, plain
from ml_connector.engine.mappings import load_mapping, mapping_names, replace_mapping
from ml_connector.engine.queries import mapping_gaps
from ml_connector.errors import ConfigurationError
from ml_connector.mapping.rules import MappingTable, parse_csv, to_csv
from ml_connector.store.database import Store

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
    for rule in _known(store, name).rules:
        table.add_row(rule.dimension.value, rule.kind.value, plain(rule.source), plain(rule.target))
    console.print(table)


@app.command("import")
def import_(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The mapping set to replace."),
    file: Path = typer.Argument(..., help="CSV with columns dimension,kind,source,target."),
    allow_empty: bool = typer.Option(False, "--allow-empty", help="Accept a file with no rules (empties the set)."),
) -> None:
    """Replace a mapping set from a CSV file (all or nothing)."""
    app_ctx: AppContext = ctx.obj
    if file.is_dir():
        raise ConfigurationError(f"{file} is a folder, not a file", hint="Give the path of the mapping CSV itself.")
    if not file.is_file():
        raise ConfigurationError(f"no file at {file}", hint="Give the path of the mapping CSV.")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigurationError(
            f"{file} is not UTF-8 text", hint="Save the CSV as 'CSV UTF-8' (Excel) or UTF-8 text."
        ) from None
    rules = parse_csv(text, str(file))
    if not rules and not allow_empty:
        raise ConfigurationError(
            f"{file} has a header but no rules; mapping set {name!r} was left as it was",
            hint="Add the rules to the file, or give --allow-empty to empty the set on purpose.",
        )
    count = replace_mapping(app_ctx.store(), name, rules)
    typer.echo(f"mapping {name}: {count} rule(s)")


@app.command("export")
def export(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    file: Path | None = typer.Argument(None, help="Where to write; standard output if omitted."),
) -> None:
    """Write a mapping set as CSV."""
    app_ctx: AppContext = ctx.obj
    text = to_csv(_known(app_ctx.store(), name).rules)
    if file is None:
        typer.echo(text, nl=False)
        return
    try:
        file.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(
            f"cannot write {file}: {exc.strerror or exc}", hint="Give a file in a folder that exists and is writable."
        ) from None
    typer.echo(f"wrote {file}")


def _known(store: Store, name: str) -> MappingTable:
    """The set's rules; a set that holds none (never imported, or emptied) is said to be so, not shown empty."""
    mapping = load_mapping(store, name)
    if not mapping.rules:
        known = ", ".join(mapping_names(store)) or "none"
        raise ConfigurationError(
            f"mapping set {name!r} has no rules: it was never imported, or was emptied (sets with rules: {known})",
            hint=f"Import it with `ml-connector mapping import {name} FILE` (columns dimension,kind,source,target).",
        )
    return mapping


@app.command("gaps")
def gaps(ctx: typer.Context, flow: str | None = typer.Option(None, help="Only this flow.")) -> None:
    """Codes that records are still quarantined for (their latest version was not loaded), with how
    many records wait."""
    app_ctx: AppContext = ctx.obj
    found = mapping_gaps(app_ctx.store(), flow)
    if not found:
        typer.echo("no mapping gaps")
        return
    table = Table("flow", "dimension", "ERP code", "records waiting", "last seen")
    for gap in found:
        table.add_row(
            plain(gap.flow), gap.dimension, plain(gap.code), str(gap.records), f"{gap.last_seen:%Y-%m-%d %H:%M}"
        )
    console.print(table)
