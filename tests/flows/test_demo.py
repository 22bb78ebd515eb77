"""`ml-connector demo` end to end: every flow against the emulators, then a reconciliation."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ml_connector.cli.main import app


def test_demo_runs_every_flow_and_reconciles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a folder given relative to here, as `make demo` gives `.demo`
    result = CliRunner().invoke(app, ["demo", "--folder", "demo"])
    assert result.exit_code == 0, result.output
    for flow in ("reference-infor", "actuals-oracle", "plan-return-infor", "suppliers-return-oracle"):
        assert flow in result.output
    assert "'12O.50' is not a number" in result.output  # the seeded bad amount, quarantined
    assert "no cost center mapping for '1999'" in result.output  # the seeded unmapped cost center
    assert "everything reconciles" in result.output
    # Monterrey (MX1) on its 4-4-5 calendar, in the entity-and-currency module, reconciled by entity.
    # The Oracle ledger is closed through Sep-26: October and November load as preliminary.
    assert "actuals-oracle: still open in the ERP, figures preliminary: 2026-10, 2026-11" in result.output
    mexico = result.output.split("reconciliation · actuals-mexico", 1)[1]
    assert "entity" in mexico and "currency" in mexico and "total MXN" in mexico
