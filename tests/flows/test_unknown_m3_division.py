"""An M3 company or division the ERP does not have is a configuration error at `ping` and before a run
(a division M3 lacks used to fail deep in a run with an MI error; a wrong company with an MI error)."""

from __future__ import annotations

from ml_connector.demo.sandbox import Sandbox
from tests.support.cli import invoke


def edit(box: Sandbox, old: str, new: str) -> None:
    text = box.config_path.read_text(encoding="utf-8")
    assert old in text
    box.config_path.write_text(text.replace(old, new), encoding="utf-8")


def test_ping_names_the_divisions(sandbox: Sandbox) -> None:
    result = invoke(sandbox, "ping", "infor")
    assert result.exit_code == 0, result.output
    assert "divisions MX1, US1, US2" in result.output


def test_ping_names_a_missing_division_and_what_exists(sandbox: Sandbox) -> None:
    edit(sandbox, 'divisions = "US1,US2"', 'divisions = "US1,MX2"')
    result = invoke(sandbox, "ping", "infor", width=200)
    assert result.exit_code == 2, result.output
    assert "M3 company 100 has no division 'MX2' (it has: MX1, US1, US2)" in result.output
    assert "Traceback" not in result.output


def test_ping_names_a_missing_company(sandbox: Sandbox) -> None:
    edit(sandbox, 'company = "100"', 'company = "900"')
    result = invoke(sandbox, "ping", "infor", width=200)
    assert result.exit_code == 2, result.output
    assert "M3 has no company 900" in result.output


def test_a_run_on_a_missing_division_fails_before_reading(sandbox: Sandbox) -> None:
    edit(sandbox, 'divisions = "US1,US2"', 'division = "US9"')
    result = invoke(sandbox, "run", "actuals-infor", width=200)
    assert result.exit_code == 2, result.output
    assert "M3 company 100 has no division 'US9'" in result.output
