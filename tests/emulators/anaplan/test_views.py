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
