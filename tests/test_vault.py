from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from ml_connector.errors import VaultError
from ml_connector.http import Redactor
from ml_connector.store import Store
from ml_connector.store.models import Credential
from ml_connector.vault import Vault, load_key, new_key_file


def test_round_trip_and_ciphertext_hides_the_secret(store: Store) -> None:
    vault = Vault(store, Fernet.generate_key(), Redactor())
    vault.put("erp", "oracle", {"password": "p4ssw0rd-xyz", "client_secret": "cs-123456"})
    assert vault.get("erp") == {"password": "p4ssw0rd-xyz", "client_secret": "cs-123456"}
    vault.update("erp", {"client_secret": "rotated-999"})
    assert vault.get("erp")["client_secret"] == "rotated-999"
    with store.session() as session:
        blob = session.execute(select(Credential.ciphertext)).scalar_one()
    assert b"p4ssw0rd-xyz" not in blob and b"rotated-999" not in blob
    assert vault.entries() == [("erp", "oracle", None)]
    assert vault.remove("erp") and not vault.has("erp")


def test_unknown_connection_says_how_to_add_it(store: Store) -> None:
    with pytest.raises(VaultError, match="no stored credentials") as info:
        Vault(store, Fernet.generate_key(), Redactor()).get("erp")
    assert "connection add erp" in info.value.hint


def test_key_file_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ML_CONNECTOR_KEY", raising=False)
    path = tmp_path / "k"
    with pytest.raises(VaultError, match="no vault key") as info:
        load_key(path)
    assert "ml-connector init" in info.value.hint
    new_key_file(path)
    assert load_key(path) == path.read_bytes().strip()
    with pytest.raises(VaultError, match="already exists"):
        new_key_file(path)
    os.chmod(path, 0o644)
    with pytest.raises(VaultError, match="readable by others") as info:
        load_key(path)
    assert "chmod 600" in info.value.hint
    monkeypatch.setenv("ML_CONNECTOR_KEY", "not-a-key")
    with pytest.raises(VaultError, match="not a valid key"):
        load_key(path)
