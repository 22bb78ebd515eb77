"""`ml-connector user add|list|remove`: the password comes on stdin (never an argument), only its hash
is kept, a short one is refused with what to do; `serve` refuses to put the console on a non-loopback
address without TLS and says why."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ml_connector.accounts import Accounts, Role, SignInRefused
from ml_connector.cli.main import app
from ml_connector.demo.sandbox import Sandbox
from ml_connector.engine.queries import last_pings
from ml_connector.flows.context import FlowContext
from ml_connector.service.bind import check_bind

PASSWORD = "correct horse battery"  # noqa: S105 - a test user's password


def cli(box: Sandbox, *args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--config", str(box.config_path), *args], input=input)
    return result.exit_code, result.output


def test_add_list_sign_in_and_remove(sandbox: Sandbox, ctx: FlowContext) -> None:
    assert cli(sandbox, "user", "add", "ana", "--role", "operator", input=PASSWORD + "\n") == (
        0,
        "user ana (operator) added\n",
    )
    assert cli(sandbox, "user", "list") == (0, "ana\toperator\n")
    assert PASSWORD not in sandbox.config_path.read_text()
    assert Accounts(ctx.store).authenticate("ana", PASSWORD).role is Role.OPERATOR
    with pytest.raises(SignInRefused):
        Accounts(ctx.store).authenticate("ana", "not the password")
    code, output = cli(sandbox, "user", "add", "ana", input="short\n")
    assert code == 2 and "shorter than 12 characters" in output and "Traceback" not in output
    code, output = cli(sandbox, "user", "add", "bad name!", input=PASSWORD + "\n")
    assert code == 2 and "not allowed" in output
    assert cli(sandbox, "user", "remove", "ana") == (0, "user ana removed\n")
    code, output = cli(sandbox, "user", "remove", "ana")
    assert code == 2 and "no console user 'ana'" in output and "user list" in output


def test_serve_refuses_a_public_address_without_tls(sandbox: Sandbox) -> None:
    config = sandbox.config_path.read_text()
    sandbox.config_path.write_text(config + '\n[service]\nweb_host = "0.0.0.0"\n')
    code, output = cli(sandbox, "serve")
    assert code == 2
    assert "not a loopback address, without TLS" in output and "--insecure-bind" in output


@pytest.mark.parametrize(
    ("host", "tls", "insecure", "allowed"),
    [
        ("127.0.0.1", False, False, True),
        ("::1", False, False, True),
        ("localhost", False, False, True),
        ("0.0.0.0", False, False, False),
        ("10.1.2.3", False, False, False),
        ("console.example.com", False, False, False),
        ("0.0.0.0", True, False, True),
        ("0.0.0.0", False, True, True),
    ],
)
def test_which_addresses_need_tls(tmp_path: Path, host: str, tls: bool, insecure: bool, allowed: bool) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_text("cert")
    key.write_text("key")
    try:
        listen = check_bind(host, 8700, cert if tls else None, key if tls else None, insecure=insecure)
    except Exception as refused:  # noqa: BLE001 - the refusal is the result under test
        assert not allowed, refused
    else:
        assert allowed and listen.tls is tls


def test_a_cli_ping_is_kept_for_the_console(sandbox: Sandbox, ctx: FlowContext) -> None:
    code, output = cli(sandbox, "ping", "oracle")
    assert code == 0, output
    kept = last_pings(ctx.store)["oracle"]
    assert kept.ok and kept.detail and kept.detail in output
