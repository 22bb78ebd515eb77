"""Turn any `ConnectorError` into a short message on stderr and a stable exit code.

Exit codes: 0 ok · 1 other error · 2 configuration · 3 authentication · 4 API refused · 5 service
busy or down (safe to repeat) · 6 conflict or lock timeout · 7 bad records · 8 Anaplan task failed ·
10 reconciliation found differences.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer
from typer.core import TyperGroup

from ml_connector.errors import ConnectorError
from ml_connector.http.redaction import mask_fields

RECONCILE_DIFFERENCES = 10


def report(exc: ConnectorError, redact: Callable[[str], str] = mask_fields) -> None:
    typer.echo(redact(f"error: {exc}"), err=True)
    if exc.hint:
        typer.echo(redact(f"what to do: {exc.hint}"), err=True)


class ConnectorGroup(TyperGroup):
    """The root command group: catches our errors once, for every subcommand, and reports them through
    the command's redaction (`AppContext.redact`; by field name if the error came before it)."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except ConnectorError as exc:
            redact = getattr(ctx.obj, "redact", mask_fields)
            report(exc, redact)
            raise typer.Exit(exc.exit_code) from None
