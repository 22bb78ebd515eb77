"""Alerts: what happened, to which flow and run, and what to do; sent to a webhook and by e-mail.

The webhook body is `{"text": "..."}`: Slack incoming webhooks and Microsoft Teams incoming webhooks
(Office 365 connectors) both post a message with that body. Teams Workflows webhooks, which replace the
retiring connectors, take Adaptive Cards only (`webhook_format = "teams-workflow"`).
Every text is scrubbed by the alerter's redactor (the composition root's) before it leaves, and the
webhook URL itself (which carries its token) and the SMTP password are registered with it. A channel
that fails is logged and skipped: an alert never stops the service.

    alerter = Alerter(config.alerts, smtp_password=None, redactor=root.redactor)
    alerter.send(Alert(AlertKind.FAILED, "actuals-oracle failed: ...", "See `ml-connector audit ...`", flow="x"))
"""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from enum import StrEnum
from typing import Any

import httpx

from ml_connector.config import AlertsSection
from ml_connector.http.redaction import Redactor

log = logging.getLogger("ml_connector.service.alerts")


class AlertKind(StrEnum):
    FAILED = "failed"  # a run failed
    QUARANTINED = "quarantined"  # a run finished with quarantined (or refused) records
    MISSED = "missed"  # a schedule did not run on time
    EXPIRING = "expiring"  # a credential expires soon, or has expired


TITLES = {
    AlertKind.FAILED: "run failed",
    AlertKind.QUARANTINED: "records quarantined",
    AlertKind.MISSED: "schedule missed",
    AlertKind.EXPIRING: "credential expiring",
}


@dataclass(frozen=True)
class Alert:
    """One alert. `summary` says what happened, `action` what to do; never a secret in either."""

    kind: AlertKind
    summary: str
    action: str
    flow: str | None = None
    run_id: str | None = None
    connection: str | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def subject(self) -> str:
        about = self.flow or self.connection or "service"
        return f"[ml-connector] {TITLES[self.kind]}: {about}"

    def text(self, host: str = "") -> str:
        lines = [f"*{self.subject}*", self.summary]
        if self.flow:
            lines.append(f"flow: {self.flow}")
        if self.run_id:
            lines.append(f"run: {self.run_id}")
        if self.connection:
            lines.append(f"connection: {self.connection}")
        lines.append(f"what to do: {self.action}")
        stamp = self.at.astimezone(UTC).isoformat(timespec="seconds")
        lines.append(f"at {stamp}" + (f" on {host}" if host else ""))
        return "\n".join(lines)


def webhook_body(text: str, style: str) -> dict[str, Any]:
    """The JSON a webhook receives for an alert's (redacted) `text`: `{"text"}`, or a Teams Workflows
    message holding an Adaptive Card."""
    if style != "teams-workflow":
        return {"text": text}
    title, _, rest = text.partition("\n")
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": title.strip("*"), "weight": "Bolder", "wrap": True},
            *({"type": "TextBlock", "text": line, "wrap": True} for line in rest.splitlines()),
        ],
    }
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


class Alerter:
    """Sends alerts of the kinds listed in `[alerts] on` to every configured channel.

    Thread-safe: runs finish on several worker threads. `sent` keeps every alert handed over (tests and
    the service's own log read it). Every text leaves through `redactor` (the composition root's; the
    alerter's own if none is given).
    """

    def __init__(
        self,
        settings: AlertsSection,
        *,
        smtp_password: str | None = None,
        host: str | None = None,
        redactor: Redactor | None = None,
    ) -> None:
        self.settings = settings
        self._password = smtp_password
        self._host = host if host is not None else socket.gethostname()
        self._guard = threading.Lock()
        self.sent: list[Alert] = []
        self.redactor = redactor if redactor is not None else Redactor()
        self.redactor.register(settings.webhook_url, smtp_password)

    @property
    def configured(self) -> bool:
        return bool(self.settings.webhook_url or self.settings.smtp_host)

    def send(self, alert: Alert) -> list[str]:
        """Deliver `alert`; the names of the channels that took it (none is not an error)."""
        if alert.kind.value not in self.settings.on:
            return []
        with self._guard:
            self.sent.append(alert)
        log.warning("alert %s: %s", alert.kind.value, self.redactor.redact(alert.summary), extra={"flow": alert.flow})
        delivered = []
        if self.settings.webhook_url and self._webhook(alert):
            delivered.append("webhook")
        if self.settings.smtp_host and self._email(alert):
            delivered.append("email")
        return delivered

    def _webhook(self, alert: Alert) -> bool:
        url = self.settings.webhook_url or ""
        try:
            body = webhook_body(self.redactor.redact(alert.text(self._host)), self.settings.webhook_format)
            answer = httpx.post(url, json=body, timeout=self.settings.webhook_timeout_seconds)
            answer.raise_for_status()
        except httpx.HTTPError as exc:
            log.error("the alert webhook refused or did not answer: %s", self.redactor.redact(str(exc)))
            return False
        return True

    def _email(self, alert: Alert) -> bool:
        s = self.settings
        message = EmailMessage()
        message["Subject"] = self.redactor.redact(alert.subject)
        message["From"] = s.smtp_from
        message["To"] = ", ".join(s.smtp_to)
        message.set_content(self.redactor.redact(alert.text(self._host)).replace("*", ""))
        try:
            if s.smtp_ssl:
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.smtp_host or "", s.smtp_port, timeout=30, context=ssl.create_default_context()
                )
            else:
                client = smtplib.SMTP(s.smtp_host or "", s.smtp_port, timeout=30)
            with client:
                if s.smtp_starttls:
                    client.starttls(context=ssl.create_default_context())
                if s.smtp_user:
                    client.login(s.smtp_user, self._password or "")
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            log.error("the alert e-mail could not be sent through %s: %s", s.smtp_host, self.redactor.redact(str(exc)))
            return False
        return True
