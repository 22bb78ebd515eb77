"""Turn any `ConnectorError` into a short message on stderr and a stable exit code.

Exit codes: 0 ok · 1 other error · 2 configuration · 3 authentication · 4 API refused · 5 service
busy or down (safe to repeat) · 6 conflict or lock timeout · 7 bad records · 8 Anaplan task failed ·
10 reconciliation found differences.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import typer
from typer.core import TyperGroup

from ml_connector.errors import ConnectorError
from ml_connector.http.redaction import mask_fields

RECONCILE_DIFFERENCES = 10
INTERRUPTED = 130  # what a shell reports for Ctrl-C
READER_GONE = 141  # what a shell reports for a command killed by SIGPIPE (`... | head`)
CRASH_DIR_ENV = "ML_CONNECTOR_CRASH_DIR"


def report(exc: ConnectorError, redact: Callable[[str], str] = mask_fields) -> None:
    typer.echo(redact(f"error: {exc}"), err=True)
    if exc.hint:
        typer.echo(redact(f"what to do: {exc.hint}"), err=True)


def crash_log(exc: BaseException, redact: Callable[[str], str]) -> Path:
    """Write the details of an unexpected error (redacted) to a file of its own; return its path."""
    folder = Path(os.environ.get(CRASH_DIR_ENV) or Path(tempfile.gettempdir()) / "ml-connector")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"error-{stamp}-{os.getpid()}.log"
    path.write_text(redact("".join(traceback.format_exception(exc))), encoding="utf-8")
    return path


class ConnectorGroup(TyperGroup):
    """The root command group: catches errors once, for every subcommand, and reports them through the
    command's redaction (`AppContext.redact`; by field name if the error came before it). No Python
    traceback reaches the user: an unexpected error is one line on stderr and a log file with the details."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        redact = getattr(ctx.obj, "redact", mask_fields)
        try:
            return super().invoke(ctx)
        except ConnectorError as exc:
            report(exc, getattr(ctx.obj, "redact", redact))
            raise typer.Exit(exc.exit_code) from None
        except (
            click.exceptions.ClickException,
            click.exceptions.Exit,
            click.exceptions.Abort,
            typer.Exit,
            typer.Abort,
            # Typer ≥ 0.17 carries its own copy of Click: a bad option value (`--role king`, `--port abc`)
            # is its BadParameter, which its own main turns into a usage message and exit 2.
            typer.TyperException,
        ):
            raise
        except BrokenPipeError:
            # Whatever read our output stopped reading (`ml-connector audit ... | head`): nothing went
            # wrong here, and there is nowhere left to say anything. Python would flush stdout again
            # at exit and fail the same way, so stdout goes to /dev/null first (Python's own advice).
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(READER_GONE) from None
        except KeyboardInterrupt:
            typer.echo(
                "interrupted: the run stopped at a safe point and nothing was committed half-way; "
                "run the command again to redo its work",
                err=True,
            )
            raise typer.Exit(INTERRUPTED) from None
        except Exception as exc:  # noqa: BLE001 - the one place that turns any bug into a clear line
            redact = getattr(ctx.obj, "redact", redact)
            path = crash_log(exc, redact)
            typer.echo(redact(f"error: unexpected {type(exc).__name__}: {exc}"), err=True)
            typer.echo(f"what to do: this is a bug in ml-connector; the details are in {path}", err=True)
            raise typer.Exit(1) from None
