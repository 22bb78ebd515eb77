"""Auth kinds, kept tokens, refresh before expiry, 401 → one re-auth, secrets out of logs and errors."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization

from ml_connector.errors import AuthenticationError, ConfigurationError
from ml_connector.systems.anaplan import AnaplanClient
from ml_connector.systems.anaplan.auth import KeptTokens

from .conftest import base_settings


def auth_calls(admin: httpx.Client) -> int:
    return int(admin.get("/stats").json()["auth_calls"])


def test_basic_login_is_kept_across_calls(client: AnaplanClient, admin: httpx.Client) -> None:
    assert "signed in as" in client.ping()
    ref = client.model()
    client.list_members(ref, "GL Accounts")
    client.model_status(ref)
    assert auth_calls(admin) == 1
    assert client.auth.keeper.fetches == 1


def test_certificate_login(make_client: Callable[..., AnaplanClient], facts: dict[str, Any]) -> None:
    client = make_client(
        auth="certificate", certificate_path=facts["certificate"], private_key_path=facts["private_key"]
    )
    assert "certificate" in client.ping()


def test_certificate_with_encrypted_key(
    make_client: Callable[..., AnaplanClient], facts: dict[str, Any], tmp_path: Path
) -> None:
    key = serialization.load_pem_private_key(Path(facts["private_key"]).read_bytes(), password=None)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"key-passphrase-1"),
    )
    path = tmp_path / "enc-key.pem"
    path.write_bytes(encrypted)
    client = make_client(
        auth="certificate",
        certificate_path=facts["certificate"],
        private_key_path=str(path),
        private_key_passphrase="key-passphrase-1",
    )
    client.ping()
    with pytest.raises(ConfigurationError, match="private key cannot be read"):
        make_client(
            auth="certificate",
            certificate_path=facts["certificate"],
            private_key_path=str(path),
            private_key_passphrase="wrong-passphrase",
        )


def test_oauth_rotates_and_stores_refresh_token(facts: dict[str, Any], admin: httpx.Client) -> None:
    stored: list[str] = []
    settings = base_settings(
        facts, auth="oauth", oauth_client_id=facts["oauth_client_id"], refresh_token=facts["refresh_token"]
    )
    with AnaplanClient(settings, on_refresh_token=stored.append) as client:
        client.ping()
        assert len(stored) == 1 and stored[0] != facts["refresh_token"]
        # The access token expires: the client refreshes with the rotated token, not the spent one.
        admin.post("/expire-tokens")
        client.model_status(client.model())
        assert len(stored) == 2 and stored[1] != stored[0]


def test_oauth_spent_refresh_token_is_a_clear_auth_error(facts: dict[str, Any]) -> None:
    settings = base_settings(
        facts, auth="oauth", oauth_client_id=facts["oauth_client_id"], refresh_token=facts["refresh_token"]
    )
    with AnaplanClient(settings) as first:
        first.ping()
    # Each client keeps its own token here, as another process would: it does not know the rotated token.
    with AnaplanClient(settings) as second, pytest.raises(AuthenticationError) as caught:
        second.ping()
    assert "oauth" in str(caught.value) and "invalid_grant" in str(caught.value)
    assert facts["refresh_token"] not in str(caught.value)


def test_wrong_password_says_so_without_the_password(
    make_client: Callable[..., AnaplanClient], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client(password="Not-The-Password-42")
    with pytest.raises(AuthenticationError) as caught:
        client.ping()
    text = str(caught.value)
    assert "refused the basic credentials" in text and "FAILURE_BAD_CREDENTIAL" in text
    assert "Not-The-Password-42" not in text
    assert "Not-The-Password-42" not in caplog.text


def test_no_secret_in_logs(client: AnaplanClient, facts: dict[str, Any], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client.ping()
    token = client.auth.token().value
    assert facts["password"] not in caplog.text
    assert token not in caplog.text
    assert "http request" in caplog.text


def test_token_refreshed_before_expiry(make_client: Callable[..., AnaplanClient], admin: httpx.Client) -> None:
    admin.put("/settings", json={"token_ttl": 2.0})
    client = make_client()
    ref = client.model()
    first = client.auth.token()
    # 20% margin of a 2 s token: after 1.7 s the keeper renews through /token/refresh, not a new login.
    threading.Event().wait(1.7)
    client.model_status(ref)
    assert client.auth.keeper.renewals >= 1
    assert client.auth.token().value == first.value  # Anaplan keeps the value and extends the expiry
    assert auth_calls(admin) == 1
    refreshes = admin.get("/stats").json()["requests"].get("POST /token/refresh", {})
    assert refreshes.get("200", 0) >= 1


def test_token_expired_mid_run_reauthenticates_once(client: AnaplanClient, admin: httpx.Client) -> None:
    ref = client.model()
    admin.post("/expire-tokens")
    assert client.list_members(ref, "Cost Centers")
    assert auth_calls(admin) == 2
    requests = admin.get("/stats").json()["requests"]
    assert sum(v.get("401", 0) for v in requests.values()) == 1


def test_token_shared_by_threads(client: AnaplanClient, admin: httpx.Client) -> None:
    ref = client.model()
    admin.post("/expire-tokens")
    errors: list[BaseException] = []

    def work() -> None:
        try:
            client.model_status(ref)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert auth_calls(admin) == 2  # one login at first, one after the expiry, whatever the threads


def test_refused_token_does_not_loop(make_client: Callable[..., AnaplanClient], admin: httpx.Client) -> None:
    client = make_client()
    client.model()
    # Every token dies at once, for every request: one re-auth per attempt, then the 401 is raised.
    admin.put("/settings", json={"token_ttl": 0.001})
    admin.post("/expire-tokens")
    with pytest.raises(AuthenticationError):
        client.model_status(client.model())
    assert auth_calls(admin) <= 3


def test_clients_of_one_credential_share_one_token(
    facts: dict[str, Any], admin: httpx.Client, kept: KeptTokens
) -> None:
    settings = base_settings(facts)
    with (
        AnaplanClient(settings, kept_tokens=kept) as one,
        AnaplanClient(settings, kept_tokens=kept) as two,
    ):
        one.ping()
        two.ping()
    with AnaplanClient(settings, kept_tokens=kept) as three:
        three.model_status(three.model())
    assert auth_calls(admin) == 1


def test_oauth_clients_follow_one_rotation(facts: dict[str, Any], admin: httpx.Client, kept: KeptTokens) -> None:
    heard: list[str] = []
    heard_too: list[str] = []
    settings = base_settings(
        facts, auth="oauth", oauth_client_id=facts["oauth_client_id"], refresh_token=facts["refresh_token"]
    )
    with AnaplanClient(settings, on_refresh_token=heard.append, kept_tokens=kept) as one:
        one.ping()
        # A second client made from the original settings must not spend the old refresh token again.
        with AnaplanClient(settings, on_refresh_token=heard_too.append, kept_tokens=kept) as two:
            admin.post("/expire-tokens")
            two.ping()
            one.ping()
    assert len(heard) == 2 and heard_too == heard[1:]  # the second rotation is heard by both clients


def test_oauth_new_grant_replaces_the_kept_refresh_token(
    facts: dict[str, Any], admin: httpx.Client, kept: KeptTokens
) -> None:
    first = base_settings(
        facts, auth="oauth", oauth_client_id=facts["oauth_client_id"], refresh_token=facts["refresh_token"]
    )
    with AnaplanClient(first, kept_tokens=kept) as one:
        one.ping()
        # The user ran the device grant again: the emulator's reset seeds the original token anew.
        admin.post("/reset")
        admin.post("/expire-tokens")
        fresh = base_settings(
            facts, auth="oauth", oauth_client_id=facts["oauth_client_id"], refresh_token="brand-new-grant-token"
        )
        with (
            AnaplanClient(fresh, kept_tokens=kept) as two,
            pytest.raises(AuthenticationError, match="invalid_grant"),
        ):
            two.ping()  # the new token is tried (and refused here, as the emulator never issued it)
