"""Discovery by name and by id, id format checks before any call, the discover tree, ping."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from ml_connector.errors import AuthenticationError, ConfigurationError, UnavailableError
from ml_connector.systems.anaplan import AnaplanClient
from ml_connector.systems.anaplan.discovery import tree_lines


def test_model_by_names_and_by_ids(client: AnaplanClient, facts: dict[str, Any]) -> None:
    by_name = client.model(facts["workspace"], facts["model"])
    assert by_name.model_id == facts["model_id"] and by_name.workspace_id == facts["workspace_id"]
    by_id = client.model(facts["workspace_id"], facts["model_id"])
    assert by_id == by_name
    assert client.model(facts["workspace"].upper(), "fp&a sandbox").model_name == "FP&A Sandbox"


def test_unknown_names_list_what_exists(client: AnaplanClient, facts: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError, match="no Anaplan model named 'Budget 2027'.*'FP&A'"):
        client.model(facts["workspace"], "Budget 2027")
    ref = client.model()
    with pytest.raises(ConfigurationError, match="no Anaplan import named 'Load Everything'.*'Load Actuals'"):
        client.import_columns(ref, "Load Everything")


def test_wrong_id_format_fails_before_any_call(client: AnaplanClient, admin: httpx.Client) -> None:
    ref = client.model()
    before = admin.get("/stats").json()["total"]
    with pytest.raises(ConfigurationError, match="expected 12 digits starting with 112"):
        client.import_columns(ref, "116000000000")
    with pytest.raises(ConfigurationError, match="expected 12 digits starting with 116"):
        client.export(ref, "112000000000", Path("unused.csv"))
    # only the cached listings were read, no call with the wrong id
    requests = admin.get("/stats").json()["requests"]
    assert not any("116000000000" in path or "112000000000" in path for path in requests)
    assert admin.get("/stats").json()["total"] - before <= 2


def test_object_by_id(client: AnaplanClient) -> None:
    ref = client.model()
    assert client.import_columns(ref, "112000000003") == ["GL Account", "Cost Center", "Period", "Amount"]


def test_discover_tree(client: AnaplanClient, facts: dict[str, Any], admin: httpx.Client) -> None:
    admin.put("/settings", json={"no_access_models": [facts["models"]["FP&A Sandbox"]]})
    tree = client.discover()
    (ws,) = tree["workspaces"]
    assert ws["id"] == facts["workspace_id"] and ws["name"] == facts["workspace"]
    models = {m["name"]: m for m in ws["models"]}
    fpa = models["FP&A"]
    assert {"name": "Load Actuals", "id": "112000000003"} in fpa["imports"]
    assert {"name": "Export Approved Budget", "id": "116000000000"} in fpa["exports"]
    assert [p["name"] for p in fpa["processes"]] == ["Refresh Actuals"]
    assert any(f["name"] == "actuals.csv" for f in fpa["files"])
    assert any(x["name"] == "GL Accounts" for x in fpa["lists"])
    assert "no access" in models["FP&A Sandbox"]["error"]
    text = "\n".join(tree_lines(tree))
    assert f"workspace Acme Finance  [{facts['workspace_id']}]" in text
    assert "      Load Actuals  [112000000003]" in text


def test_ping_says_what_failed(make_client: Callable[..., AnaplanClient], facts: dict[str, Any]) -> None:
    assert facts["user"] in make_client().ping()
    with pytest.raises(AuthenticationError, match="refused the basic credentials"):
        make_client(user="nobody@acme.example").ping()
    closed = make_client(auth_url="http://127.0.0.1:9", api_url="http://127.0.0.1:9/2/0")
    with pytest.raises(UnavailableError, match="authentication service at http://127.0.0.1:9"):
        closed.ping()


def test_import_columns_and_list_members(client: AnaplanClient) -> None:
    ref = client.model()
    assert client.import_columns(ref, "Load Suppliers") == ["Code", "Name", "Tax Id", "Payment Terms", "Status"]
    members = client.list_members(ref, "Suppliers")
    assert [(m.code, m.name) for m in members] == [
        ("S10001", "Great Lakes Steel Supply"),
        ("5001", "Rheinmetall Bleche GmbH"),
    ]
    assert members[0].id and members[0].properties["Payment Terms"] == "NET30"
    assert len(client.list_members(ref, "GL Accounts")) == 12
