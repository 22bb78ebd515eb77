"""The composition root: what one root's parts share, what two roots never share, and no hidden globals.

Budgets, kept Anaplan tokens, the redactor and the retry patience all come from a root (or a connection's
settings), so these tests need no network: clients are built, not used, except against a MockTransport.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
from typer.testing import CliRunner

from ml_connector import config as config_module
from ml_connector.cli.context import AppContext
from ml_connector.cli.errors import ConnectorGroup
from ml_connector.errors import ConfigurationError, UnavailableError
from ml_connector.http.redaction import MASK, Redactor
from ml_connector.root import Root
from ml_connector.store import upgrade
from ml_connector.systems.anaplan import AnaplanClient, AnaplanSettings
from ml_connector.systems.anaplan.auth import KeptTokens
from ml_connector.systems.oracle import OracleClient, OracleSettings
from ml_connector.vault import new_key_file

POD = "https://acme.fa.em2.oraclecloud.com"
PASSWORD = "Oracle-Pass-5521"  # noqa: S105 - a test credential


@pytest.fixture()
def config_file(tmp_path: Path) -> Path:
    """Two Oracle connections to one pod (so one tenant), a migrated store and a vault key."""
    path = tmp_path / "ml-connector.toml"
    path.write_text(config_module.skeleton(f"sqlite:///{tmp_path / 'store.db'}", "ml-connector.key"), encoding="utf-8")
    for name in ("erp-a", "erp-b"):
        config_module.append_connection(
            path, name, "oracle", {"pod_url": POD, "user": "INTEGRATION", "retry_attempts": 1}
        )
    new_key_file(tmp_path / "ml-connector.key")
    root = Root(config_module.load(path))
    upgrade(root.store)
    for name in ("erp-a", "erp-b"):
        root.vault().put(name, "oracle", {"password": PASSWORD})
    root.close()
    return path


@pytest.fixture()
def roots(config_file: Path) -> Iterator[tuple[Root, Root]]:
    one, two = Root(config_module.load(config_file)), Root(config_module.load(config_file))
    yield one, two
    one.close()
    two.close()


def test_clients_of_one_root_share_the_tenant_budget(roots: tuple[Root, Root]) -> None:
    root, _ = roots
    a = root.flow_context().clients.erp("erp-a")
    b = root.flow_context().clients.erp("erp-b")  # another context of the same root
    assert isinstance(a, OracleClient) and isinstance(b, OracleClient)
    assert a is not b
    assert a.session.budget is b.session.budget is root.budgets.get(f"oracle:{POD.removeprefix('https://')}", 600)


def test_two_roots_share_nothing(roots: tuple[Root, Root]) -> None:
    one, two = roots
    a1, a2 = one.clients().erp("erp-a"), two.clients().erp("erp-a")
    assert isinstance(a1, OracleClient) and isinstance(a2, OracleClient)
    assert a1.session.budget is not a2.session.budget
    assert one.kept_tokens is not two.kept_tokens and one.redactor is not two.redactor
    assert one.vault() is not two.vault()


def test_the_root_redactor_masks_what_its_parts_saw_and_no_other_root_does(roots: tuple[Root, Root]) -> None:
    one, two = roots
    one.clients().erp("erp-a")  # the vault's values and the client's credentials are registered
    text = f"login as INTEGRATION/{PASSWORD} refused"
    assert PASSWORD not in one.redactor.redact(text) and MASK in one.redactor.redact(text)
    assert two.redactor.redact(text) == text  # nothing of root one leaked into root two
    two.vault().put("erp-b", "oracle", {"password": "Another-Pass-0042"})
    assert "Another-Pass-0042" not in two.redactor.redact("Another-Pass-0042")
    assert one.redactor.redact("Another-Pass-0042") == "Another-Pass-0042"


def test_a_rotated_vault_secret_replaces_the_old_ones_without_growing_forever(roots: tuple[Root, Root]) -> None:
    root, _ = roots
    vault = root.vault()
    for n in range(20):  # an OAuth refresh token rotating for a long time
        vault.update("erp-a", {"refresh_token": f"refresh-token-{n:04d}"})
    assert "refresh-token-0019" not in root.redactor.redact("refresh-token-0019")
    assert root.redactor.count <= 1 + root.redactor.KEPT_PER_SLOT


def test_a_connection_with_one_retry_gives_up_after_one_retry(roots: tuple[Root, Root]) -> None:
    root, _ = roots
    client = root.clients().erp("erp-a")
    assert isinstance(client, OracleClient)
    assert client.session.policy.attempts == 2  # `retry_attempts = 1` of the connection in the TOML file

    calls: list[str] = []

    def unavailable(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(503, text="busy")

    settings = OracleSettings.parse(
        {"pod_url": POD, "user": "U", "password": PASSWORD, "retry_attempts": 1, "retry_max_wait_seconds": 0.01}
    )
    with OracleClient(settings, transport=httpx.MockTransport(unavailable)) as oracle:
        with pytest.raises(UnavailableError):
            oracle.ping()
    assert len(calls) == 2  # the first try and one retry
    calls.clear()
    never = settings.model_copy(update={"retry_attempts": 0})
    with OracleClient(never, transport=httpx.MockTransport(unavailable)) as oracle:
        with pytest.raises(UnavailableError):
            oracle.ping()
    assert len(calls) == 1


def test_retry_settings_are_validated() -> None:
    with pytest.raises(ConfigurationError, match="retry_attempts"):
        OracleSettings.parse({"pod_url": POD, "user": "U", "password": PASSWORD, "retry_attempts": -1})
    with pytest.raises(ConfigurationError, match="retry_max_wait_seconds"):
        AnaplanSettings.parse({"user": "u@acme.example", "password": "pw-12345", "retry_max_wait_seconds": 0})


def anaplan_server(token: str, logins: list[str]) -> httpx.MockTransport:
    """An Anaplan authentication service that hands out `token` at every login."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token/authenticate":
            logins.append(token)
            info: dict[str, Any] = {"tokenValue": token, "expiresAt": 9_999_999_999_999}
            return httpx.Response(201, json={"status": "SUCCESS", "tokenInfo": info})
        return httpx.Response(404)

    return httpx.MockTransport(answer)


