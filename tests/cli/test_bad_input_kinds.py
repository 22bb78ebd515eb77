"""More mistakes of each kind a user makes (config, vault and key, store, mapping files, .ionapi, arguments,
ports, names and ids, dates), each answered with its exit code, what is wrong and where, what to do,
nothing left half-done, no secret echoed and no traceback. Most need no emulator."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from ml_connector.cli.main import app
from tests.cli.conftest import Cli
from tests.cli.test_bad_input import SECRET, add_oracle, refused, write

CONFIG = "ml-connector.toml"


@pytest.fixture()
def ready(cli: Cli) -> Cli:
    assert cli("init").exit_code == 0
    return cli


def config_text(cli: Cli) -> str:
    return (cli.folder / CONFIG).read_text(encoding="utf-8")


def append(cli: Cli, text: str) -> None:
    with (cli.folder / CONFIG).open("a", encoding="utf-8") as handle:
        handle.write(text)


def usage_error(result: object, *phrases: str) -> None:
    """Click's own answer to a malformed option: exit 2, the usage line, the option named, no traceback."""
    text = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 2, text  # type: ignore[attr-defined]
    assert "Traceback" not in text and "unexpected" not in text and "this is a bug" not in text, text
    for phrase in phrases:
        assert phrase in text, f"{phrase!r} not in:\n{text}"


# --- the configuration file -------------------------------------------------------------------------


def test_a_configuration_path_that_is_a_folder(ready: Cli) -> None:
    (ready.folder / "conf").mkdir()
    refused(ready("--config", str(ready.folder / "conf"), "runs"), 2, "is a folder, not a file", "--config")


def test_a_configuration_file_that_is_not_utf8(ready: Cli) -> None:
    path = ready.folder / "latin.toml"
    path.write_bytes('[store]\nurl = "sqlite:///M\xfcnchen.db"\n'.encode("latin-1"))
    refused(ready("--config", str(path), "runs"), 2, "latin.toml is not UTF-8", "Save the file as UTF-8")


def test_a_store_url_that_is_not_text(cli: Cli) -> None:
    write(cli.folder / CONFIG, "[store]\nurl = 5\n")
    refused(cli("runs"), 2, "store.url", "valid string", "Fix each listed setting")


@pytest.mark.parametrize("value", ["0", "0.5", "100000", '"soon"'])
def test_a_lease_time_out_of_range(cli: Cli, value: str) -> None:
    write(cli.folder / CONFIG, f"[store]\nlease_ttl_seconds = {value}\n")
    refused(cli("runs"), 2, f"{CONFIG} has 1 problem(s)", "store.lease_ttl_seconds")


def test_a_lease_time_from_the_environment_names_the_variable(ready: Cli) -> None:
    result = ready("runs", env={"ML_CONNECTOR_LEASE_TTL_SECONDS": "abc"})
    refused(result, 2, "store.lease_ttl_seconds (from ML_CONNECTOR_LEASE_TTL_SECONDS)", "valid number")


def test_a_lease_time_from_the_environment_is_used(ready: Cli) -> None:
    assert ready("runs", env={"ML_CONNECTOR_LEASE_TTL_SECONDS": "3"}).exit_code == 0


def test_an_unknown_time_zone(ready: Cli) -> None:
    append(ready, '\n[service]\ntimezone = "Mars/Olympus"\n')
    refused(ready("runs"), 2, "service.timezone", "Mars/Olympus", "Europe/Berlin")


def test_a_dashboard_port_out_of_range_in_the_file(ready: Cli) -> None:
    append(ready, "\n[service]\nweb_port = 99999\n")
    refused(ready("runs"), 2, "service.web_port", "65535")


def test_a_setting_given_twice(ready: Cli) -> None:
    write(ready.folder / CONFIG, '[store]\nurl = "sqlite:///a.db"\nurl = "sqlite:///b.db"\n')
    refused(ready("runs"), 2, "not valid TOML", "line 3")
    assert not (ready.folder / "a.db").exists() and not (ready.folder / "b.db").exists()


def test_a_connection_without_a_system(ready: Cli) -> None:
    append(ready, '\n[connections.x]\nuser = "u"\n')
    refused(ready("runs"), 2, "connections.x.system", "Field required")


