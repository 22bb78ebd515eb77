"""`ml-connector serve` options: the SMTP password kept in the vault (and used to log in), a test alert,
`--once` with nothing scheduled."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from typer.testing import CliRunner

from ml_connector.cli.main import app
from tests.service.conftest import Mailbox, WebhookReceiver

SMTP_PASSWORD = "smtp-Pass-51c0"  # noqa: S105 - a test value


@pytest.fixture()
def auth_smtp() -> Iterator[tuple[Controller, Mailbox, list[tuple[str, str]]]]:
    box = Mailbox()
    logins: list[tuple[str, str]] = []

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=data.password.decode() == SMTP_PASSWORD)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # A local test server without TLS: allow AUTH in the clear (real servers need STARTTLS or SSL).
    controller = Controller(box, hostname="127.0.0.1", port=port, authenticator=authenticate, auth_require_tls=False)
    controller.start()
    yield controller, box, logins
    controller.stop()


def _cli(folder: Path, *args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(app, ["--config", str(folder / "ml-connector.toml"), *args], input=input, env={})


def test_the_smtp_password_lives_in_the_vault(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    webhook: WebhookReceiver,
    auth_smtp: tuple[Controller, Mailbox, list[tuple[str, str]]],
) -> None:
    controller, mailbox, logins = auth_smtp
    monkeypatch.chdir(tmp_path)
    for name in ("ML_CONNECTOR_KEY", "ML_CONNECTOR_STORE_URL", "ML_CONNECTOR_CONFIG", "ML_CONNECTOR_SMTP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    assert _cli(tmp_path, "init").exit_code == 0
    config = tmp_path / "ml-connector.toml"
    with config.open("a", encoding="utf-8") as handle:
        handle.write(
            f'\n[alerts]\nwebhook_url = "{webhook.url}"\nsmtp_host = "127.0.0.1"\nsmtp_port = {controller.port}\n'
            'smtp_to = ["it@acme.example"]\nsmtp_user = "alerts@acme.example"\n'
        )
    missing = _cli(tmp_path, "serve", "--test-alert")
    assert missing.exit_code == 2
    assert "--store-smtp-password" in missing.output

    stored = _cli(tmp_path, "serve", "--store-smtp-password", input=SMTP_PASSWORD + "\n")
    assert stored.exit_code == 0, stored.output
    assert SMTP_PASSWORD not in config.read_text(encoding="utf-8")

    sent = _cli(tmp_path, "serve", "--test-alert")
    assert sent.exit_code == 0, sent.output
    assert "delivered to: webhook, email" in sent.output
    assert logins == [("alerts@acme.example", SMTP_PASSWORD)]
    assert [m["Subject"] for m in mailbox.messages] == ["[ml-connector] run failed: service"]
    assert SMTP_PASSWORD not in webhook.bodies[0]["text"]

    once = _cli(tmp_path, "serve", "--once")  # no flow is scheduled: nothing to do, exits at once
    assert once.exit_code == 0, once.output
