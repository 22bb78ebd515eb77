"""Documented endpoints off the main integration path answer with their documented shapes (anaplan.md 2.1, 5.1, 5.3)."""

from __future__ import annotations

import csv
import io

import httpx

from .conftest import FPA, WS, model_path

ACTUALS, BUDGET = "102000000000", "102000000002"
COST_CENTERS, SUPPLIERS = "101000000001", "101000000002"


def test_users_me_list_and_by_id_agree_and_carry_last_login(api: httpx.Client) -> None:
    me = api.get("/2/0/users/me").json()["user"]
    assert me["lastLoginDate"] and me["active"] is True
    listed = api.get("/2/0/users").json()
    assert listed["users"] == [me] and listed["meta"]["paging"]["totalSize"] == 1
    assert api.get(f"/2/0/users/{me['id']}").json()["user"] == me
    assert api.get("/2/0/users/0000").status_code == 404
    assert api.get("/2/0/users", params={"sort": "email"}).status_code == 400


def test_workspace_admins(api: httpx.Client) -> None:
    admins = api.get(f"/2/0/workspaces/{WS}/admins").json()["users"]
    assert [a["email"] for a in admins] == [api.get("/2/0/users/me").json()["user"]["email"]]
    assert api.get("/2/0/workspaces/nope/admins").status_code == 404


def test_versions_and_fiscal_year(api: httpx.Client) -> None:
    versions = api.get(f"/2/0/models/{FPA}/versions").json()["versionMetadata"]
    assert [(v["name"], v["isActual"]) for v in versions] == [("Actual", True), ("Forecast", False)]
    calendar = api.put(f"/2/0/models/{FPA}/modelCalendar/fiscalYear", json={"year": "FY26"}).json()
    assert calendar["modelCalendar"]["fiscalYear"] == {
        "year": "FY26",
        "startDate": "2026-01-01",
        "endDate": "2026-12-31",
    }
    assert api.put(f"/2/0/models/{FPA}/modelCalendar/fiscalYear", json={"year": "FY99"}).status_code == 400


def test_line_item_dimensions_and_view_dimension_items(api: httpx.Client) -> None:
    dims = api.get(f"{model_path()}/lineItems/206000000000/dimensions").json()["dimensions"]
    assert [d["name"] for d in dims] == ["GL Accounts", "Cost Centers", "Time"]
    assert api.get(f"{model_path()}/lineItems/206999999999/dimensions").status_code == 404
    items = api.get(f"{model_path()}/views/{ACTUALS}/dimensions/{COST_CENTERS}/items").json()["items"]
    assert len(items) == 6 and set(items[0]) == {"id", "name"}
    assert api.get(f"{model_path()}/views/{ACTUALS}/dimensions/{SUPPLIERS}/items").status_code == 404


def test_list_reset_index_needs_an_empty_list(api: httpx.Client) -> None:
    path = f"{model_path()}/lists/{SUPPLIERS}"
    assert api.post(f"{path}/resetIndex").status_code == 400
    codes = [i["code"] for i in api.get(f"{path}/items").json()["listItems"]]
    api.post(f"{path}/items", params={"action": "delete"}, json={"items": [{"code": c} for c in codes]})
    assert api.post(f"{path}/resetIndex").status_code == 200
    api.post(f"{path}/items", params={"action": "add"}, json={"items": [{"name": "New", "code": "N1"}]})
    assert api.get(f"{path}/items").json()["listItems"][0]["id"].endswith("000000001")


def test_large_list_read_request_pages_then_delete(api: httpx.Client) -> None:
    path = f"{model_path()}/lists/{COST_CENTERS}/readRequests"
    started = api.post(path).json()["listReadRequest"]
    status = api.get(f"{path}/{started['requestId']}").json()["listReadRequest"]
    assert status["requestState"] == "COMPLETE" and status["availablePages"] == 1 and status["successful"]
    rows = list(csv.reader(io.StringIO(api.get(f"{path}/{started['requestId']}/pages/0").text)))
    assert rows[0][:3] == ["id", "name", "code"] and len(rows) == 7
    assert api.get(f"{path}/{started['requestId']}/pages/1").status_code == 404
    assert api.delete(f"{path}/{started['requestId']}").status_code == 200
    assert api.get(f"{path}/{started['requestId']}").status_code == 404


def test_large_view_read_request(api: httpx.Client) -> None:
    path = f"{model_path()}/views/{BUDGET}/readRequests"
    assert api.post(path, json={"exportType": "NOPE"}).status_code == 400
    started = api.post(path, json={"exportType": "TABULAR_MULTI_COLUMN"}).json()["viewReadRequest"]
    status = api.get(f"{path}/{started['requestId']}").json()["viewReadRequest"]
    assert status["viewId"] == BUDGET and status["availablePages"] == 1
    page = api.get(f"{path}/{started['requestId']}/pages/0")
    assert page.headers["content-type"].startswith("text/csv")
    header = next(csv.reader(io.StringIO(page.text)))
    assert header[:3] == ["GL Accounts", "Cost Centers", "Time"]


def test_export_output_file_is_named_as_the_export(api: httpx.Client) -> None:
    exports = {e["id"]: e["name"] for e in api.get(f"{model_path()}/exports").json()["exports"]}
    files = {f["id"]: f["name"] for f in api.get(f"{model_path()}/files").json()["files"]}
    assert exports and all(files[export_id] == name for export_id, name in exports.items())
