"""The flow commands, as a user runs them, against the sandbox's emulators over real HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from ml_connector.demo.sandbox import Sandbox
from tests.support.cli import invoke

cli = invoke


def last_run_id(box: Sandbox) -> str:
    result = cli(box, "runs", "--limit", "1")
    assert result.exit_code == 0, result.output
    return result.output.split("\n")[3].split("│")[1].strip()


def anaplan_posts(box: Sandbox) -> int:
    stats = httpx.get(f"{box.url('anaplan')}/_emulator/stats").json()
    return sum(
        sum(by_status.values())
        for key, by_status in stats["requests"].items()
        if key.startswith(("POST", "PUT")) and "/token/" not in key
    )


def test_ping_and_discover(sandbox: Sandbox) -> None:
    for name in ("anaplan", "oracle", "infor"):
        result = cli(sandbox, "ping", name)
        assert result.exit_code == 0, result.output
    tree = cli(sandbox, "discover", "anaplan")
    assert tree.exit_code == 0 and "Load Actuals" in tree.output and "FP&A" in tree.output
    assert "Acme EU Ledger" in cli(sandbox, "discover", "oracle").output


def test_dry_run_writes_nothing_to_anaplan(sandbox: Sandbox) -> None:
    before = anaplan_posts(sandbox)
    result = cli(sandbox, "run", "actuals-oracle", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would-load" in result.output
    assert anaplan_posts(sandbox) == before
    # before the reference flow, most members do not exist: the dry run says they would be rejected
    audit = cli(sandbox, "audit", last_run_id(sandbox), "--state", "quarantined", "--json", "--limit", "0")
    reasons = [json.loads(line)["reason"] for line in audit.output.splitlines()]
    assert any("would reject" in r for r in reasons)


def test_quarantine_fix_mapping_replay_reconcile(sandbox: Sandbox, tmp_path: Path) -> None:
    assert cli(sandbox, "run", "reference-infor").exit_code == 0
    first = cli(sandbox, "run", "actuals-infor")
    assert first.exit_code == 0, first.output
    run_id = last_run_id(sandbox)
    gaps = cli(sandbox, "mapping", "gaps")
    assert "1999" in gaps.output and "cost_center" in gaps.output
    reconciled = cli(sandbox, "reconcile", "actuals-infor")
    assert reconciled.exit_code == 0, reconciled.output
    assert "not loaded (quarantined)" in reconciled.output
    # fix: map 1999 to the admin cost center, then replay the run
    exported = cli(sandbox, "mapping", "export", "infor")
    fixed = tmp_path / "infor.csv"
    fixed.write_text(exported.output + "cost_center,exact,1999,1900\n")
    assert cli(sandbox, "mapping", "import", "infor", str(fixed)).exit_code == 0
    replayed = cli(sandbox, "replay", run_id)
    assert replayed.exit_code == 0, replayed.output
    replay_id = last_run_id(sandbox)
    audit = cli(sandbox, "audit", replay_id, "--json", "--limit", "0")
    states = [json.loads(line)["state"] for line in audit.output.splitlines()]
    assert "loaded" in states  # the unmapped line now loaded
    again = cli(sandbox, "reconcile", "actuals-infor")
    assert again.exit_code == 0, again.output
    assert "1999" not in again.output
    assert "no mapping gaps" in cli(sandbox, "mapping", "gaps", "--flow", "actuals-infor").output


def test_unknown_flow_and_bad_period_are_clear(sandbox: Sandbox) -> None:
    result = cli(sandbox, "run", "nope")
    assert result.exit_code == 2 and "known:" in result.output
    result = cli(sandbox, "run", "actuals-oracle", "--period", "March")
    assert result.exit_code == 2 and "YYYY-MM" in result.output


def test_certificate_connection_from_pem_files(sandbox: Sandbox, tmp_path: Path) -> None:
    cert, key = sandbox.emulators["anaplan"].certificate.write(tmp_path / "pem")
    url = sandbox.url("anaplan")
    added = cli(
        sandbox,
        "connection", "add", "anaplan-cert", "--system", "anaplan",
        "--set", "auth=certificate", "--set", f"auth_url={url}", "--set", f"api_url={url}/2/0",
        "--set", "allow_any_url=true",
        "--secret-file", f"certificate_pem={cert}", "--secret-file", f"private_key_pem={key}",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    key_body = key.read_text().splitlines()[1]
    assert key_body not in sandbox.config_path.read_text()
    pinged = cli(sandbox, "ping", "anaplan-cert")
    assert pinged.exit_code == 0, pinged.output
    missing = cli(sandbox, "connection", "add", "x", "--system", "anaplan", "--secret-file", "private_key_pem=/nope")
    assert missing.exit_code == 2 and "no file at" in missing.output