def test_a_misspelt_flow_setting(ready: Cli) -> None:
    append(ready, '\n[flows.a]\nkind = "reference"\nsource = "x"\ntarget = "y"\nshedule = "0 6 * * *"\n')
    refused(ready("runs"), 2, "flows.a.shedule", "Extra inputs")


def test_an_unknown_misfire_policy(ready: Cli) -> None:
    append(ready, '\n[flows.a]\nkind = "reference"\nsource = "x"\ntarget = "y"\nmisfire = "sometimes"\n')
    refused(ready("runs"), 2, "flows.a.misfire", "'once', 'skip' or 'all'")


def test_both_smtp_tls_modes(ready: Cli) -> None:
    append(ready, "\n[alerts]\nsmtp_starttls = true\nsmtp_ssl = true\n")
    refused(ready("runs"), 2, "alerts", "choose one")


def test_a_configuration_named_by_the_environment_that_does_not_exist(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "x.toml"
    result = cli.runner.invoke(
        app,
        ["runs"],
        env={"ML_CONNECTOR_CONFIG": str(missing)},
    )
    refused(result, 2, f"no configuration file at {missing}", "ml-connector init")


# --- the vault and its key --------------------------------------------------------------------------


def test_a_vault_key_in_the_environment_that_is_not_a_key_is_not_echoed(ready: Cli) -> None:
    text = refused(ready("connection", "list", env={"ML_CONNECTOR_KEY": SECRET}), 2, "$ML_CONNECTOR_KEY", "not a valid")
    assert SECRET not in text


def test_the_wrong_key_in_the_environment(ready: Cli) -> None:
    add_oracle(ready)
    other = Fernet.generate_key().decode()
    text = refused(ready("ping", "ora", env={"ML_CONNECTOR_KEY": other}), 2, "cannot decrypt", "wrong key")
    assert other not in text and SECRET not in text


def test_a_key_file_that_is_a_folder(ready: Cli) -> None:
    (ready.folder / "keys").mkdir()
    text = config_text(ready).replace('key_file = "ml-connector.key"', 'key_file = "keys"')
    write(ready.folder / CONFIG, text)
    refused(ready("connection", "list"), 2, "is a folder, not a file", "[vault] key_file")


def test_an_empty_key_file(ready: Cli) -> None:
    (ready.folder / "ml-connector.key").write_bytes(b"")
    refused(ready("connection", "list"), 2, "not a valid key", "unchanged")


def test_a_secret_file_that_does_not_exist_stores_nothing(ready: Cli) -> None:
    result = ready("connection", "add", "ora", "--system", "oracle", "--secret-file", "private_key_pem=/no/key.pem")
    refused(result, 2, "--secret-file private_key_pem: no file at /no/key.pem", "path of the file")
    assert "[connections.ora]" not in config_text(ready)


def test_a_secret_file_without_a_name(ready: Cli) -> None:
    result = ready("connection", "add", "ora", "--system", "oracle", "--secret-file", "key.pem")
    refused(result, 2, "'key.pem' is not NAME=PATH", "private_key_pem=key.pem")
    assert "[connections.ora]" not in config_text(ready)


def test_a_secret_that_was_not_given_stores_nothing(ready: Cli) -> None:
    result = ready("connection", "add", "ora", "--system", "oracle", "--secret", "password", input="")
    refused(result, 2, "secret 'password' was not given", "ML_CONNECTOR_SECRET_PASSWORD")
    assert "[connections.ora]" not in config_text(ready)


def test_an_empty_secret_stores_nothing(ready: Cli) -> None:
    result = ready("connection", "add", "ora", "--system", "oracle", "--secret", "password", input="password=\n")
    refused(result, 2, "secret 'password'")
    assert "[connections.ora]" not in config_text(ready)


# --- the store --------------------------------------------------------------------------------------


def test_an_unreachable_postgresql_store_hides_its_password(ready: Cli) -> None:
    url = f"postgresql+psycopg://mlc:{SECRET}@127.0.0.1:1/mlc"
    text = refused(ready("runs", env={"ML_CONNECTOR_STORE_URL": url}), 2, "cannot be reached", "127.0.0.1", "server")
    assert SECRET not in text


def test_a_store_url_that_is_not_a_url(ready: Cli) -> None:
    refused(ready("runs", env={"ML_CONNECTOR_STORE_URL": "my database"}), 2, "is not a database URL", "sqlite:///")


def test_a_store_path_that_is_a_folder(ready: Cli) -> None:
    (ready.folder / "db").mkdir()
    url = f"sqlite:///{ready.folder / 'db'}"
    refused(ready("runs", env={"ML_CONNECTOR_STORE_URL": url}), 2, "cannot be opened", "folder")


def set_revision(path: Path, revision: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))


