"""`ml-connector serve`: run every flow on its schedule until stopped (SIGTERM or Ctrl-C)."""

from __future__ import annotations

import signal
import sys
import threading
from typing import TYPE_CHECKING

import typer

from ml_connector.cli.alerting import smtp_password as _smtp_password
from ml_connector.cli.context import AppContext, flow_context
from ml_connector.errors import ConfigurationError
from ml_connector.service.alerts import Alert, Alerter, AlertKind
from ml_connector.service.bind import Listen, check_bind
from ml_connector.service.shutdown import on_stop_signals

if TYPE_CHECKING:
    from ml_connector.serving import RunningServer

# The console (FastAPI, uvicorn, templates) is imported when `serve` starts it, not by every command.


def _listen(app: AppContext, port: int, insecure: bool) -> Listen:
    settings = app.config().service
    cert = app.config().resolve(settings.web_tls_cert) if settings.web_tls_cert else None
    key = app.config().resolve(settings.web_tls_key) if settings.web_tls_key else None
    return check_bind(settings.web_host, port, cert, key, insecure=insecure)


def _start_console(app: AppContext, listen: Listen) -> RunningServer:
    from ml_connector.serving import start_in_thread
    from ml_connector.web import ConsoleSecurity, build_app

    root = app.root()
    console = build_app(
        app.store(), root.redactor, flows=root.flow_context(), security=ConsoleSecurity(https=listen.tls)
    )
    tls = (str(listen.tls_cert), str(listen.tls_key)) if listen.tls_cert and listen.tls_key else None
    return start_in_thread(console, listen.host, listen.port, tls=tls)


def serve(
    ctx: typer.Context,
    once: bool = typer.Option(False, "--once", help="Catch up what is due, wait for it, check credentials, exit."),
    grace: float | None = typer.Option(
        None, help="Seconds a stop waits for running runs (default [service] stop_grace_seconds)."
    ),
    test_alert: bool = typer.Option(False, "--test-alert", help="Send one test alert to every channel and exit."),
    store_smtp_password: bool = typer.Option(
        False, "--store-smtp-password", help="Read the SMTP password (prompt or stdin) into the vault and exit."
    ),
    web_port: int | None = typer.Option(None, help="The console's port (default [service] web_port; 0: off)."),
    insecure_bind: bool = typer.Option(
        False, "--insecure-bind", help="Let the console listen on a non-loopback address without TLS."
    ),
) -> None:
    """Run every flow on its cron schedule; catch up what was missed while stopped; send alerts."""
    app: AppContext = ctx.obj
    cfg = app.config()
    if store_smtp_password:
        secret = sys.stdin.readline().strip() if not sys.stdin.isatty() else typer.prompt("password", hide_input=True)
        if not secret:
            raise ConfigurationError("the SMTP password is empty", hint="Give the password of [alerts] smtp_user.")
        app.vault().put(cfg.alerts.smtp_vault_entry, "smtp", {"password": secret})
        typer.echo(f"SMTP password stored encrypted in the vault as {cfg.alerts.smtp_vault_entry!r}")
        return
    redactor = app.root().redactor
    alerter = Alerter(cfg.alerts, smtp_password=_smtp_password(app), redactor=redactor)
    if test_alert:
        alert = Alert(AlertKind.FAILED, "A test alert from `ml-connector serve --test-alert`.", "Nothing to do.")
        every_kind = cfg.alerts.model_copy(update={"on": [kind.value for kind in AlertKind]})
        channels = Alerter(every_kind, smtp_password=_smtp_password(app), redactor=redactor).send(alert)
        typer.echo(f"test alert delivered to: {', '.join(channels) or 'no channel'}")
        raise typer.Exit(0 if channels else 1)
    port = cfg.service.web_port if web_port is None else web_port
    if port and not once:
        from ml_connector.serving import usable_port

        usable_port(cfg.service.web_host, port, "--web-port")  # a busy port is said before anything starts
    from ml_connector.service.scheduler import Service

    service = Service.from_context(flow_context(app), alerter)
    if once:
        service.run_once()
        return
    stopping = threading.Event()

    def stop(signum: int) -> None:
        if stopping.is_set():
            service.flag.abort.set()  # a second Ctrl-C: stop the runs at their next safe point now
        stopping.set()
        typer.echo(f"{signal.Signals(signum).name}: stopping", err=True)

    listen = _listen(app, port, insecure_bind) if port else None
    restore = on_stop_signals(stop)
    dashboard = _start_console(app, listen) if listen else None
    try:
        if dashboard is not None:
            typer.echo(f"console: {dashboard.url}", err=True)
        service.start()
        scheduled = ", ".join(f"{name} ({cfg.flows[name].schedule})" for name in service.triggers) or "none"
        typer.echo(f"serving; scheduled flows: {scheduled}", err=True)
        while not stopping.wait(1.0):
            pass
        finished = service.stop(grace)
        typer.echo("stopped" + ("" if finished else "; interrupted runs resume on the next start"), err=True)
    finally:
        if dashboard is not None:
            dashboard.stop()
        restore()
