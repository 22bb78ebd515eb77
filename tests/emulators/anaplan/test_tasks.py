"""Task states, the per-model queue, cancellation and the busy model (anaplan.md sections 2.7 and 2.8)."""

from __future__ import annotations

import time

import httpx

from ml_connector.emulators.anaplan import AnaplanEmulator

from .conftest import FPA, SANDBOX, model_path, upload, wait_task

GL_FILE, GL_IMPORT = "113000000000", "112000000000"


def _start(api: httpx.Client, kind: str, object_id: str, model: str = FPA) -> str:
    resp = api.post(f"{model_path(model)}/{kind}/{object_id}/tasks", json={"localeName": "en_US"})
    assert resp.status_code == 200
    task = resp.json()["task"]
    assert task["taskState"] == "NOT_STARTED" and len(task["taskId"]) == 32 and task["taskId"].isupper()
    assert isinstance(task["creationTime"], int)
    task_id: str = task["taskId"]
    return task_id


def test_one_action_per_model_at_a_time(api: httpx.Client, emu: AnaplanEmulator) -> None:
    api.put("/_emulator/settings", json={"task_seconds": 0.3})
    upload(api, GL_FILE, b"Code,Name\n1000,Cash\n")
    first = _start(api, "imports", GL_IMPORT)
    second = _start(api, "exports", "116000000001")
    other_model = _start(api, "exports", "116000000001", SANDBOX)
    time.sleep(0.1)
    running = api.get(f"{model_path()}/imports/{GL_IMPORT}/tasks/{first}").json()["task"]
    queued = api.get(f"{model_path()}/exports/116000000001/tasks/{second}").json()["task"]
    assert running["taskState"] == "IN_PROGRESS" and 0 < running["progress"] < 1 and "result" not in running
    assert queued["taskState"] == "NOT_STARTED"
    status = api.get(f"/2/0/models/{FPA}/status").json()["requestStatus"]
    assert status["taskId"] == first and status["currentStep"].startswith("Processing")
    # Transactional writes wait for no one: they are refused while the model is busy.
    busy = api.post(
        f"{model_path()}/lists/101000000000/items",
        params={"action": "add"},
        json={"items": [{"name": "Petty cash", "code": "1010"}]},
    )
    assert busy.status_code == 409 and busy.json()["status"]["code"] == 409
    wait_task(api, f"{model_path()}/exports/116000000001/tasks/{second}")
    wait_task(api, f"{model_path(SANDBOX)}/exports/116000000001/tasks/{other_model}")
    records = {r["task_id"]: r for r in api.get("/_emulator/tasks").json()}
    a, b, c = records[first], records[second], records[other_model]
    assert a["model_id"] == b["model_id"] == FPA and c["model_id"] == SANDBOX
    assert a["ended"] <= b["started"]  # never overlapped on one model
    assert c["started"] < a["ended"]  # another model is not held up
    listed = api.get(f"{model_path()}/imports/{GL_IMPORT}/tasks").json()["tasks"]
    assert [t["taskId"] for t in listed] == [first] and listed[0]["taskState"] == "COMPLETE"


def test_cancel_running_and_queued_tasks(api: httpx.Client) -> None:
    api.put("/_emulator/settings", json={"task_seconds": 0.5})
    upload(api, GL_FILE, b"Code,Name\n1000,Cash changed\n")
    running = _start(api, "imports", GL_IMPORT)
    queued = _start(api, "imports", GL_IMPORT)
    time.sleep(0.1)
    base = f"{model_path()}/imports/{GL_IMPORT}/tasks"
    cancelled = api.delete(f"{base}/{queued}").json()["task"]
    assert cancelled["taskState"] == "CANCELLED"
    cancelling = api.delete(f"{base}/{running}").json()["task"]
    assert cancelling["taskState"] in ("CANCELLING", "CANCELLED")
    assert wait_task(api, f"{base}/{running}")["taskState"] == "CANCELLED"
    # A cancelled import changes nothing.
    names = [i["name"] for i in api.get(f"/_emulator/models/{FPA}/lists/GL Accounts/items").json()]
    assert "Cash changed" not in names
    newest_first = api.get(base, params={"sort": "-creationTime"}).json()["tasks"]
    assert [t["taskId"] for t in newest_first] == [queued, running]


def test_unknown_action_and_task_are_404(api: httpx.Client) -> None:
    assert api.post(f"{model_path()}/imports/112999999999/tasks", json={"localeName": "en_US"}).status_code == 404
    assert api.get(f"{model_path()}/imports/{GL_IMPORT}/tasks/ABCDEF").status_code == 404


def test_injected_faults_use_anaplans_error_body(api: httpx.Client) -> None:
    api.put("/_emulator/faults", json={"next_429": 1, "retry_after_seconds": 2})
    limited = api.get("/2/0/workspaces")
    assert limited.status_code == 429 and limited.headers["retry-after"] == "2"
    assert limited.json()["status"]["code"] == 429
    assert api.get("/2/0/workspaces").status_code == 200


def test_forced_busy_model_and_rate_limit(api: httpx.Client) -> None:
    api.put("/_emulator/settings", json={"busy_models": [FPA]})
    url = f"/2/0/models/{FPA}/modules/102000000002/data"
    cell = [
        {
            "lineItemName": "Approved",
            "dimensions": [
                {"dimensionName": "GL Accounts", "itemCode": "4000"},
                {"dimensionName": "Cost Centers", "itemCode": "1100"},
                {"dimensionName": "Time", "itemName": "Apr 27"},
            ],
            "value": True,
        }
    ]
    assert api.post(url, json=cell).status_code == 409
    api.put("/_emulator/settings", json={"busy_models": [], "rate_limit_per_minute": 3})
    assert api.post(url, json=cell).json()["numberOfCellsChanged"] == 1
    statuses = [api.get("/2/0/workspaces").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limited = api.get("/2/0/workspaces")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    api.post("/_emulator/reset")
    assert api.get("/2/0/workspaces").status_code == 200