def current_revision(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def test_a_store_set_up_by_a_newer_version_is_left_alone(ready: Cli) -> None:
    set_revision(ready.folder / "ml-connector.db", "0099_future")
    refused(ready("runs"), 2, "schema '0099_future'", "newer version", "cannot take a schema back")
    refused(ready("db", "upgrade"), 2, "schema '0099_future'", "newer version")
    assert current_revision(ready.folder / "ml-connector.db") == "0099_future"


def test_db_upgrade_on_a_file_that_is_not_a_database(ready: Cli) -> None:
    write(ready.folder / "ml-connector.db", "a spreadsheet, not a database\n" * 200)
    for suffix in ("-wal", "-shm"):
        (ready.folder / f"ml-connector.db{suffix}").unlink(missing_ok=True)
    refused(ready("db", "upgrade"), 2, "not an SQLite database", "backup")


def test_init_for_a_folder_that_does_not_exist_writes_nothing(cli: Cli) -> None:
    result = cli.runner.invoke(
        app,
        ["--config", str(cli.folder / "missing" / CONFIG), "init"],
        env={},
    )
    refused(result, 2, "cannot be opened", "folder exists")
    assert sorted(p.name for p in cli.folder.iterdir()) == []


def test_init_again_with_another_store_says_it_was_not_applied(ready: Cli) -> None:
    before = config_text(ready)
    other = f"sqlite:///{ready.folder / 'other.db'}"
    refused(
        ready("init", "--store-url", other),
        2,
        "already exists and uses the store",
        "--store-url",
        "was not applied",
        "set `url` under [store]",
        "--config NEW.toml",
    )
    assert config_text(ready) == before and not (ready.folder / "other.db").exists()


def test_init_again_with_another_key_file_says_it_was_not_applied(ready: Cli) -> None:
    before = config_text(ready)
    refused(
        ready("init", "--key-file", "elsewhere.key"),
        2,
        "keeps its vault key in",
        "--key-file",
        "was not applied",
        "set `key_file` under [vault]",
    )
    assert config_text(ready) == before and not (ready.folder / "elsewhere.key").exists()


def test_init_again_hides_the_password_of_a_store_url_it_does_not_apply(ready: Cli) -> None:
    text = refused(ready("init", "--store-url", f"postgresql+psycopg://mlc:{SECRET}@127.0.0.1:1/x"), 2, "not applied")
    assert SECRET not in text and "***" in text


def test_init_again_with_the_same_store_and_key_is_fine(ready: Cli) -> None:
    same = f"sqlite:///{ready.folder / 'ml-connector.db'}"
    result = ready("init", "--store-url", same, "--key-file", "ml-connector.key")
    assert result.exit_code == 0, result.output
    assert "kept the existing configuration" in result.output


# --- mapping files ----------------------------------------------------------------------------------


def rules_file(cli: Cli, name: str, text: str) -> Path:
    return write(cli.folder / name, text)


@pytest.fixture()
def mapped(ready: Cli) -> Cli:
    good = rules_file(ready, "good.csv", "dimension,kind,source,target\naccount,exact,4000,4000\n")
    assert ready("mapping", "import", "m", str(good)).exit_code == 0
    return ready


def unchanged(cli: Cli) -> None:
    shown = cli("mapping", "export", "m")
    assert shown.exit_code == 0 and shown.output == "dimension,kind,source,target\naccount,exact,4000,4000\n"


def test_a_row_with_too_few_columns_changes_nothing(mapped: Cli) -> None:
    path = rules_file(mapped, "short.csv", "dimension,kind,source,target\naccount,exact,4100\n")
    refused(mapped("mapping", "import", "m", str(path)), 2, "short.csv has 1 bad row(s)", "line 2", "empty")
    unchanged(mapped)


def test_an_unknown_rule_kind_changes_nothing(mapped: Cli) -> None:
    path = rules_file(mapped, "regex.csv", "dimension,kind,source,target\naccount,regex,4.*,4000\n")
    refused(mapped("mapping", "import", "m", str(path)), 2, "line 2", "kind one of", "pattern")
    unchanged(mapped)


def test_an_empty_mapping_file(mapped: Cli) -> None:
    path = rules_file(mapped, "empty.csv", "")
    refused(mapped("mapping", "import", "m", str(path)), 2, "empty.csv", "(an empty file)", "first line")
    unchanged(mapped)


def test_a_header_with_an_extra_column(mapped: Cli) -> None:
    path = rules_file(mapped, "extra.csv", "dimension,kind,source,target,note\naccount,exact,1,1,x\n")
    refused(mapped("mapping", "import", "m", str(path)), 2, "not dimension,kind,source,target,note")
    unchanged(mapped)


def test_a_csv_separated_by_semicolons(mapped: Cli) -> None:
    path = rules_file(mapped, "semi.csv", "dimension;kind;source;target\naccount;exact;4100;4100\n")
    refused(mapped("mapping", "import", "m", str(path)), 2, "separated by semicolons", "comma delimited")
    unchanged(mapped)


def test_a_mapping_path_that_is_a_folder(mapped: Cli) -> None:
    (mapped.folder / "rules").mkdir()
    refused(mapped("mapping", "import", "m", str(mapped.folder / "rules")), 2, "is a folder, not a file")
    unchanged(mapped)


@pytest.mark.parametrize("command", ["show", "export"])
def test_a_set_that_was_never_imported(mapped: Cli, command: str) -> None:
    text = refused(mapped("mapping", command, "infro"), 2, "mapping set 'infro' has no rules", "sets with rules: m")
    assert "mapping import infro FILE" in text


def test_exporting_into_a_folder_that_does_not_exist(mapped: Cli) -> None:
    target = mapped.folder / "nope" / "out.csv"
    refused(mapped("mapping", "export", "m", str(target)), 2, f"cannot write {target}", "folder that exists")
    assert not target.parent.exists()


# --- .ionapi files ----------------------------------------------------------------------------------

IONAPI = {
    "ti": "ACME_TST", "cn": "ml-connector", "ci": "ACME_TST~client", "cs": SECRET,
    "iu": "https://mingle-ionapi.example.com", "pu": "https://mingle-sso.example.com:443/ACME_TST/as/",
    "oa": "authorization.oauth2", "ot": "token.oauth2", "or": "revoke_token.oauth2",
    "saak": "ACME_TST#service-key", "sask": "Service-" + SECRET,
}  # fmt: skip


def test_an_ionapi_file_that_holds_a_list(ready: Cli) -> None:
    path = write(ready.folder / "t.ionapi", "[]")
    refused(ready("connection", "import-ionapi", "inf", str(path)), 2, "t.ionapi must hold a JSON object", "Download")
    assert "[connections.inf]" not in config_text(ready)


def test_an_ionapi_path_that_is_a_folder(ready: Cli) -> None:
    (ready.folder / "t.ionapi").mkdir()
    refused(
        ready("connection", "import-ionapi", "inf", str(ready.folder / "t.ionapi")), 2, "t.ionapi", "Check the path"
    )
    assert "[connections.inf]" not in config_text(ready)


def test_an_ionapi_gateway_that_is_not_a_url_hides_the_secrets(ready: Cli) -> None:
    path = write(ready.folder / "t.ionapi", json.dumps({**IONAPI, "iu": "mingle-ionapi"}))
    text = refused(ready("connection", "import-ionapi", "inf", str(path)), 2, "field 'iu'", "http(s) URL")
    assert SECRET not in text
    assert "[connections.inf]" not in config_text(ready)


def test_an_ionapi_saved_with_a_byte_order_mark_is_read(ready: Cli) -> None:
    path = ready.folder / "t.ionapi"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(IONAPI).encode())
    result = ready("connection", "import-ionapi", "inf", str(path))
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output and SECRET not in config_text(ready)


