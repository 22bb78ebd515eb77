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
    # A US and a Mexican entity, each in its own currency: pesos never meet dollars.
    flat = " ".join(result.output.split())
    assert "actuals-infor: entities US1 in USD, US2 in USD" in flat
    assert "actuals-mexico: entities MX1 in MXN" in flat
    assert "lines in MXN and USD would add up" not in flat
    # Both reference flows load the parent lists before the members that name a parent (two levels).
    for flow in ("reference-infor", "reference-oracle"):
        loads = flat.split(f"{flow}: ", 1)[1].split("Load Suppliers", 1)[0]
        assert "Load Account Groups (4 rows)" in loads and "Load GL Accounts with Parents (14 rows)" in loads, loads
        assert loads.index("Load Account Groups") < loads.index("Load GL Accounts with Parents"), loads
        assert loads.index("Load Cost Center Groups") < loads.index("Load Cost Centers with Parents"), loads
