"""Files, imports, failure dumps, exports and processes (anaplan.md sections 2.2 to 2.7)."""

from __future__ import annotations

import csv
import gzip
import io

import httpx

from .conftest import FPA, model_path, run_action, upload

ACTUALS_FILE, ACTUALS_IMPORT = "113000000003", "112000000003"


def _cells(http: httpx.Client, module: str, model: str = FPA) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = http.get(f"/_emulator/models/{model}/modules/{module}/cells").json()
    return rows


def test_chunked_upload_plain_and_gzip_then_download(api: httpx.Client) -> None:
    base = f"{model_path()}/files/{ACTUALS_FILE}"
    started = api.post(base, json={"chunkCount": -1})
    assert started.json()["file"]["id"] == ACTUALS_FILE
    assert (
        api.put(
            f"{base}/chunks/0",
            content=b"GL Account,Cost Center,Period,Amount\n",
            headers={"Content-Type": "application/octet-stream"},
        ).status_code
        == 204
    )
    zipped = gzip.compress(b"4000,1100,Jan 26,100.10\n")
    put = api.put(f"{base}/chunks/1", content=zipped, headers={"Content-Type": "application/x-gzip"})
    assert put.status_code == 204 and put.content == b""
    done = api.post(f"{base}/complete", json={"id": ACTUALS_FILE})
    assert done.json()["file"]["chunkCount"] == 2
    assert api.get(f"{base}/chunks").json()["chunks"] == [
        {"id": "0", "name": "Chunk 0"},
        {"id": "1", "name": "Chunk 1"},
    ]
    whole = api.get(base)
    assert whole.headers["content-type"] == "application/octet-stream"
    assert whole.content == b"GL Account,Cost Center,Period,Amount\n4000,1100,Jan 26,100.10\n"
    assert api.get(f"{base}/chunks/1").content == b"4000,1100,Jan 26,100.10\n"


def test_upload_limits_and_empty_file(api: httpx.Client) -> None:
    base = f"{model_path()}/files/{ACTUALS_FILE}"
    assert api.get(base).status_code == 404  # no content yet
    assert "chunks" not in api.get(f"{base}/chunks").json()
    refused = api.put(base, content=gzip.compress(b"x"), headers={"Content-Type": "application/x-gzip"})
    assert refused.status_code == 400
    assert api.post(base, json={"chunkCount": 1001}).status_code == 400
    api.post(base, json={"chunkCount": 1})
    assert api.put(f"{base}/chunks/1", content=b"x").status_code == 400
    assert (
        api.put(f"{base}/chunks/0", content=b"not gzip", headers={"Content-Type": "application/x-gzip"}).status_code
        == 400
    )
    assert api.put(base, content=b"a,b\n", headers={"Content-Type": "application/octet-stream"}).status_code == 204
    assert api.delete(base).status_code == 204
    assert api.get(base).status_code == 404


def test_unknown_file_name_creates_a_private_file(api: httpx.Client) -> None:
    created = api.post(f"{model_path()}/files/extra.csv", json={"chunkCount": 1}).json()["file"]
    assert created["id"] != "extra.csv" and created["id"].startswith("113") and created["name"] == "extra.csv"


def test_module_import_overwrites_and_rejects_bad_rows_into_the_dump(api: httpx.Client) -> None:
    content = (
        b"GL Account,Cost Center,Period,Amount\n"
        b"4000,1100,Jan 26,1000.10\n"
        b"4000,1999,Jan 26,5.00\n"  # cost center no list holds
        b"5000,1200,Jan 26,12O.50\n"  # not a number
        b"6000,3100,Feb 26,-250.125\n"
    )
    upload(api, ACTUALS_FILE, content)
    task = run_action(api, "imports", ACTUALS_IMPORT)
    assert task["taskState"] == "COMPLETE" and task["progress"] == 1.0
    result = task["result"]
    assert result["objectId"] == ACTUALS_IMPORT and result["failureDumpAvailable"] is True
    values = result["details"][0]["values"]
    counts = dict(zip(values[::2], values[1::2], strict=True))
    assert counts["successRowCount"] == "2" and counts["failedCount"] == "2" and counts["totalRowCount"] == "4"
    dump_url = f"{model_path()}/imports/{ACTUALS_IMPORT}/tasks/{task['taskId']}/dump"
    dump = api.get(dump_url)
    assert dump.status_code == 200 and dump.headers["content-type"].startswith("text/plain")
    rows = list(csv.reader(io.StringIO(dump.text)))
    assert rows[0] == ["_Status_", "GL Account", "Cost Center", "Period", "Amount", "_Line_", "_Error_1_"]
    assert [(r[0], r[2], r[5]) for r in rows[1:]] == [("E", "1999", "3"), ("E", "1200", "4")]
    assert "Cost Centers" in rows[1][6]
    assert dump.text.startswith('"_Status_"')
    chunks = api.get(f"{dump_url}/chunks").json()["chunks"]
    assert chunks == [{"id": "0", "name": "Chunk 0"}]
    assert api.get(f"{dump_url}/chunks/0").text == dump.text
    # Overwrite, not increment: loading the same total again leaves the cell as it was.
    upload(api, ACTUALS_FILE, b"GL Account,Cost Center,Period,Amount\n4000,1100,Jan 26,1000.10\n")
    second = run_action(api, "imports", ACTUALS_IMPORT)
    assert second["result"]["failureDumpAvailable"] is False
    cells = [c for c in _cells(api, "Actuals") if c["Time"] == "Jan 26" and c["GL Accounts"] == "4000"]
    assert cells == [
        {"GL Accounts": "4000", "Cost Centers": "1100", "Time": "Jan 26", "line_item": "Amount", "value": "1000.10"}
    ]
    assert {
        "GL Accounts": "6000",
        "Cost Centers": "3100",
        "Time": "Feb 26",
        "line_item": "Amount",
        "value": "-250.125",
    } in _cells(api, "Actuals")
    # The older task's dump is gone once the import ran again.
    assert api.get(dump_url).status_code == 404
    assert api.get(f"{model_path()}/imports/{ACTUALS_IMPORT}/tasks/{second['taskId']}/dump").status_code == 204