# --- arguments --------------------------------------------------------------------------------------


def test_an_unknown_console_role(ready: Cli) -> None:
    usage_error(ready("user", "add", "bob", "--role", "king", input="pw\n"), "--role", "king", "viewer")
    assert "bob" not in ready("user", "list").output


def test_an_emulator_port_that_is_not_a_number(ready: Cli) -> None:
    usage_error(ready("emulate", "anaplan", "--port", "abc"), "Invalid value for '--port'", "integer")


def test_a_connection_name_after_a_double_dash(ready: Cli) -> None:
    usage_error(ready("connection", "add", "--", "-x", "--system", "oracle"), "--system")
    assert "[connections" not in config_text(ready).split("# [connections")[0]


@pytest.mark.parametrize("limit", ["0", "-1"])
def test_a_runs_limit_below_one(ready: Cli, limit: str) -> None:
    usage_error(ready("runs", "--limit", limit), "--limit", "1")


def test_runs_of_an_unknown_flow(ready: Cli) -> None:
    refused(ready("runs", "--flow", "actuals-nowhere"), 2, "no flow named 'actuals-nowhere'", "known: none")


def test_a_worker_heartbeat_too_slow_for_its_stall_time(ready: Cli) -> None:
    result = ready("worker", "--heartbeat-seconds", "20", "--stalled-after-seconds", "30")
    refused(result, 2, "at least twice the heartbeat", "worker's options")


