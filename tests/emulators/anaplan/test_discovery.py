"""Workspaces, models, envelope, paging, id formats and error bodies (anaplan.md sections 1 and 2.1)."""

from __future__ import annotations

import re

import httpx

from .conftest import FPA, SANDBOX, WS, model_path


def test_workspaces_and_models(api: httpx.Client) -> None:
    body = api.get("/2/0/workspaces").json()
    assert body["status"] == {"code": 200, "message": "Success"}
    assert [w["name"] for w in body["workspaces"]] == ["Acme Finance"]
    assert re.fullmatch(r"[0-9a-f]{32}", body["workspaces"][0]["id"])
    models = api.get(f"/2/0/workspaces/{WS}/models").json()["models"]
    assert {m["name"]: m["id"] for m in models} == {"FP&A": FPA, "FP&A Sandbox": SANDBOX}
    assert all(re.fullmatch(r"[0-9A-F]{32}", m["id"]) for m in models)
    detailed = api.get(f"/2/0/models/{FPA}", params={"modelDetails": "true"}).json()["model"]
    assert detailed["currentWorkspaceId"] == WS and detailed["activeState"] == "UNLOCKED"
    assert {"memoryUsage", "lastModified", "modelTransactionRunning"} <= set(detailed)
    assert "memoryUsage" not in api.get(f"/2/0/models/{FPA}").json()["model"]


def test_errors_use_the_documented_envelope(api: httpx.Client) -> None:
    missing = api.get("/2/0/models/00000000000000000000000000000000/lists")
    assert missing.status_code == 404
    body = missing.json()
    assert body["status"] == {"code": 404, "message": "Not Found"}
    assert body["path"] == "/2/0/models/00000000000000000000000000000000/lists" and body["timestamp"].endswith("Z")
    assert api.get(f"/2/0/workspaces/{WS}/models/{FPA}").status_code == 405
    assert api.get("/2/0/no/such/route").json()["status"]["code"] == 404
    bad_sort = api.get("/2/0/models", params={"sort": "name"})
    assert bad_sort.status_code == 400 and "Bad sort order format" in bad_sort.json()["status"]["message"]
    unknown_field = api.get("/2/0/models", params={"sort": "+colour"})
    assert (
        unknown_field.status_code == 400
        and unknown_field.json()["status"]["message"] == "Failed to parse sort parameter"
    )
    assert api.get("/2/0/models", params={"sort": "-name"}).status_code == 200
    assert api.get("/2/0/workspaces", headers={"Authorization": "AnaplanAuthToken nope"}).status_code == 401


def test_object_ids_and_both_path_forms(api: httpx.Client) -> None:
    for kind, prefix in [
        ("lists", "101"),
        ("modules", "102"),
        ("imports", "112"),
        ("exports", "116"),
        ("processes", "118"),
        ("actions", "117"),
    ]:
        short = api.get(f"{model_path(workspace=False)}/{kind}").json()
        long = api.get(f"{model_path()}/{kind}").json()
        assert short[kind] == long[kind]
        assert all(re.fullmatch(prefix + r"\d{9}", x["id"]) for x in short[kind]), kind
    imports = {i["name"]: i for i in api.get(f"{model_path()}/imports").json()["imports"]}
    assert set(imports) == {
        "Load GL Accounts",
        "Load Cost Centers",
        "Load Suppliers",
        "Load Actuals",
        "Load Entity Actuals",
        "Load Supplier Spend",
        "Load Account Groups",
        "Load GL Accounts with Parents",
        "Load Cost Center Groups",
        "Load Cost Centers with Parents",
    }
    files = {f["id"]: f["name"] for f in api.get(f"{model_path()}/files").json()["files"]}
    assert files[imports["Load Actuals"]["importDataSourceId"]] == "actuals.csv"
    assert imports["Load Actuals"]["importType"] == "MODULE_DATA"
    assert imports["Load GL Accounts"]["importType"] == "HIERARCHY_DATA"


