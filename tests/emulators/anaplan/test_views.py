"""Dimension items and default-view data (anaplan.md section 5.3)."""

from __future__ import annotations

import httpx

from .conftest import FPA, model_path

BUDGET = "102000000002"


def test_dimension_items_and_lookup(api: httpx.Client) -> None:
    items = api.get(f"{model_path()}/dimensions/101000000001/items").json()["items"]
    assert {"name": "Detroit plant", "code": "1100"} == {k: items[0][k] for k in ("name", "code")}
    time_items = api.get(f"{model_path()}/dimensions/20000000003/items").json()["items"]
    assert time_items[0]["name"] == "Jan 25" and len(time_items) == 36
    found = api.post(f"{model_path()}/dimensions/101000000001/items", json={"names": ["Lyon plant"], "codes": ["1100"]})
    assert sorted(i["code"] for i in found.json()["items"]) == ["1100", "3200"]
    assert api.get(f"{model_path()}/dimensions/101999999998/items").status_code == 404


def test_default_view_data_csv_and_json(api: httpx.Client) -> None:
    views = api.get(f"/2/0/models/{FPA}/modules/{BUDGET}/views").json()["views"]
    assert views[0]["id"] == BUDGET
    csv_text = api.get(f"/2/0/models/{FPA}/views/{BUDGET}/data").text
    header = csv_text.splitlines()[0].split(",")
    assert header[:2] == ["", ""] and "Amount Dec 26" in header
    grid = api.get(
        f"/2/0/models/{FPA}/views/{BUDGET}/data", params={"format": "v1"}, headers={"Accept": "application/json"}
    ).json()
    assert ["Amount", "Dec 26"] in grid["columnCoordinates"]
    first = grid["rows"][0]
    assert first["rowCoordinates"] == ["Product revenue", "Detroit plant"]
    assert len(first["cells"]) == len(grid["columnCoordinates"])


def test_line_items_list_metadata_and_view_info(api: httpx.Client) -> None:
    items = api.get(f"/2/0/models/{FPA}/lineItems", params={"includeAll": "true"}).json()["items"]
    approved = next(i for i in items if i["name"] == "Approved")
    assert approved["moduleId"] == BUDGET and approved["format"] == "BOOLEAN"
    assert approved["formatMetadata"] == {"dataType": "BOOLEAN"}
    assert [d["name"] for d in approved["appliesTo"]] == ["GL Accounts", "Cost Centers"]
    amount = next(i for i in items if i["moduleName"] == "Actuals")
    assert amount["formatMetadata"]["dataType"] == "NUMBER" and amount["timeScale"] == "Month"
    meta = api.get(f"{model_path()}/lists/101000000000").json()["metadata"]
    assert meta["permittedItems"] == meta["itemCount"] == 12
    info = api.get(f"/2/0/models/{FPA}/views/{BUDGET}").json()
    assert info["viewId"] == BUDGET and [r["name"] for r in info["rows"]] == ["GL Accounts", "Cost Centers"]
    assert info["columns"] == [{"id": "20000000003", "name": "Time"}] and "pages" not in info


def test_current_period_and_calendar(api: httpx.Client) -> None:
    current = api.get(f"{model_path()}/currentPeriod").json()["currentPeriod"]
    assert current == {"periodText": "Nov 26", "lastDay": "2026-11-30", "calendarType": current["calendarType"]}
    moved = api.put(f"{model_path()}/currentPeriod", json={"date": "2027-02-10"}).json()["currentPeriod"]
    assert moved["periodText"] == "Feb 27" and moved["lastDay"] == "2027-02-28"
    both = api.put(f"{model_path()}/currentPeriod", params={"date": "2027-01-01"}, json={"date": "2027-01-01"})
    assert both.status_code == 400 and "not both" in both.json()["status"]["message"]
    bad = api.put(f"{model_path()}/currentPeriod", json={"date": "2027/01/01"})
    assert bad.status_code == 400 and "Invalid ISO date format" in bad.json()["status"]["message"]
    assert api.get(f"{model_path()}/modelCalendar").json()["modelCalendar"]["fiscalYear"]["year"] == "FY27"
