"""A ledger the ERP does not have is a configuration error at `ping` and before a run (it used to
ping with exit 0, naming another ledger, and a run read 0 lines and said succeeded)."""

from __future__ import annotations

from ml_connector.demo.sandbox import Sandbox
from tests.support.cli import invoke


def wrong_ledger(box: Sandbox) -> None:
    text = box.config_path.read_text(encoding="utf-8")
    box.config_path.write_text(text.replace('"Acme EU Ledger"', '"Acme US Ledger"'), encoding="utf-8")


def test_ping_names_the_missing_ledger_and_what_exists(sandbox: Sandbox) -> None:
    assert invoke(sandbox, "ping", "oracle").exit_code == 0
    wrong_ledger(sandbox)
    result = invoke(sandbox, "ping", "oracle")
    assert result.exit_code == 2
    assert "no ledger named 'Acme US Ledger'" in result.output and "Acme EU Ledger" in result.output


def test_a_run_on_a_missing_ledger_fails_before_reading(sandbox: Sandbox) -> None:
    wrong_ledger(sandbox)
    result = invoke(sandbox, "run", "actuals-oracle")
    assert result.exit_code == 2, result.output
    assert "no ledger named 'Acme US Ledger'" in result.output