def test_paging_with_limit_and_offset(api: httpx.Client) -> None:
    first = api.get(f"{model_path()}/files", params={"limit": 3, "offset": 0}).json()
    paging = first["meta"]["paging"]
    assert paging["currentPageSize"] == 3 and paging["offset"] == 0 and paging["totalSize"] == 15
    assert "next" in paging and "previous" not in paging
    seen = [f["id"] for f in first["files"]]
    url = paging["next"]
    while url:
        page = api.get(url).json()
        assert "previous" in page["meta"]["paging"]
        seen += [f["id"] for f in page["files"]]
        url = page["meta"]["paging"].get("next")
    assert len(seen) == len(set(seen)) == 15
    past_end = api.get(f"{model_path()}/files", params={"offset": 100}).json()
    assert "files" not in past_end and past_end["meta"]["paging"]["currentPageSize"] == 0


def test_empty_task_list_omits_its_key_and_unknown_parent_is_200(api: httpx.Client) -> None:
    body = api.get(f"{model_path()}/imports/112000000000/tasks")
    assert body.status_code == 200 and "tasks" not in body.json()
    assert api.get(f"{model_path()}/imports/112999999999/tasks").status_code == 200


def test_model_status_has_no_envelope(api: httpx.Client) -> None:
    body = api.get(f"/2/0/models/{FPA}/status").json()
    assert set(body) == {"requestStatus"}
    assert body["requestStatus"]["progress"] == -1.0 and body["requestStatus"]["currentStep"] in ("Open", "Closed")


def test_import_export_and_process_metadata(api: httpx.Client) -> None:
    meta = api.get(f"{model_path()}/imports/112000000003").json()["importMetadata"]
    assert meta["name"] == "Load Actuals"
    assert meta["source"]["headerNames"] == ["GL Account", "Cost Center", "Period", "Amount"]
    export = api.get(f"{model_path()}/exports/116000000000").json()["exportMetadata"]
    assert export["headerNames"] == ["GL Account", "Cost Center", "Period", "Amount"]
    assert export["exportFormat"] == "text/csv" and export["rowCount"] > 250
    process = api.get(f"{model_path()}/processes/118000000000").json()["processMetadata"]
    assert [(a["name"], a["actionType"]) for a in process["actions"]] == [
        ("Load Actuals", "IMPORT"),
        ("Load Supplier Spend", "IMPORT"),
    ]


def test_trailing_slash_form_and_model_open_close(api: httpx.Client) -> None:
    assert api.get(f"{model_path()}/imports/").json()["imports"]
    assert api.post(f"/2/0/models/{FPA}/open", headers={"Content-Type": "application/text"}).status_code == 202
    assert api.post(f"/2/0/models/{FPA}/close", headers={"Content-Type": "application/text"}).status_code == 204


def test_no_access_model_is_masked_as_404(api: httpx.Client) -> None:
    api.put("/_emulator/settings", json={"no_access_models": [SANDBOX]})
    assert api.get(f"{model_path(SANDBOX)}/lists").status_code == 404
    assert api.get(f"/2/0/models/{SANDBOX}/modules").status_code == 404
    assert api.get(f"/2/0/models/{SANDBOX}").status_code == 200
    tasks = api.get(f"{model_path(SANDBOX)}/imports/112000000000/tasks")
    assert tasks.status_code == 200 and "tasks" not in tasks.json()


def test_info_read_out_names_the_seeded_ids(http: httpx.Client) -> None:
    info = http.get("/_emulator/info").json()
    assert info["workspace"] == {"id": WS, "name": "Acme Finance"}
    fpa = info["models"][0]
    assert fpa["id"] == FPA and fpa["lists"] == {
        "GL Accounts": "101000000000",
        "Cost Centers": "101000000001",
        "Suppliers": "101000000002",
        "Entities": "101000000003",
        "Currencies": "101000000004",
        "Account Groups": "101000000005",
        "Cost Center Groups": "101000000006",
    }
    assert fpa["imports"]["Load Actuals"] == "112000000003" and fpa["import_files"]["actuals.csv"] == "113000000003"
    assert fpa["exports"]["Export Approved Budget"] == "116000000000"
    assert fpa["processes"] == {"Refresh Actuals": "118000000000"}