def test_list_import_adds_and_updates_members(api: httpx.Client) -> None:
    upload(
        api,
        "113000000002",
        (
            b"Code,Name,Tax Id,Payment Terms,Status\n"
            b"S10001,Great Lakes Steel Supply Inc,38-4412907,NET45,Active\n"
            b"S10002,Motor City Fasteners,38-5550101,NET30,Active\n"
            b",No code,1,NET30,Active\n"
        ),
    )
    task = run_action(api, "imports", "112000000002")
    values = task["result"]["details"][0]["values"]
    counts = dict(zip(values[::2], values[1::2], strict=True))
    assert task["result"]["details"][0]["type"] == "hierarchyRowsProcessed"
    assert (counts["successCreateCount"], counts["successUpdateCount"], counts["failedCount"]) == ("1", "1", "1")
    items = {i["code"]: i for i in api.get(f"/_emulator/models/{FPA}/lists/Suppliers/items").json()}
    assert items["S10001"]["name"] == "Great Lakes Steel Supply Inc"
    assert items["S10001"]["properties"]["Payment Terms"] == "NET45"
    assert items["S10002"]["properties"]["Tax Id"] == "38-5550101"


def test_export_writes_file_with_the_export_id(api: httpx.Client) -> None:
    task = run_action(api, "exports", "116000000000")
    assert task["result"] == {**task["result"], "successful": True, "objectId": "116000000000"}
    files = {f["id"]: f for f in api.get(f"{model_path()}/files").json()["files"]}
    assert files["116000000000"]["chunkCount"] == 1
    text = api.get(f"{model_path()}/files/116000000000/chunks/0").text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["GL Account", "Cost Center", "Period", "Amount"]
    assert len(rows) - 1 == 12 * 6 * 4 - 3  # approved rows only
    assert {r[2] for r in rows[1:]} == {"Dec 26", "Jan 27", "Feb 27", "Mar 27"}
    assert ["6300", "1100", "Dec 26"] not in [r[:3] for r in rows]
    suppliers = run_action(api, "exports", "116000000001")
    assert suppliers["result"]["successful"]
    listing = api.get(f"{model_path()}/files/116000000001").text.splitlines()
    assert listing[0] == "Code,Name,Tax Id,Payment Terms,Status" and len(listing) == 3


def test_process_runs_its_actions_and_serves_nested_dumps(api: httpx.Client) -> None:
    upload(api, ACTUALS_FILE, b"GL Account,Cost Center,Period,Amount\n4000,1100,Mar 26,1.00\n9999,1100,Mar 26,2\n")
    upload(api, "113000000004", b"Supplier,Period,Invoiced,Paid\nS10001,Mar 26,500.00,250.00\n")
    task = run_action(api, "processes", "118000000000")
    result = task["result"]
    assert result["objectId"] == "118000000000" and result["failureDumpAvailable"] is True
    nested = {n["objectId"]: n for n in result["nestedResults"]}
    assert nested[ACTUALS_IMPORT]["failureDumpAvailable"] and not nested["112000000004"]["failureDumpAvailable"]
    base = f"{model_path()}/processes/118000000000/tasks/{task['taskId']}/dumps/{ACTUALS_IMPORT}/chunks"
    assert api.get(base).json()["chunks"] == [{"id": "0", "name": "Chunk 0"}]
    assert "9999" in api.get(f"{base}/0").text
    spend = _cells(api, "Supplier Spend")
    assert {(c["line_item"], c["value"]) for c in spend} == {("Invoiced", "500.00"), ("Paid", "250.00")}


def test_delete_action_and_missing_locale(api: httpx.Client) -> None:
    refused = api.post(f"{model_path()}/actions/117000000000/tasks", json={})
    assert refused.status_code == 400
    api.put(
        f"{model_path()}/lists/Suppliers/items",
        json={"items": [{"code": "5001", "properties": {"Status": "Inactive"}}]},
    )
    task = run_action(api, "actions", "117000000000")
    assert task["result"]["successful"] is True
    codes = [i["code"] for i in api.get(f"/_emulator/models/{FPA}/lists/Suppliers/items").json()]
    assert codes == ["S10001"]
