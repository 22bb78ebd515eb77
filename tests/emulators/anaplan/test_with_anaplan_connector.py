"""The emulator, unchanged, serves another independent public client: `anaplanConnector` (PyPI 0.1.2, requests).

Only its public API is used. Its hosts are attributes of its `Endpoints` object (`auth`, `api`, and the
`token` and `workspaces` URLs built from them in `__init__`); pointing those at the emulator is its base-URL
setting. Its session: Basic login, workspaces, models, files by name, upload, run a process and poll its task,
exports by name, run an export and download its chunks. (It polls every 2 s, as it is written.)
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from anaplanConnector.connector import Connection

from ml_connector.emulators.anaplan import AnaplanEmulator
from ml_connector.emulators.common import RunningServer


@pytest.fixture()
def connection(served: tuple[AnaplanEmulator, RunningServer], emu: AnaplanEmulator) -> Connection:
    facts: dict[str, Any] = emu.facts(served[1].url)
    conn = Connection(
        authType="basic",
        email=facts["user"],
        password=facts["password"],
        workspaceId=facts["workspace_id"],
        modelId=facts["model_id"],
    )
    endpoints = conn.endpoints
    endpoints.auth, endpoints.api = facts["auth_url"], facts["api_url"]
    endpoints.token, endpoints.workspaces = f"{endpoints.auth}/token/authenticate", f"{endpoints.api}/workspaces"
    return conn


# anaplanConnector's File helper opens the upload file without closing it; that leak is the package's, not ours.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_connector_session_uploads_runs_a_process_and_exports(
    connection: Connection, emu: AnaplanEmulator, tmp_path: Path
) -> None:
    connection.getToken()
    assert [w["name"] for w in connection.getWorkspaces()["workspaces"]] == [emu.backend.tenant.workspace_name]
    assert connection.modelId in {m["id"] for m in connection.getModels()["models"]}

    actuals = tmp_path / "actuals.csv"
    actuals.write_text("GL Account,Cost Center,Period,Amount\n6100,1100,Mar 26,4321.50\n6200,1200,Mar 26,99.25\n")
    spend = tmp_path / "supplier_spend.csv"
    spend.write_text("Supplier,Period,Invoiced,Paid\nS10001,Mar 26,1000,800\n")
    connection.loadFile(str(actuals), connection.getFileIdByFilename("actuals.csv"))
    connection.loadFile(str(spend), connection.getFileIdByFilename("supplier_spend.csv"))
    status = connection.runProcess(connection.getProcessIdByName("Refresh Actuals"))
    assert status["task"]["result"]["successful"] is True

    out = tmp_path / "export.csv"
    assert connection.export(connection.getExportIdByName("Export Actuals"), str(out)) == "Success"
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    loaded = {(r["GL Account"], r["Cost Center"], r["Period"]): r["Amount"] for r in rows}
    assert float(loaded[("6100", "1100", "Mar 26")]) == 4321.5
    # The export's output file is found by the export's name, as on live Anaplan.
    assert connection.getFileIdByFilename("Export Actuals") == connection.getExportIdByName("Export Actuals")
