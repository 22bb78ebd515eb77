"""Models come from a definition file; the seeded FP&A one has the names the flows rely on."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from ml_connector.emulators.anaplan import build_app
from ml_connector.emulators.anaplan.certs import CertificatePair
from ml_connector.emulators.anaplan.definition import DefinitionError, load_definition, month_labels
from ml_connector.emulators.common import start_in_thread

from .conftest import basic, run_action, upload


def test_seeded_fpa_definition() -> None:
    tenant = load_definition()
    assert tenant.workspace_name == "Acme Finance"
    assert [m.name for m in tenant.models] == ["FP&A", "FP&A Sandbox"]
    fpa = tenant.models[0]
    assert fpa.periods[0] == "Jan 25" and fpa.periods[-1] == "Dec 27" and len(fpa.periods) == 36
    assert [x.name for x in fpa.lists] == [
        "GL Accounts",
        "Cost Centers",
        "Suppliers",
        "Entities",
        "Currencies",
        "Account Groups",
        "Cost Center Groups",
    ]
    parents = {x.name: x.parent for x in fpa.lists if x.parent}
    assert parents == {"GL Accounts": "Account Groups", "Cost Centers": "Cost Center Groups"}
    assert [x.name for x in fpa.modules] == ["Actuals", "Supplier Spend", "Budget", "Entity Actuals"]
    assert [x.file for x in fpa.imports] == [
        "gl_accounts.csv",
        "cost_centers.csv",
        "suppliers.csv",
        "actuals.csv",
        "supplier_spend.csv",
        "entity_actuals.csv",
        "account_groups.csv",
        "gl_accounts_parents.csv",
        "cost_center_groups.csv",
        "cost_centers_parents.csv",
    ]
    assert [x.name for x in fpa.exports] == [
        "Export Approved Budget",
        "Export Supplier List",
        "Export Actuals",
        "Export Supplier Spend",
        "Export Entity Actuals",
    ]
    assert fpa.processes[0].actions == ("Load Actuals", "Load Supplier Spend")


def test_month_labels_and_bad_definitions(tmp_path: Path) -> None:
    assert month_labels("Nov 25", "Feb 26") == ("Nov 25", "Dec 25", "Jan 26", "Feb 26")
    with pytest.raises(DefinitionError):
        month_labels("Jan 2025", "Dec 27")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"models": [{"name": "M", "processes": [{"name": "P", "actions": ["nope"]}]}]}))
    with pytest.raises(DefinitionError, match="unknown actions"):
        load_definition(bad)


def test_a_custom_definition_file_drives_the_emulator(tmp_path: Path, emu_cert: CertificatePair) -> None:
    definition = {
        "workspace": {"name": "WS"},
        "models": [
            {
                "name": "Tiny",
                "time": {"first": "Jan 26", "last": "Mar 26"},
                "lists": [{"name": "Regions", "items": [{"code": "N", "name": "North"}]}],
                "modules": [
                    {
                        "name": "Sales",
                        "dimensions": ["Regions", "Time"],
                        "line_items": [{"name": "Units", "format": "NUMBER"}],
                    }
                ],
                "imports": [
                    {
                        "name": "Load Sales",
                        "file": "sales.csv",
                        "module": "Sales",
                        "columns": {"Region": "Regions", "Month": "Time", "Units": "Units"},
                    }
                ],
            }
        ],
    }
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(definition))
    emulator = build_app(definition=path, task_seconds=0.01, certificate=emu_cert)
    server = start_in_thread(emulator)
    try:
        with httpx.Client(base_url=server.url) as http:
            token = http.post(
                "/token/authenticate", headers=basic(emulator.backend.creds.user, emulator.backend.creds.password)
            )
            http.headers["Authorization"] = "AnaplanAuthToken " + token.json()["tokenInfo"]["tokenValue"]
            model_id = emulator.backend.tenant.models[0].id
            upload(http, "113000000000", b"Region,Month,Units\nN,Feb 26,7\nS,Feb 26,1\nN,Apr 26,2\n", model_id, False)
            task = run_action(http, "imports", "112000000000", model_id, workspace=False)
            assert task["result"]["failureDumpAvailable"] is True
            cells = http.get("/_emulator/models/Tiny/modules/Sales/cells").json()
            assert cells == [{"Regions": "N", "Time": "Feb 26", "line_item": "Units", "value": "7"}]
    finally:
        server.stop()


@pytest.fixture(scope="module")
def emu_cert() -> CertificatePair:
    from ml_connector.emulators.anaplan.certs import make_certificate

    return make_certificate("tiny@example.com")
