"""Every mistake a user can make gets a clear answer: the exit code, what is wrong and where, what to do,
nothing left half-done, no secret echoed, and never a Python traceback."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from cryptography.fernet import Fernet

from ml_connector.cli import flows as flow_commands
from ml_connector.engine.runs import RunInfo
from ml_connector.engine.states import RunState, Trigger
from tests.cli.conftest import Cli

SECRET = "Sup3r-Secret-Pw!"  # noqa: S105 - a value that must never be echoed


def refused(result: Result, code: int, *phrases: str) -> str:
    """The command failed with `code`, said each phrase, said what to do, and showed no traceback."""
    text = result.output
    assert result.exit_code == code, text
    assert "Traceback" not in text and 'File "' not in text, text
    for phrase in phrases:
        assert phrase in text, f"{phrase!r} not in:\n{text}"
    if code == 2 and "Usage:" not in text:
        assert "what to do:" in text, text
    return text


@pytest.fixture()
def ready(cli: Cli) -> Cli:
    """A folder after `ml-connector init`."""
    assert cli("init").exit_code == 0
    return cli


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def add_oracle(cli: Cli, name: str = "ora") -> None:
    result = cli(
        "connection", "add", name, "--system", "oracle", "--set", "pod_url=https://acme.fa.us2.oraclecloud.com",
        "--set", "user=INTEGRATION", "--secret", "password", input=f"password={SECRET}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output


# --- the configuration file -------------------------------------------------------------------------


def test_no_configuration_file(cli: Cli) -> None:
    refused(cli("runs"), 2, "no configuration file", "ml-connector init")


def test_a_file_that_is_not_toml(ready: Cli) -> None:
    write(ready.folder / "ml-connector.toml", "[store\nurl = 1\n")
    refused(ready("runs"), 2, "not valid TOML", "line")


def test_an_unknown_section(ready: Cli) -> None:
    with (ready.folder / "ml-connector.toml").open("a") as handle:
        handle.write("\n[stroe]\nurl = 'x'\n")
    refused(ready("runs"), 2, "stroe")


def test_every_problem_is_listed_in_one_message(ready: Cli) -> None:
    with (ready.folder / "ml-connector.toml").open("a") as handle:
        handle.write(
            '\n[flows.a]\nkind = "actuals"\nsource = "nowhere"\ntarget = "anaplan"\nmodel = "M"\n'
            '\n[flows.b]\nkind = "teleport"\nsource = "x"\ntarget = "y"\n'
        )
    text = refused(ready("runs"), 2, "flows.a.source: no connection named 'nowhere'", "flows.b.kind")
    assert "2 problem(s)" in text or "3 problem(s)" in text


def test_a_flow_with_the_wrong_system_on_one_end(ready: Cli) -> None:
    add_oracle(ready)
    with (ready.folder / "ml-connector.toml").open("a") as handle:
        handle.write('\n[flows.x]\nkind = "actuals"\nsource = "ora"\ntarget = "ora"\nmodel = "M"\n')
    refused(ready("runs"), 2, "flows.x.target", "needs anaplan")


def test_a_plan_return_without_a_balancing_account(ready: Cli) -> None:
    add_oracle(ready)
    write_anaplan(ready)
    with (ready.folder / "ml-connector.toml").open("a") as handle:
        handle.write(
            '\n[flows.p]\nkind = "plan-return"\nsource = "ap"\ntarget = "ora"\nmodel = "M"\nexport = "E"\n'
            'post_as = "journal"\n'
        )
    refused(ready("runs"), 2, "flows.p.balancing_account")


def write_anaplan(cli: Cli) -> None:
    with (cli.folder / "ml-connector.toml").open("a") as handle:
        handle.write('\n[connections.ap]\nsystem = "anaplan"\nuser = "me@acme.example"\n')


def test_a_bad_cron_schedule(ready: Cli) -> None:
    write_anaplan(ready)
    add_oracle(ready)
    with (ready.folder / "ml-connector.toml").open("a") as handle:
        handle.write(
            '\n[flows.r]\nkind = "reference"\nsource = "ora"\ntarget = "ap"\nmodel = "M"\nschedule = "61 * * * *"\n'
        )
    refused(ready("runs"), 2, "flows.r.schedule")


def test_an_unknown_flow(ready: Cli) -> None:
    refused(ready("run", "actuals-nowhere"), 2, "no flow named 'actuals-nowhere'")


def test_an_unknown_log_level(ready: Cli) -> None:
    refused(ready("--log-level", "LOUD", "runs"), 2, "LOUD")


def test_the_store_path_is_read_from_the_config_folder_not_the_current_one(
    ready: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_oracle(ready)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    listed = ready("connection", "list")
    assert listed.exit_code == 0 and "stored" in listed.output  # the same store, not a new empty one
    assert not (elsewhere / "ml-connector.db").exists()


# --- the vault and its key --------------------------------------------------------------------------


def test_a_deleted_key_says_to_restore_it_and_init_will_not_replace_it(ready: Cli) -> None:
    add_oracle(ready)
    (ready.folder / "ml-connector.key").unlink()
    refused(ready("connection", "list"), 2, "no vault key", "from its backup")
    refused(ready("init"), 2, "holds the credentials of 1 connection", "from its backup")
    assert not (ready.folder / "ml-connector.key").exists()  # no new key that could not read them


def test_a_key_readable_by_others(ready: Cli) -> None:
    os.chmod(ready.folder / "ml-connector.key", 0o644)
    refused(ready("connection", "list"), 2, "readable by others", "chmod 600")


def test_a_key_that_is_not_a_key(ready: Cli) -> None:
    write(ready.folder / "ml-connector.key", "not-a-key")
    os.chmod(ready.folder / "ml-connector.key", 0o600)
    refused(ready("connection", "list"), 2, "not a valid key")


def test_the_wrong_key(ready: Cli) -> None:
    add_oracle(ready)
    (ready.folder / "ml-connector.key").write_bytes(Fernet.generate_key())
    refused(ready("ping", "ora"), 2, "cannot decrypt", "wrong key")


# --- the store --------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_init_on_a_database_that_does_not_exist_writes_nothing(cli: Cli) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/mlc_no_such_database"
    refused(cli("init", "--store-url", url), 2, "does not exist", "mlc_no_such_database", "createdb")
    assert sorted(p.name for p in cli.folder.iterdir()) == []


def test_a_store_file_that_is_not_a_database(ready: Cli) -> None:
    write(ready.folder / "ml-connector.db", "these are not the bytes of a database\n" * 100)
    for suffix in ("-wal", "-shm"):
        (ready.folder / f"ml-connector.db{suffix}").unlink(missing_ok=True)
    refused(ready("runs"), 2, "not an SQLite database", "backup")


def test_a_store_whose_folder_does_not_exist(ready: Cli) -> None:
    text = (ready.folder / "ml-connector.toml").read_text(encoding="utf-8")
    write(ready.folder / "ml-connector.toml", text.replace("sqlite:///ml-connector.db", "sqlite:///gone/x.db"))
    refused(ready("runs"), 2, "cannot be opened", "folder")


def test_a_store_not_set_up(cli: Cli) -> None:
    write(cli.folder / "ml-connector.toml", '[store]\nurl = "sqlite:///fresh.db"\n')
    refused(cli("runs"), 2, "not set up", "db upgrade")


def test_a_store_url_of_an_unsupported_database(cli: Cli) -> None:
    write(cli.folder / "ml-connector.toml", '[store]\nurl = "mysql://u@h/db"\n')
    refused(cli("runs"), 2, "mysql", "SQLite")


# --- mapping files ----------------------------------------------------------------------------------


def mapping_rows(cli: Cli, name: str) -> str:
    result = cli("mapping", "export", name)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_repeated_rule_names_both_lines_and_changes_nothing(ready: Cli) -> None:
    good = write(ready.folder / "good.csv", "dimension,kind,source,target\naccount,exact,4000,4000\n")
    assert ready("mapping", "import", "m", str(good)).exit_code == 0
    rows = "dimension,kind,source,target\naccount,exact,4000,4000\naccount,exact,4000,4001\n"
    bad = write(ready.folder / "dup.csv", rows)
    refused(ready("mapping", "import", "m", str(bad)), 2, "line 3", "line 2", "dup.csv")
    assert "4001" not in mapping_rows(ready, "m")


def test_a_file_with_only_a_header_does_not_wipe_the_set(ready: Cli) -> None:
    good = write(ready.folder / "good.csv", "dimension,kind,source,target\naccount,exact,4000,4000\n")
    assert ready("mapping", "import", "m", str(good)).exit_code == 0
    empty = write(ready.folder / "empty.csv", "dimension,kind,source,target\n")
    refused(ready("mapping", "import", "m", str(empty)), 2, "no rules", "left as it was", "--allow-empty")
    assert "4000" in mapping_rows(ready, "m")
    assert ready("mapping", "import", "m", str(empty), "--allow-empty").exit_code == 0
    refused(ready("mapping", "export", "m"), 2, "'m' has no rules")


def test_a_csv_saved_by_excel_with_a_byte_order_mark(ready: Cli) -> None:
    path = ready.folder / "excel.csv"
    path.write_bytes("\ufeffdimension,kind,source,target\r\naccount,exact,4000,4000\r\n".encode())
    result = ready("mapping", "import", "m", str(path))
    assert result.exit_code == 0, result.output


def test_a_wrong_header(ready: Cli) -> None:
    path = write(ready.folder / "h.csv", "dim,kind,source,target\naccount,exact,1,1\n")
    refused(ready("mapping", "import", "m", str(path)), 2, "header must be dimension,kind,source,target")


def test_bad_rows_are_all_listed(ready: Cli) -> None:
    path = write(ready.folder / "b.csv", "dimension,kind,source,target\nplanet,exact,1,1\naccount,exact,,1\n")
    refused(ready("mapping", "import", "m", str(path)), 2, "2 bad row(s)", "line 2", "line 3")


def test_a_mapping_file_that_is_missing(ready: Cli) -> None:
    refused(ready("mapping", "import", "m", "nowhere.csv"), 2, "no file at nowhere.csv")


def test_a_mapping_file_that_is_not_utf8(ready: Cli) -> None:
    path = ready.folder / "latin.csv"
    path.write_bytes("dimension,kind,source,target\naccount,exact,M\xfcnchen,1\n".encode("latin-1"))
    refused(ready("mapping", "import", "m", str(path)), 2, "not UTF-8", "CSV UTF-8")


def test_rich_shows_codes_as_they_are(ready: Cli) -> None:
    path = write(ready.folder / "r.csv", "dimension,kind,source,target\naccount,exact,:100:,[bold]x[/]\n")
    assert ready("mapping", "import", "m", str(path)).exit_code == 0
    shown = ready("mapping", "show", "m").output
    assert ":100:" in shown and "[bold]x[/]" in shown and "\N{HUNDRED POINTS SYMBOL}" not in shown


# --- connection settings given with --set ----------------------------------------------------------


def test_a_negative_request_budget_is_refused_before_anything_is_written(ready: Cli) -> None:
    before = (ready.folder / "ml-connector.toml").read_text(encoding="utf-8")
    text = refused(
        ready("connection", "add", "plan", "--system", "anaplan", "--set", "requests_per_minute=-5"),
        2,
        "requests_per_minute=-5",
        "greater than or equal to 1",
        "nothing was stored",
    )
    assert "Traceback" not in text
    assert (ready.folder / "ml-connector.toml").read_text(encoding="utf-8") == before


def test_every_bad_set_is_listed_and_a_secret_is_never_a_setting(ready: Cli) -> None:
    result = ready(
        "connection", "add", "ora", "--system", "oracle", "--set", "requests_per_minute=0",
        "--set", "retry_attempts=many", "--set", "pod_ulr=https://x", "--set", f"password={SECRET}",
    )  # fmt: skip
    text = refused(
        result, 2, "requests_per_minute=0", "retry_attempts=many", "pod_ulr is not a setting", "--secret password"
    )
    assert SECRET not in text
    assert "[connections.ora]" not in (ready.folder / "ml-connector.toml").read_text(encoding="utf-8")


def test_good_set_values_are_written_typed(ready: Cli) -> None:
    result = ready(
        "connection", "add", "plan", "--system", "anaplan", "--set", "requests_per_minute=120",
        "--set", "poll_initial_seconds=0.3", "--set", "gzip=false", "--set", "workspace=0042",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = (ready.folder / "ml-connector.toml").read_text(encoding="utf-8")
    for line in ("requests_per_minute = 120", "poll_initial_seconds = 0.3", "gzip = false", 'workspace = "0042"'):
        assert line in written, written


# --- .ionapi files ----------------------------------------------------------------------------------


def test_an_unknown_infor_product(ready: Cli) -> None:
    path = write(ready.folder / "t.ionapi", "{}")
    refused(ready("connection", "import-ionapi", "inf", str(path), "--product", "xyz"), 2, "xyz", "m3, csi, fsm")
    assert "[connections.inf]" not in (ready.folder / "ml-connector.toml").read_text(encoding="utf-8")


def test_a_missing_ionapi_file(ready: Cli) -> None:
    refused(ready("connection", "import-ionapi", "inf", "missing.ionapi"), 2, "missing.ionapi")


def test_an_ionapi_file_that_is_not_json(ready: Cli) -> None:
    path = write(ready.folder / "t.ionapi", "ti=ACME\n")
    refused(ready("connection", "import-ionapi", "inf", str(path)), 2, "t.ionapi")


def test_an_ionapi_file_missing_a_field_names_it(ready: Cli) -> None:
    fields = {"ti": "ACME_TST", "cn": "x", "ci": "ACME_TST~c", "cs": SECRET, "iu": "https://mingle.example.com",
              "pu": "https://mingle-sso.example.com:443/ACME_TST/as/", "oa": "authorization.oauth2",
              "ot": "token.oauth2", "or": "revoke_token.oauth2", "saak": "ACME_TST#sa"}  # fmt: skip
    path = write(ready.folder / "t.ionapi", json.dumps(fields))  # no "sask"
    text = refused(ready("connection", "import-ionapi", "inf", str(path)), 2, "sask")
    assert SECRET not in text


# --- arguments, names and ids -----------------------------------------------------------------------


def test_a_secret_value_given_as_a_name_is_refused_and_never_repeated(ready: Cli) -> None:
    result = ready(
        "connection", "add", "ora", "--system", "oracle", "--set", "user=U", "--secret", f"password={SECRET}"
    )
    text = refused(result, 2, "--secret takes only the secret's NAME", "nothing was stored")
    assert SECRET not in text and SECRET.upper() not in text
    assert "[connections.ora]" not in (ready.folder / "ml-connector.toml").read_text(encoding="utf-8")


def test_a_connection_name_with_a_space(ready: Cli) -> None:
    refused(ready("connection", "add", "my ora", "--system", "oracle"), 2, "'my ora' is not allowed")


def test_an_unknown_system(ready: Cli) -> None:
    refused(ready("connection", "add", "x", "--system", "sap"), 2, "unknown system 'sap'", "anaplan")


def test_a_setting_without_a_value(ready: Cli) -> None:
    refused(ready("connection", "add", "x", "--system", "oracle", "--set", "user"), 2, "'user' is not KEY=VALUE")


def test_a_credential_expiry_that_is_not_a_date(ready: Cli) -> None:
    result = ready("connection", "add", "x", "--system", "oracle", "--expires-on", "2026/01/01")
    refused(result, 2, "'2026/01/01' is not a date", "YYYY-MM-DD")


def test_removing_a_connection_that_flows_use(ready: Cli) -> None:
    add_oracle(ready)
    write_anaplan(ready)
    with (ready.folder / "ml-connector.toml").open("a") as handle:
        handle.write('\n[connections.ora.fixed_segments]\n1 = "300"\n')
        handle.write('\n[flows.r]\nkind = "reference"\nsource = "ora"\ntarget = "ap"\nmodel = "M"\n')
    refused(ready("connection", "remove", "ora"), 2, "used by 1 flow(s): r", "nothing was removed")
    assert "[connections.ora]" in (ready.folder / "ml-connector.toml").read_text(encoding="utf-8")
    text = (
        (ready.folder / "ml-connector.toml")
        .read_text(encoding="utf-8")
        .replace('\n[flows.r]\nkind = "reference"\nsource = "ora"\ntarget = "ap"\nmodel = "M"\n', "")
    )
    write(ready.folder / "ml-connector.toml", text)
    assert ready("connection", "remove", "ora").exit_code == 0
    left = (ready.folder / "ml-connector.toml").read_text(encoding="utf-8")
    assert "[connections.ora]" not in left and "[connections.ora.fixed_segments]" not in left
    assert ready("connection", "list").exit_code == 0  # the file still loads: no orphaned sub-table


def test_an_unknown_run_id(ready: Cli) -> None:
    refused(ready("audit", "feedbeef"), 2, "no run 'feedbeef'", "ml-connector runs")


@pytest.mark.parametrize("prefix", ["%", "_"])
def test_a_run_id_wildcard_matches_nothing(ready: Cli, prefix: str) -> None:
    refused(ready("audit", prefix), 2, f"no run {prefix!r}")


def test_an_unknown_record_state(ready: Cli) -> None:
    refused(ready("audit", "x", "--state", "lost"), 2)


def test_a_period_that_is_not_yyyy_mm(ready: Cli) -> None:
    refused(ready("run", "x", "--period", "2026-3"), 2, "'2026-3' is neither a month YYYY-MM")


def test_since_that_is_not_a_date(ready: Cli) -> None:
    refused(ready("run", "x", "--since", "yesterday"), 2, "'yesterday' is not an ISO date")


def test_since_in_the_future(ready: Cli) -> None:
    refused(ready("run", "x", "--since", "2999-01-01"), 2, "is in the future")


# --- ports ------------------------------------------------------------------------------------------


@pytest.fixture()
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_an_emulator_port_out_of_range_writes_no_ionapi(ready: Cli, tmp_path: Path) -> None:
    out = tmp_path / "x.ionapi"
    refused(ready("emulate", "infor", "--port", "99999", "--ionapi-out", str(out)), 2, "99999 is not a port")
    assert not out.exists()


@pytest.mark.parametrize("system", ["oracle", "anaplan"])
def test_an_emulator_on_a_busy_port(ready: Cli, busy_port: int, system: str) -> None:
    result = ready("emulate", system, "--port", str(busy_port))
    text = refused(result, 2, f"127.0.0.1:{busy_port}", "already uses")
    assert "base_url" not in text  # it did not print its facts as if it had started


def test_serve_on_a_busy_dashboard_port(ready: Cli, busy_port: int) -> None:
    text = refused(ready("serve", "--web-port", str(busy_port)), 2, "already uses", "--web-port")
    assert "emulator" not in text


# --- what no one planned for ------------------------------------------------------------------------


def test_an_unexpected_error_is_one_line_and_a_redacted_log(
    ready: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(*args: Any, **kwargs: Any) -> list[RunInfo]:
        raise RuntimeError(f"something broke; password={SECRET}")

    monkeypatch.setattr(flow_commands, "run_history", broken)
    crash = tmp_path / "crashes"
    result = ready("runs", env={"ML_CONNECTOR_CRASH_DIR": str(crash)})
    text = refused(result, 1, "unexpected RuntimeError", "this is a bug", str(crash))
    assert SECRET not in text
    (log,) = crash.iterdir()
    details = log.read_text(encoding="utf-8")
    assert "Traceback" in details and "broken" in details and SECRET not in details


def test_ctrl_c_says_nothing_was_lost(ready: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> RunInfo:
        raise KeyboardInterrupt

    monkeypatch.setattr(flow_commands, "run_flow", interrupted)
    add_oracle(ready)
    write_anaplan(ready)
    with (ready.folder / "ml-connector.toml").open("a") as handle:
        handle.write('\n[flows.r]\nkind = "reference"\nsource = "ora"\ntarget = "ap"\nmodel = "M"\n')
    refused(ready("run", "r"), 130, "interrupted", "nothing was committed half-way")


def test_failed_records_are_pointed_to_with_their_own_state(capsys: pytest.CaptureFixture[str]) -> None:
    info = RunInfo(
        "0123456789", "f", RunState.PARTIAL, Trigger.MANUAL, False, __import__("datetime").datetime.now(),
        None, {"failed": 2, "loaded": 5}, "", None, {},
    )  # fmt: skip
    flow_commands._finish(flow_commands.AppContext(), info, strict=False)
    shown = capsys.readouterr().out
    assert "--state failed" in shown and "--state quarantined" not in shown


def test_secrets_of_an_existing_connection_are_stored_again_as_the_hints_say(ready: Cli) -> None:
    add_oracle(ready)
    again = ready("connection", "add", "ora", "--system", "oracle", "--secret", "password", input="password=New-1\n")
    assert again.exit_code == 0, again.output
    refused(ready("connection", "add", "ora", "--system", "anaplan", "--secret", "password"), 2, "is oracle")
    refused(ready("connection", "add", "ora", "--system", "oracle", "--set", "user=X"), 2, "already in")
