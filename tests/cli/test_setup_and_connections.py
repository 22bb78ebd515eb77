from __future__ import annotations

import json
import os
import stat

import pytest
from cryptography.fernet import Fernet

from ml_connector.cli.context import AppContext
from ml_connector.emulators.infor.app import write_ionapi
from ml_connector.errors import VaultError
from ml_connector.store.schema import head_revision
from tests.cli.conftest import Cli

SECRET = "Sup3r-Secret-Pa55word!"


def test_version(cli: Cli) -> None:
    result = cli("--version")
    assert result.exit_code == 0 and "ml-connector" in result.output


def test_init_makes_config_key_and_schema(cli: Cli) -> None:
    result = cli("init")
    assert result.exit_code == 0, result.output
    key = cli.folder / "ml-connector.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (cli.folder / "ml-connector.toml").exists()
    assert (cli.folder / "ml-connector.db").exists()
    again = cli("init")
    assert again.exit_code == 0 and "kept the existing" in again.output


def test_connection_add_keeps_secrets_out_of_everything(cli: Cli) -> None:
    assert cli("init").exit_code == 0
    result = cli(
        "--log-level",
        "DEBUG",
        "connection",
        "add",
        "erp",
        "--system",
        "oracle",
        "--set",
        "pod_url=https://acme.fa.us2.oraclecloud.com",
        "--set",
        "user=INTEGRATION",
        "--secret",
        "password",
        input=f"password={SECRET}\n",
    )
    assert result.exit_code == 0, result.output
    listed = cli("connection", "list")
    assert listed.exit_code == 0 and "erp" in listed.output and "stored" in listed.output
    for name in os.listdir(cli.folder):
        data = (cli.folder / name).read_bytes()
        assert SECRET.encode() not in data, name
    assert SECRET not in result.output + listed.output
    assert "pod_url" in (cli.folder / "ml-connector.toml").read_text()


def test_wrong_key_is_a_clear_error(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli("init").exit_code == 0
    added = cli("connection", "add", "erp", "--system", "oracle", "--secret", "password", input="password=abcd1234\n")
    assert added.exit_code == 0, added.output
    monkeypatch.setenv("ML_CONNECTOR_KEY", Fernet.generate_key().decode())
    ctx = AppContext(config_file=cli.folder / "ml-connector.toml")
    try:
        with pytest.raises(VaultError, match="wrong key"):
            ctx.vault().get("erp")
    finally:
        ctx.close()


def test_missing_secret_on_stdin_is_an_error_with_a_hint(cli: Cli) -> None:
    assert cli("init").exit_code == 0
    result = cli("connection", "add", "erp", "--system", "oracle", "--secret", "password", input="\n")
    assert result.exit_code == 2
    assert "secret 'password' was not given" in result.output
    assert "ML_CONNECTOR_SECRET_PASSWORD" in result.output


def test_remove_connection(cli: Cli) -> None:
    assert cli("init").exit_code == 0
    cli(
        "connection",
        "add",
        "a1",
        "--system",
        "anaplan",
        "--set",
        "user=x",
        "--secret",
        "password",
        input="password=abcd1234\n",
    )
    cli("connection", "add", "b1", "--system", "oracle", "--set", "user=y")
    assert cli("connection", "remove", "a1").exit_code == 0
    text = (cli.folder / "ml-connector.toml").read_text()
    assert "a1" not in text and "[connections.b1]" in text


def test_unknown_system_and_bad_name(cli: Cli) -> None:
    assert cli("init").exit_code == 0
    assert cli("connection", "add", "x", "--system", "sap").exit_code == 2
    assert cli("connection", "add", "bad name", "--system", "oracle").exit_code == 2


def test_commands_before_init_say_what_to_do(cli: Cli) -> None:
    result = cli("connection", "list")
    assert result.exit_code == 2
    assert "ml-connector init" in result.output


def test_db_upgrade_on_postgres(cli: Cli, pg_url: str) -> None:
    result = cli("db", "upgrade", env={"ML_CONNECTOR_STORE_URL": pg_url})
    assert result.exit_code == 2  # no config file yet: says so
    assert cli("init", "--store-url", pg_url).exit_code == 0
    result = cli("db", "upgrade")
    assert result.exit_code == 0 and head_revision() in result.output


def test_import_ionapi_keeps_its_secrets_in_the_vault(cli: Cli) -> None:
    assert cli("init").exit_code == 0
    ionapi = write_ionapi(cli.folder / "acme.ionapi", "http://127.0.0.1:9")
    fields = json.loads(ionapi.read_text())
    result = cli(
        "connection", "import-ionapi", "infor", str(ionapi), "--set", "company=100", "--set", "allow_any_url=true"
    )
    assert result.exit_code == 0, result.output
    ionapi.unlink()
    listed = cli("connection", "list")
    assert "infor" in listed.output and "stored" in listed.output
    stored = b"".join((cli.folder / name).read_bytes() for name in os.listdir(cli.folder))
    for key in ("cs", "sask", "saak"):
        assert fields[key].encode() not in stored, key
        assert fields[key] not in result.output + listed.output


def test_import_ionapi_names_the_bad_field(cli: Cli) -> None:
    assert cli("init").exit_code == 0
    bad = cli.folder / "bad.ionapi"
    bad.write_text(json.dumps({"ti": "ACME", "ci": "x", "cs": "y", "iu": "not a url", "pu": "https://a/", "ot": "t"}))
    result = cli("connection", "import-ionapi", "infor", str(bad))
    assert result.exit_code == 2
    assert "iu" in result.output
    bad.write_text("not json")
    assert cli("connection", "import-ionapi", "infor", str(bad)).exit_code == 2
