"""Every alert kind, delivered to a local webhook receiver and a local SMTP server; never a secret."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from ml_connector.config import Config
from ml_connector.engine.schedules import ScheduleBook
from ml_connector.engine.states import RunState
from ml_connector.errors import AuthenticationError
from ml_connector.flows.context import Progress
from ml_connector.http import Redactor
from ml_connector.service.alerts import Alert, Alerter, AlertKind
from ml_connector.service.scheduler import Service
from ml_connector.store import Store
from ml_connector.vault import Vault
from tests.service.conftest import Clock, FakeRunner, Mailbox, WebhookReceiver, make_config, utc

NOW = utc("2026-03-04 09:30")
REFRESH_TOKEN = "rt-Very-Secret-2f9a41"  # noqa: S105 - a test value that must never leave the vault


def _config(tmp_path: Path, webhook: WebhookReceiver, smtp: tuple[Controller, Mailbox], **alerts: Any) -> Config:
    controller, _ = smtp
    return make_config(
        tmp_path / "x.toml",
        {"daily": {"schedule": "0 6 * * *"}},
        alerts={
            "webhook_url": webhook.url,
            "smtp_host": "127.0.0.1",
            "smtp_port": controller.port,
            "smtp_from": "ml-connector@acme.example",
            "smtp_to": ["fpa-systems@acme.example"],
            **alerts,
        },
    )


def _due_daily(store: Store) -> None:
    ScheduleBook(store).mark("daily", utc("2026-03-03 06:00"))


def _texts(webhook: WebhookReceiver) -> list[str]:
    for body in webhook.bodies:
        # Slack and Teams incoming webhooks both take exactly this: JSON with a `text`
        assert set(body) == {"content_type", "text"}
        assert body["content_type"] == "application/json"
    return [body["text"] for body in webhook.bodies]


def test_a_failed_run(tmp_path: Path, store: Store, webhook: WebhookReceiver, smtp: tuple[Controller, Mailbox]) -> None:
    _due_daily(store)
    config = _config(tmp_path, webhook, smtp)
    runner = FakeRunner(store, state=RunState.FAILED)
    service = Service(config, store, runner, Alerter(config.alerts, host="erp-sync-01"), clock=Clock(NOW))
    assert service.run_once(timeout=10)
    texts = _texts(webhook)
    failed = [t for t in texts if "run failed" in t]
    assert len(failed) == 1
    run_id = service.alerter.sent[-1].run_id
    assert run_id and run_id in failed[0]
    assert "flow: daily" in failed[0] and "boom" in failed[0]
    assert f"what to do: See `ml-connector audit {run_id} --state failed`" in failed[0]
    assert "on erp-sync-01" in failed[0]
    _, mailbox = smtp
    subjects = [m["Subject"] for m in mailbox.messages]
    assert "[ml-connector] run failed: daily" in subjects
    assert mailbox.messages[0]["To"] == "fpa-systems@acme.example"
    service.stop(0)


def test_a_run_that_raised_before_it_started(
    tmp_path: Path, store: Store, webhook: WebhookReceiver, smtp: tuple[Controller, Mailbox]
) -> None:
    _due_daily(store)
    config = _config(tmp_path, webhook, smtp, on=["failed"])

    def refused(flow: str, trigger: str, progress: Progress) -> Any:
        raise AuthenticationError("Anaplan refused the credentials of 'anaplan'", hint="Store new credentials.")

    service = Service(config, store, refused, Alerter(config.alerts), clock=Clock(NOW))
    assert service.run_once(timeout=10)
    (text,) = _texts(webhook)  # `on` leaves the missed alert out
    assert "refused the credentials" in text and "what to do: Store new credentials." in text
    assert "run:" not in text
    service.stop(0)


def test_a_run_that_quarantined_records(
    tmp_path: Path, store: Store, webhook: WebhookReceiver, smtp: tuple[Controller, Mailbox]
) -> None:
    _due_daily(store)
    config = _config(tmp_path, webhook, smtp)
    runner = FakeRunner(store, state=RunState.PARTIAL, counts={"loaded": 120, "quarantined": 3})
    service = Service(config, store, runner, Alerter(config.alerts), clock=Clock(NOW))
    assert service.run_once(timeout=10)
    (text,) = [t for t in _texts(webhook) if "records quarantined" in t]
    run_id = service.alerter.sent[-1].run_id
    assert "3 record(s) quarantined" in text
    assert f"`ml-connector audit {run_id} --state quarantined`" in text and "mapping gaps" in text
    service.stop(0)


def test_a_missed_schedule(
    tmp_path: Path, store: Store, webhook: WebhookReceiver, smtp: tuple[Controller, Mailbox]
) -> None:
    ScheduleBook(store).mark("daily", utc("2026-03-01 06:00"))
    config = _config(tmp_path, webhook, smtp)
    service = Service(config, store, FakeRunner(store), Alerter(config.alerts), clock=Clock(NOW))
    assert service.run_once(timeout=10)
    (text,) = _texts(webhook)
    assert "schedule missed: daily" in text
    assert "3 scheduled run(s) of daily did not start on time (from 2026-03-02 06:00 UTC)" in text
    assert "one run is being made now" in text
    _, mailbox = smtp
    assert [m["Subject"] for m in mailbox.messages] == ["[ml-connector] schedule missed: daily"]
    service.stop(0)


def _certificate(path: Path, not_after: datetime) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "integration@acme.example")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_after - timedelta(days=365))
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def test_credentials_close_to_expiry(
    tmp_path: Path, store: Store, webhook: WebhookReceiver, smtp: tuple[Controller, Mailbox]
) -> None:
    controller, mailbox = smtp
    cert = _certificate(tmp_path / "anaplan.pem", NOW + timedelta(days=5))
    (tmp_path / "anaplan.key").write_text("unused")
    config = make_config(
        tmp_path / "x.toml",
        {},
        connections={
            "anaplan-cert": {
                "system": "anaplan",
                "auth": "certificate",
                "certificate_path": cert.name,
                "private_key_path": "anaplan.key",
            },
            "anaplan-old": {"system": "anaplan", "auth": "certificate", "certificate_path": "missing.pem"},
        },
        alerts={
            "webhook_url": webhook.url,
            "smtp_host": "127.0.0.1",
            "smtp_port": controller.port,
            "smtp_to": ["it@acme.example"],
        },
    )
    redactor = Redactor()  # one, as the composition root gives the vault and the alerter
    vault = Vault(store, Fernet.generate_key(), redactor)
    vault.put("anaplan", "anaplan", {"refresh_token": REFRESH_TOKEN}, expires_on=NOW + timedelta(days=10))
    vault.put("infor", "infor", {"cs": "ion-client-secret-7f7f"}, expires_on=NOW - timedelta(days=1))
    vault.put("oracle", "oracle", {"password": "later-9x"}, expires_on=NOW + timedelta(days=60))  # beyond 14 days
    alerter = Alerter(config.alerts, redactor=redactor)
    service = Service(config, store, FakeRunner(store), alerter, vault=vault, clock=Clock(NOW))
    alerts = service.check_credentials()
    assert [a.connection for a in alerts] == ["infor", "anaplan-cert", "anaplan"]  # soonest first
    texts = _texts(webhook)
    assert "Infor ION API client secret of connection 'infor' expired on 2026-03-03" in texts[0]
    assert "import-ionapi infor" in texts[0]
    assert "Anaplan CA certificate (CN=integration@acme.example) of connection 'anaplan-cert' expires" in texts[1]
    assert "in 5 day(s)" in texts[1]
    assert "Anaplan OAuth refresh token of connection 'anaplan' expires on 2026-03-14" in texts[2]
    assert "--secret refresh_token" in texts[2]
    everything = "\n".join(texts) + "\n".join(str(m) for m in mailbox.messages)
    for secret in (REFRESH_TOKEN, "ion-client-secret-7f7f", "later-9x"):
        assert secret not in everything
    assert len(mailbox.messages) == 3
    service.stop(0)


def test_a_failing_channel_is_logged_never_raised(
    tmp_path: Path, webhook: WebhookReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    webhook.status = 500
    config = make_config(
        tmp_path / "x.toml",
        {},
        alerts={"webhook_url": webhook.url, "smtp_host": "127.0.0.1", "smtp_port": 9, "smtp_to": ["a@b.example"]},
    )
    alerter = Alerter(config.alerts)
    with caplog.at_level(logging.ERROR, logger="ml_connector.service.alerts"):
        assert alerter.send(Alert(AlertKind.FAILED, "x failed", "fix it", flow="x")) == []
    messages = [r.getMessage() for r in caplog.records]
    assert any("webhook refused" in m for m in messages)
    assert any("e-mail could not be sent" in m for m in messages)
    assert all("secretpart" not in m for m in messages)  # the webhook URL carries its token


def test_smtp_login_with_the_password_from_the_vault_is_never_in_the_config(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="smtp_to"):
        make_config(tmp_path / "x.toml", {}, alerts={"smtp_host": "mail.acme.example"})
    with pytest.raises(ValueError, match="extra"):
        make_config(tmp_path / "x.toml", {}, alerts={"smtp_password": "x"})
    stamp = datetime.now(UTC)
    assert Alert(AlertKind.MISSED, "s", "a", at=stamp).subject == "[ml-connector] schedule missed: service"


def test_teams_workflow_webhooks_get_an_adaptive_card(tmp_path: Path, webhook: WebhookReceiver) -> None:
    webhook.status = 202  # what a Teams Workflows webhook answers
    config = make_config(
        tmp_path / "x.toml", {}, alerts={"webhook_url": webhook.url, "webhook_format": "teams-workflow"}
    )
    alert = Alert(AlertKind.FAILED, "The scheduled run of x failed: boom", "Fix it.", flow="x", run_id="r-1")
    assert Alerter(config.alerts).send(alert) == ["webhook"]
    (body,) = webhook.bodies
    assert body["type"] == "message"
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    lines = [block["text"] for block in card["body"]]
    assert lines[0] == "[ml-connector] run failed: x"
    assert "run: r-1" in lines and "what to do: Fix it." in lines