@pytest.mark.parametrize("command", [["enqueue", "x"], ["worker"]])
def test_workers_on_a_sqlite_store(ready: Cli, command: list[str]) -> None:
    refused(ready(*command), 2, "need PostgreSQL", "db upgrade")


def test_an_empty_console_password_adds_no_user(ready: Cli) -> None:
    refused(ready("user", "add", "bob", input="\n"), 2, "password is empty", "standard input")
    assert "bob" not in ready("user", "list").output


# --- ports ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("port", ["70000", "-1"])
def test_a_dashboard_port_out_of_range(ready: Cli, port: str) -> None:
    refused(ready("serve", "--web-port", port), 2, f"--web-port {port} is not a port number", "1 to 65535")


# --- names and ids ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "a/b", "x" * 101, "ora;rm"])
def test_connection_names_that_are_not_allowed(ready: Cli, name: str) -> None:
    refused(ready("connection", "add", name, "--system", "oracle"), 2, f"connection name {name!r} is not allowed")
    assert f"[connections.{name}]" not in config_text(ready)


@pytest.mark.parametrize("name", ["", "bad name", "a" * 101])
def test_console_user_names_that_are_not_allowed(ready: Cli, name: str) -> None:
    refused(ready("user", "add", name, input="pw\n"), 2, f"user name {name!r} is not allowed", "letters")


def test_an_unknown_connection_lists_the_known_ones(ready: Cli) -> None:
    add_oracle(ready)
    for command in (["ping", "orcale"], ["discover", "orcale"], ["connection", "remove", "orcale"]):
        refused(ready(*command), 2, "no connection named 'orcale'", "known: ora")
    assert "[connections.ora]" in config_text(ready)


def test_removing_an_unknown_console_user(ready: Cli) -> None:
    refused(ready("user", "remove", "nobody"), 2, "no console user 'nobody'", "user list")


@pytest.mark.parametrize("command", [["replay", "0123abcd"], ["audit", "0123abcd", "--limit", "5"]])
def test_an_unknown_run_id_for_replay_and_audit(ready: Cli, command: list[str]) -> None:
    refused(ready(*command), 2, "no run '0123abcd'", "ml-connector runs")


def test_reconcile_of_an_unknown_flow(ready: Cli) -> None:
    refused(ready("reconcile", "actuals-x"), 2, "no flow named 'actuals-x'", "[flows.actuals-x]")


# --- dates ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("since", ["2026-02-30", "2026-01-01T00:00:00+25:00", "01/03/2026", "2026-13-01"])
def test_since_that_is_not_a_real_time(ready: Cli, since: str) -> None:
    refused(ready("run", "x", "--since", since), 2, f"--since {since!r} is not an ISO date", "2026-03-01")


@pytest.mark.parametrize("command", ["run", "reconcile"])
@pytest.mark.parametrize("period", ["2026-13", "2026-00", "26-03", "2026-3-1"])
def test_a_period_that_is_not_a_month(ready: Cli, command: str, period: str) -> None:
    expected = f"--period {period!r} is neither a month YYYY-MM nor a fiscal period YYYY-Pnn"
    refused(ready(command, "x", "--period", period), 2, expected, "2026-03")


@pytest.mark.parametrize("day", ["2026-02-30", "30.11.2026", "tomorrow"])
def test_a_credential_expiry_that_is_not_a_day_stores_nothing(ready: Cli, day: str) -> None:
    result = ready("connection", "add", "ora", "--system", "oracle", "--expires-on", day)
    refused(result, 2, f"--expires-on {day!r} is not a date", "YYYY-MM-DD")
    assert "[connections.ora]" not in config_text(ready)
