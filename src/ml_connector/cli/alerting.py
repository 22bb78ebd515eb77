"""The alerts channel of `serve` and `worker`, with the SMTP password from the environment or the vault."""

from __future__ import annotations

import os

from ml_connector.cli.context import AppContext
from ml_connector.errors import ConfigurationError
from ml_connector.service.alerts import Alerter

SMTP_PASSWORD_ENV = "ML_CONNECTOR_SMTP_PASSWORD"  # noqa: S105 - the variable's name, not a password


def smtp_password(app: AppContext) -> str | None:
    settings = app.config().alerts
    if not settings.smtp_user:
        return None
    from_env = os.environ.get(SMTP_PASSWORD_ENV)
    if from_env:
        return from_env
    vault = app.vault()
    if not vault.has(settings.smtp_vault_entry):
        raise ConfigurationError(
            f"[alerts] smtp_user is set but the vault holds no entry {settings.smtp_vault_entry!r}",
            hint="Run `ml-connector serve --store-smtp-password` (or set ML_CONNECTOR_SMTP_PASSWORD).",
        )
    return vault.get(settings.smtp_vault_entry).get("password")


def make_alerter(app: AppContext) -> Alerter:
    """The configured channels ([alerts]); a missing SMTP password is a clear error before any run."""
    return Alerter(app.config().alerts, smtp_password=smtp_password(app), redactor=app.root().redactor)
