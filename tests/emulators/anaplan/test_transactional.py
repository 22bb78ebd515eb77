"""List items and module cell writes (anaplan.md section 5)."""

from __future__ import annotations

import httpx

from .conftest import FPA, model_path

SUPPLIERS = "101000000002"


def test_list_items_read_with_codes_names_and_properties(api: httpx.Client) -> None:
    body = api.get(f"{model_path()}/lists/{SUPPLIERS}/items", params={"includeAll": "true"}).json()
    first = body["listItems"][0]
    assert first["code"] == "S10001" and first["listId"] == SUPPLIERS and first["properties"]["Status"] == "Active"
    meta = api.get(f"{model_path()}/lists/{SUPPLIERS}").json()["metadata"]
    assert [p["name"] for p in meta["properties"]] == ["Tax Id", "Payment Terms", "Status"]
    assert meta["itemCount"] == 2
    as_csv = api.get(f"{model_path()}/lists/{SUPPLIERS}/items", headers={"Accept": "text/csv"})
    assert as_csv.text.splitlines()[0] == "id,name,code,Tax Id,Payment Terms,Status"


def test_add_update_delete_items_with_documented_results(api: httpx.Client) -> None:
    url = f"{model_path()}/lists/{SUPPLIERS}/items"
    added = api.post(
        url,
        params={"action": "add"},
        json={
            "items": [
                {"name": "Motor City Fasteners", "code": "S10002", "properties": {"Status": "Active"}},
                {"name": "Duplicate", "code": "S10001"},
            ]
        },
    ).json()
    assert (added["added"], added["ignored"], added["total"]) == (1, 1, 2)
    assert added["failures"][0]["requestIndex"] == 1 and added["failures"][0]["failureType"]
    clean = api.post(url, params={"action": "add"}, json={"items": [{"name": "Ohio Freight", "code": "S10003"}]})
    assert "failures" not in clean.json()
    updated = api.put(url, json={"items": [{"code": "S10002", "properties": {"Payment Terms": "NET60"}}]}).json()
    assert (updated["updated"], updated["ignored"], updated["total"]) == (1, 0, 1) and "failures" not in updated
    deleted = api.post(url, params={"action": "delete"}, json={"items": [{"code": "S10003"}, {"code": "nope"}]}).json()
    assert deleted["deleted"] == 1 and len(deleted["failures"]) == 1
    items = {i["code"]: i for i in api.get(f"/_emulator/models/{FPA}/lists/Suppliers/items").json()}
    assert set(items) == {"S10001", "5001", "S10002"} and items["S10002"]["properties"]["Payment Terms"] == "NET60"


def test_list_write_limit(api: httpx.Client) -> None:
    items = [{"name": f"n{i}", "code": f"c{i}"} for i in range(100_001)]
    resp = api.post(f"{model_path()}/lists/{SUPPLIERS}/items", params={"action": "add"}, json={"items": items})
    assert resp.status_code == 400 and resp.json()["status"]["code"] == 400


def test_module_cell_write(api: httpx.Client) -> None:
    modules = {m["name"]: m["id"] for m in api.get(f"{model_path()}/modules").json()["modules"]}
    url = f"/2/0/models/{FPA}/modules/{modules['Budget']}/data"
    body = [
        {
            "lineItemName": "Amount",
            "dimensions": [
                {"dimensionName": "GL Accounts", "itemCode": "6100"},
                {"dimensionName": "Cost Centers", "itemName": "Lyon plant"},
                {"dimensionName": "Time", "itemName": "Apr 27"},
            ],
            "value": "1234.56",
        },
        {
            "lineItemName": "Amount",
            "dimensions": [
                {"dimensionName": "GL Accounts", "itemCode": "9999"},
                {"dimensionName": "Cost Centers", "itemCode": "3200"},
                {"dimensionName": "Time", "itemName": "Apr 27"},
            ],
            "value": 1,
        },
    ]
    result = api.post(url, json=body).json()
    assert result["numberOfCellsChanged"] == 1 and result["failures"][0]["requestIndex"] == 1
    assert "meta" not in result
    cells = api.get(f"/_emulator/models/{FPA}/modules/Budget/cells").json()
    assert {
        "GL Accounts": "6100",
        "Cost Centers": "3200",
        "Time": "Apr 27",
        "line_item": "Amount",
        "value": "1234.56",
    } in cells
    assert api.get(url).status_code == 405
    api.put("/_emulator/settings", json={"cell_write_limit": 1})
    assert api.post(url, json=body).status_code == 400