def test_kept_tokens_are_keyed_by_the_transport_object_never_its_id() -> None:
    settings = AnaplanSettings.parse({"user": "u@acme.example", "password": "Anaplan-Pass-77"})
    kept = KeptTokens()
    logins: list[str] = []
    first = anaplan_server("token-of-first-transport", logins)
    with AnaplanClient(settings, transport=first, kept_tokens=kept) as one:
        with AnaplanClient(settings, transport=first, kept_tokens=kept) as again:
            assert again.auth is one.auth  # one credential on one transport: one kept token
        assert one.auth.token().value == "token-of-first-transport"
    # Transports made and dropped in turn, as tests do: each new object gets its own kept token. The key is
    # the object (it matches only itself, and keeps itself alive), so no new transport can pass for an old one.
    auths = {id(one.auth)}
    for n in range(8):
        transport = anaplan_server(f"token-{n}", logins)
        with AnaplanClient(settings, transport=transport, kept_tokens=kept) as client:
            assert id(client.auth) not in auths
            auths.add(id(client.auth))
            assert client.auth.token().value == f"token-{n}"
        del transport, client
        gc.collect()
    assert len(kept) == 9 and len(logins) == 9
    # A kept token holds its transport until the root closes; then both are collected, and a new transport
    # (whatever id it is given) logs in afresh.
    gone = weakref.ref(first)
    del first, one, again
    kept.close()
    gc.collect()
    assert gone() is None
    fresh = anaplan_server("token-after-collection", logins)
    with AnaplanClient(settings, transport=fresh, kept_tokens=kept) as client:
        assert client.auth.token().value == "token-after-collection"
    kept.close()


def test_the_redactor_of_a_client_is_the_one_of_its_kept_tokens() -> None:
    settings = AnaplanSettings.parse({"user": "u@acme.example", "password": "Anaplan-Pass-77"})
    kept = KeptTokens()
    with AnaplanClient(settings, kept_tokens=kept) as client:
        assert client.redactor is kept.redactor
        assert "Anaplan-Pass-77" not in kept.redactor.redact("password Anaplan-Pass-77")
    with pytest.raises(ValueError, match="one redactor"):
        AnaplanClient(settings, kept_tokens=kept, redactor=Redactor())
    kept.close()


def test_an_error_before_the_root_exists_is_redacted_by_field_name() -> None:
    app = typer.Typer(cls=ConnectorGroup)

    @app.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = AppContext(config_file=Path("never-read.toml"))

    @app.command()
    def fail() -> None:
        raise ConfigurationError('bad answer: {"password": "Never-Shown-31", "code": "E1"}')

    result = CliRunner().invoke(app, ["fail"])
    assert result.exit_code == ConfigurationError.exit_code
    assert "Never-Shown-31" not in result.output and '"code": "E1"' in result.output
